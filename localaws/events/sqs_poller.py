"""SQS event source mappings by polling, as Lambda does it.

Lambda polls the queue, invokes the function synchronously with a batch (up to BatchSize,
waiting up to MaximumBatchingWindowInSeconds to fill it), deletes the batch when the function
succeeds, leaves it to reappear after the visibility timeout when it fails (so the queue's
redrive policy moves repeated failures to its dead-letter queue), and with
``ReportBatchItemFailures`` deletes all but the messages the function names. A message sent
from inside a handler carries the handler's trace header, so a handler -> queue -> handler
loop is counted and stopped like any other. The queues are reached through an ``SqsSource``.
"""

from __future__ import annotations

import json
import logging
import time

from localaws.events.async_invoker import RECURSION_LIMIT
from localaws.events.periodic import PeriodicTask
from localaws.events.ports import FunctionDirectory, SqsMapping, SqsMessage, SqsSource, Transactions
from localaws.executor.pool import ExecutorStopped, Throttled
from localaws.executor.service import InvocationService
from localaws.executor.tracing import Chain

log = logging.getLogger("localaws.sqs")
POLL_SECONDS = 0.2


def batch_chain(messages: list[SqsMessage]) -> Chain:
    """The causal chain a batch continues: the longest one among its messages."""
    chains = [Chain.from_header(message.trace_header) for message in messages]
    known = [chain for chain in chains if chain is not None]
    return max(known, key=lambda chain: chain.count) if known else Chain.new()


def failed_item_ids(response: bytes) -> set[str] | None:
    """The ids a ReportBatchItemFailures response names (None: not such a response)."""
    try:
        body = json.loads(response)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("batchItemFailures"), list):
        return None
    return {str(item.get("itemIdentifier")) for item in body["batchItemFailures"]}


class SqsPoller(PeriodicTask):
    def __init__(
        self,
        service: InvocationService,
        transactions: Transactions,
        source: SqsSource,
        functions: FunctionDirectory,
    ) -> None:
        super().__init__("sqs-poller", POLL_SECONDS)
        self.service = service
        self.persistence = transactions
        self.source = source
        self.functions = functions
        self._first_seen: dict[str, float] = {}
        self._missing: set[str] = set()  # mappings whose function is gone (said once)

    def forget(self) -> None:
        """Drop what was noted about mappings (a reset: they are gone)."""
        self._first_seen.clear()
        self._missing.clear()

    def run_once(self) -> None:
        """Poll every mapping once; one that fails does not keep the others waiting."""
        with self.persistence.reading():
            mappings = list(self.source.mappings())
        for mapping in mappings:
            try:
                self._poll(mapping)
            except ExecutorStopped:
                self.stop()  # the batch reappears after its visibility timeout
                return
            except Exception:
                log.exception("polling %s failed", mapping.queue_arn)

    def _ready(self, mapping: SqsMapping) -> bool:
        """Whether to take a batch now: full, or the batching window has passed."""
        waiting = self.source.visible_messages(mapping)
        if waiting == 0:
            self._first_seen.pop(mapping.uuid, None)
            return False
        first = self._first_seen.setdefault(mapping.uuid, time.monotonic())
        full = waiting >= mapping.batch_size
        return full or time.monotonic() - first >= mapping.batching_window_seconds

    def _poll(self, mapping: SqsMapping) -> None:
        with self.persistence.reading():
            if not self._ready(mapping):
                return
            function = self.functions.find(
                mapping.account, mapping.region, mapping.function_name, mapping.qualifier
            )
        if function is None:  # deleted since: the messages stay in the queue, untouched
            if mapping.uuid not in self._missing:
                self._missing.add(mapping.uuid)
                log.warning("the function of mapping %s is gone; not polling", mapping.uuid)
            return
        self._missing.discard(mapping.uuid)
        with self.persistence.writing():
            self._first_seen.pop(mapping.uuid, None)
            messages = self.source.receive(mapping)
        if not messages:
            return
        chain = batch_chain(messages)
        if chain.count >= RECURSION_LIMIT and function.recursive_loop != "Allow":
            self._drop_recursive(mapping, messages)
            return
        payload = json.dumps({"Records": [message.record for message in messages]}).encode()
        try:
            result = self.service.invoke(
                function.config, payload, trace_header=chain.next().header()
            )
        except Throttled:
            self._release(mapping, messages)
            return
        if result.function_error:
            return  # the messages reappear after the visibility timeout
        keep: set[str] = set()
        if mapping.report_batch_item_failures:
            keep = failed_item_ids(result.payload) or set()
        with self.persistence.writing():
            self.source.delete(mapping, [m for m in messages if m.id not in keep])

    def _drop_recursive(self, mapping: SqsMapping, messages: list[SqsMessage]) -> None:
        queue = mapping.queue_arn.rsplit(":", 1)[-1]
        message = (
            f"LOCALAWS: recursive loop detected: messages from {queue} have invoked functions "
            f"{RECURSION_LIMIT} times in one chain; {len(messages)} message(s) were dropped "
            f"instead of invoking {mapping.function_name}."
        )
        log.warning(message)
        with self.persistence.writing():
            self.source.delete(mapping, messages)
            self.service.sinks.record_recursion_drop(
                mapping.account, mapping.region, mapping.function_name, message,
                int(time.time() * 1000),
            )  # fmt: skip

    def _release(self, mapping: SqsMapping, messages: list[SqsMessage]) -> None:
        with self.persistence.writing():
            self.source.release(mapping, messages)
