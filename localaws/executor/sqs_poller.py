"""SQS event source mappings by polling, as Lambda does it.

moto invokes the function inside the SendMessage request, one message at a time. Lambda
instead polls the queue, invokes the function synchronously with a batch (up to BatchSize,
waiting up to MaximumBatchingWindowInSeconds to fill it), deletes the batch when the function
succeeds, leaves it to reappear after the visibility timeout when it fails (so the queue's
redrive policy moves repeated failures to its dead-letter queue), and with
``ReportBatchItemFailures`` deletes all but the messages the function names. A message sent
from inside a handler carries the handler's trace header, so a handler -> queue -> handler
loop is counted and stopped like any other.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaBackend, lambda_backends
from moto.sqs.models import SQSBackend, sqs_backends

from localaws.executor.async_invoker import RECURSION_LIMIT
from localaws.executor.pool import ExecutorStopped, Throttled
from localaws.executor.service import InvocationService
from localaws.executor.tracing import Chain, request_chain
from localaws.extensions.recursion_config import recursive_loop
from localaws.state.persistence import Persistence

log = logging.getLogger("localaws.sqs")
POLL_SECONDS = 0.2
DEFAULT_BATCH_SIZE = 10

_original_create = LambdaBackend.create_event_source_mapping
_original_send = SQSBackend.send_message


def _send_with_trace_header(
    self: Any, queue_name: str, message_body: str, *args: Any, **kwargs: Any
) -> Any:
    """Messages sent from inside a handler carry its trace header (AWSTraceHeader), as on AWS."""
    chain = request_chain()
    system = dict(kwargs.get("system_attributes") or {})
    if chain is not None and "AWSTraceHeader" not in system:
        system["AWSTraceHeader"] = {"DataType": "String", "StringValue": chain.header()}
        kwargs["system_attributes"] = system
    return _original_send(self, queue_name, message_body, *args, **kwargs)


def batch_chain(messages: list[Any]) -> Chain:
    """The causal chain a batch continues: the longest one among its messages."""
    chains = [
        Chain.from_header((m.system_attributes.get("AWSTraceHeader") or {}).get("StringValue"))
        for m in messages
    ]
    known = [chain for chain in chains if chain is not None]
    return max(known, key=lambda chain: chain.count) if known else Chain.new()


def _create_without_push(self: Any, spec: dict[str, Any]) -> Any:
    """Create the mapping as moto does, but keep moto from pushing messages itself."""
    esm = _original_create(self, spec)
    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        queue.lambda_event_source_mappings.pop(esm.function_arn, None)
    return esm


def sqs_record(message: Any, queue: Any) -> dict[str, Any]:
    return {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": {
            "ApproximateReceiveCount": str(message.approximate_receive_count),
            "SentTimestamp": str(message.sent_timestamp),
            "SenderId": message.sender_id,
            "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
        },
        "messageAttributes": message.message_attributes or {},
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.queue_arn,
        "awsRegion": queue.region,
    }


def failed_item_ids(response: bytes) -> set[str] | None:
    """The ids a ReportBatchItemFailures response names (None: not such a response)."""
    try:
        body = json.loads(response)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("batchItemFailures"), list):
        return None
    return {str(item.get("itemIdentifier")) for item in body["batchItemFailures"]}


class SqsPoller:
    def __init__(
        self,
        service: InvocationService,
        persistence: Persistence,
        config_for: Callable[[Any], Any],
    ) -> None:
        self.service = service
        self.persistence = persistence
        self.config_for = config_for
        self._stop = threading.Event()
        self._first_seen: dict[str, float] = {}
        self._thread = threading.Thread(target=self._loop, name="sqs-poller", daemon=True)

    def forget(self) -> None:
        """Drop what was noted about mappings (a reset: they are gone)."""
        self._first_seen.clear()

    def start(self) -> None:
        LambdaBackend.create_event_source_mapping = _create_without_push  # type: ignore[method-assign]
        SQSBackend.send_message = _send_with_trace_header  # type: ignore[method-assign]
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, deadline: float) -> None:
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))

    def _mappings(self) -> list[Any]:
        with self.persistence.reading():
            return [
                esm
                for _, _, backend in lambda_backends.iter_backends()
                for esm in list(backend._event_source_mappings.values())  # type: ignore[attr-defined]
                if esm.enabled and ":sqs:" in esm.event_source_arn
            ]

    def _loop(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            for esm in self._mappings():
                try:
                    self._poll(esm)
                except ExecutorStopped:
                    return  # the batch reappears after its visibility timeout
                except Exception:  # keep polling the other mappings
                    log.exception("polling %s failed", esm.event_source_arn)

    def _ready(self, esm: Any, queue: Any) -> bool:
        """Whether to take a batch now: full, or the batching window has passed."""
        window = float(esm.max_batch_window or 0)
        waiting = len([m for m in queue._messages if m.visible])
        if waiting == 0:
            self._first_seen.pop(esm.uuid, None)
            return False
        first = self._first_seen.setdefault(esm.uuid, time.monotonic())
        full = waiting >= int(esm.batch_size or DEFAULT_BATCH_SIZE)
        return full or time.monotonic() - first >= window

    def _poll(self, esm: Any) -> None:
        _, _, _, region, account, name = esm.event_source_arn.split(":")
        backend = sqs_backends[account][region]
        with self.persistence.writing():
            queue = backend.get_queue(name)
            if not self._ready(esm, queue):
                return
            self._first_seen.pop(esm.uuid, None)
            messages = backend.receive_message(
                name,
                int(esm.batch_size or DEFAULT_BATCH_SIZE),
                0,
                int(getattr(queue, "visibility_timeout", 30)),
            )
            if not messages:
                return
            records = [sqs_record(message, queue) for message in messages]
            function = lambda_backends[esm.account_id][esm.region].get_function(esm.function_name)
            config = self.config_for(function)
        chain = batch_chain(messages)
        if chain.count >= RECURSION_LIMIT and recursive_loop(function) != "Allow":
            self._drop_recursive(esm, backend, name, messages)
            return
        payload = json.dumps({"Records": records}).encode()
        try:
            result = self.service.invoke(config, payload, trace_header=chain.next().header())
        except Throttled:
            self._release(backend, name, messages)
            return
        if result.function_error:
            return  # the messages reappear after the visibility timeout
        keep: set[str] = set()
        if "ReportBatchItemFailures" in (esm.function_response_types or []):
            keep = failed_item_ids(result.payload) or set()
        with self.persistence.writing():
            for message in messages:
                if message.id not in keep:
                    backend.delete_message(name, str(message.receipt_handle))

    def _drop_recursive(self, esm: Any, backend: Any, name: str, messages: list[Any]) -> None:
        message = (
            f"LOCALAWS: recursive loop detected: messages from {name} have invoked functions "
            f"{RECURSION_LIMIT} times in one chain; {len(messages)} message(s) were dropped "
            f"instead of invoking {esm.function_name}."
        )
        log.warning(message)
        with self.persistence.writing():
            for item in messages:
                backend.delete_message(name, str(item.receipt_handle))
            self.service.sinks.record_recursion_drop(
                esm.account_id, esm.region, esm.function_name, message, int(time.time() * 1000)
            )

    def _release(self, backend: Any, name: str, messages: list[Any]) -> None:
        with self.persistence.writing():
            for message in messages:
                backend.change_message_visibility(name, str(message.receipt_handle), 0)
