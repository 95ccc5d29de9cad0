"""The Lambda executor: runs handlers in real processes, the way AWS Lambda does.

Layers, top to bottom: ``service`` (one invocation, logs and metrics) -> ``pool`` (environments
per function version, concurrency) -> ``environment`` (one execution environment, a state
machine) -> ``process`` (the OS process backend) and ``runtime_api`` (the Lambda Runtime API
it talks to). ``bootstrap`` runs inside the function's own interpreter.
"""
