"""The event layer: the asynchronous invocation queue and its invoker (retries, destinations,
recursive-loop detection), SQS polling and EventBridge schedules. It reaches the account only
through the interfaces in ``ports`` (never moto) and runs functions through the executor."""
