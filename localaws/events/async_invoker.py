"""Asynchronous invocation as Lambda does it: queue, retries, event age, destinations, loops.

Events wait in the persisted queue; worker threads run those that are due. A throttled event
waits and tries again (not lost). A function error is retried ``MaximumRetryAttempts`` times
(default 2), about 1 and then 2 minutes later as on AWS; ``LOCALAWS_ASYNC_RETRY_SCALE``
shortens those waits for classrooms and tests (0.01 turns a minute into 0.6 s). The outcome
goes to the on-success or on-failure destination. A chain of events that has already invoked
functions 16 times is stopped, as Lambda's recursive loop detection does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from localaws.events.async_queue import AsyncEvent, EventStore
from localaws.events.destinations import (
    dead_letter,
    deliver,
    destination_record,
    error_message_of,
)
from localaws.events.ports import FunctionDirectory, FunctionTarget, MessageBus, Transactions
from localaws.executor.pool import ExecutorStopped, Throttled
from localaws.executor.service import InvocationService, InvokeResult
from localaws.executor.tracing import Chain

log = logging.getLogger("localaws.async")

RETRY_DELAYS_SECONDS = (60.0, 120.0)
#: The condition of an event for a function with reserved concurrency 0: it never runs.
ZERO_CONCURRENCY = "ZeroReservedConcurrency"
ZERO_CONCURRENCY_MESSAGE = (
    "Function not invoked. Function is configured with zero reserved concurrent executions"
)
THROTTLE_WAIT_SECONDS = 1.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_EVENT_AGE = 21600
RECURSION_LIMIT = 16


@dataclass(frozen=True)
class AccountPorts:
    """The account as the event layer reaches it (see ``ports``)."""

    transactions: Transactions
    functions: FunctionDirectory
    queue: EventStore
    bus: MessageBus


class AsyncInvoker:
    def __init__(
        self,
        service: InvocationService,
        ports: AccountPorts,
        retry_scale: float = 1.0,
        workers: int = 4,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.service = service
        self.persistence = ports.transactions
        self.functions = ports.functions
        self.queue = ports.queue
        self.bus = ports.bus
        self.retry_scale = retry_scale
        self.clock = clock
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._workers = [
            threading.Thread(target=self._work, name=f"async-{n}", daemon=True)
            for n in range(workers)
        ]

    def start(self) -> None:
        """Release events a crashed server had started, then start the workers."""
        with self.persistence.exclusive():
            for event in self.queue.events():
                event.claimed = False
        for worker in self._workers:
            worker.start()

    def stop(self) -> None:
        """No event is taken from now on (see ``join``); queued ones wait for the next start."""
        self._stop.set()
        with self._wake:
            self._wake.notify_all()

    def join(self, deadline: float) -> None:
        for worker in self._workers:
            if worker.is_alive():
                worker.join(max(0.0, deadline - time.monotonic()))

    def submit(
        self,
        account: str,
        region: str,
        function_name: str,
        payload: bytes,
        chain: Chain | None = None,
        qualifier: str | None = None,
        request_id: str | None = None,
        invoked_arn: str | None = None,
    ) -> str:
        """Queue an event durably; its request id (``request_id``: the one the Invoke call
        answered with, which the handler then sees). The caller must not hold a shared lock."""
        now = self.clock()
        event = AsyncEvent(
            account, region, function_name, qualifier, payload, now, now, chain or Chain.new(),
            invoked_arn=invoked_arn,
        )  # fmt: skip
        if request_id is not None:  # the id the Invoke call answered with
            event.request_id = request_id
        with self.persistence.writing():
            self.queue.events().append(event)
            self.service.sinks.write_metrics(
                account, region, function_name, {"AsyncEventsReceived": 1}
            )
        with self._wake:
            self._wake.notify()
        return event.request_id

    def pending(self) -> int:
        with self.persistence.reading():
            return len(self.queue.events())

    def _claim_next(self) -> tuple[AsyncEvent, int] | None:
        """A due event, claimed, with the state's generation (a reset makes it stale)."""
        now = self.clock()
        with self.persistence.reading():  # an idle worker takes no write lock
            if not any(not e.claimed and e.due_at <= now for e in self.queue.events()):
                return None
        with self.persistence.exclusive():
            for event in self.queue.events():
                if not event.claimed and event.due_at <= now:
                    event.claimed = True
                    return event, self.persistence.generation
        return None

    def release_claims(self) -> None:
        """After a checkpoint is restored: its queued events are nobody's (as at a start)."""
        with self.persistence.exclusive():
            for event in self.queue.events():
                event.claimed = False

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._work_once():
                    return
            except Exception:  # never lose a worker (for example to a disk that is full)
                log.exception("an asynchronous worker failed; it carries on")
                self._stop.wait(THROTTLE_WAIT_SECONDS)

    def _work_once(self) -> bool:
        """Run the next due event, if any; False once the worker should end."""
        claimed = self._claim_next()
        if claimed is None:
            with self._wake:
                self._wake.wait(0.05)
            return True
        event, generation = claimed
        try:
            self._process(event, generation)
        except ExecutorStopped:
            return False  # still queued: the next start runs it
        except OSError:  # the state could not be saved (a full disk): try again later
            log.exception("asynchronous event %s will be tried again", event.request_id)
            self._reschedule(event, THROTTLE_WAIT_SECONDS)
        except Exception:  # retrying cannot fix it: failure handling at once, logged once
            if self.service.stopped:
                return False  # it failed because localaws is stopping: the next start runs it
            log.exception(
                "asynchronous event %s for %s cannot be run; it goes to failure handling "
                "without retries",
                event.request_id,
                event.function_name,
            )
            self._fail_at_once(event)
        return True

    def _function(self, event: AsyncEvent) -> FunctionTarget | None:
        with self.persistence.reading():
            return self.functions.find(
                event.account, event.region, event.function_name, event.qualifier
            )

    def _process(self, event: AsyncEvent, generation: int) -> None:
        function = self._function(event)
        if function is None:
            self._finish(event, None, "FunctionNotFound", None)
            return
        config, settings = function.config, function.invoke_settings
        max_age = settings.get("MaximumEventAgeInSeconds", DEFAULT_MAX_EVENT_AGE)
        age = self.clock() - event.received_at
        if age > max_age:
            self._finish(event, function, "EventAgeExceeded", None)
            return
        if event.chain.count >= RECURSION_LIMIT and function.recursive_loop != "Allow":
            self._drop_recursive(event, function)
            return
        if config.reserved_concurrency == 0:  # AWS: never run, nor retried for six hours
            self._finish(event, function, ZERO_CONCURRENCY, None)
            return
        try:
            result = self.service.invoke(
                config,
                event.payload,
                trace_header=event.chain.next().header(),
                request_id=event.request_id,
                invoked_arn=event.invoked_arn,
                generation=generation,
            )
        except Throttled:
            self._reschedule(event, THROTTLE_WAIT_SECONDS)
            return
        if generation != self.persistence.generation:
            return  # a reset came while it ran: the event and its function are gone
        metrics = {"AsyncEventAge": age * 1000}
        with self.persistence.writing():
            self.queue.update(event, attempts=event.attempts + 1)
            self.service.sinks.write_metrics(
                event.account, event.region, event.function_name, metrics
            )
        if result.function_error is None:
            self._finish(event, function, "Success", result)
        elif event.attempts <= settings.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES):
            delay = RETRY_DELAYS_SECONDS[min(event.attempts, len(RETRY_DELAYS_SECONDS)) - 1]
            self._reschedule(event, delay * self.retry_scale)
        else:
            self._finish(event, function, "RetriesExhausted", result)

    def _fail_at_once(self, event: AsyncEvent) -> None:
        """An event that cannot be run (localaws cannot run the function, or a bug): its
        on-failure destination or dead-letter queue gets it now, as after its last retry."""
        try:
            self._finish(event, self._function(event), "RetriesExhausted", None)
        except Exception:
            log.exception("asynchronous event %s was dropped", event.request_id)
            with self.persistence.writing():
                events = self.queue.events()
                events[:] = [queued for queued in events if queued is not event]

    def _reschedule(self, event: AsyncEvent, delay: float) -> None:
        with self.persistence.writing():
            self.queue.update(event, due_at=self.clock() + delay, claimed=False)

    def _drop_recursive(self, event: AsyncEvent, function: FunctionTarget) -> None:
        message = (
            f"LOCALAWS: recursive loop detected: this chain of events has invoked functions "
            f"{RECURSION_LIMIT} times; the next invocation of {event.function_name} was dropped "
            f"(request {event.request_id}). Check that the function does not write to the "
            "resource that triggers it."
        )
        log.warning(message)
        with self.persistence.writing():
            now_ms = int(self.clock() * 1000)
            self.service.sinks.record_recursion_drop(
                event.account, event.region, event.function_name, message, now_ms
            )
            self._finish(event, function, "RecursiveInvocationDropped", None)

    def _finish(
        self,
        event: AsyncEvent,
        function: FunctionTarget | None,
        condition: str,
        result: InvokeResult | None,
    ) -> None:
        with self.persistence.writing():
            events = self.queue.events()
            if not any(queued is event for queued in events):
                return  # a reset or a restore replaced the queue: nothing more to deliver
            events[:] = [queued for queued in events if queued is not event]
            if function is None:
                return
            success = condition == "Success"
            if not success:
                self._dead_letter(event, function, condition, result)
            target = function.destination(success)
            if target is None:
                if not success:
                    self.service.sinks.write_metrics(
                        event.account, event.region, event.function_name, {"AsyncEventsDropped": 1}
                    )
                return
            record = destination_record(
                event.request_id,
                function.arn,
                function.config.version,
                condition,
                event.attempts,
                event.payload,
                result.payload if result else None,
                result.function_error if result else None,
            )
            try:
                deliver(target, record, self._submit_to_function(event), success, self.bus)
            except Exception as error:
                log.warning("could not deliver to %s: %s", target, error)
                self.service.sinks.write_metrics(
                    event.account, event.region, event.function_name,
                    {"DestinationDeliveryFailures": 1},
                )  # fmt: skip

    def _dead_letter(
        self,
        event: AsyncEvent,
        function: FunctionTarget,
        condition: str,
        result: InvokeResult | None,
    ) -> None:
        target = function.dead_letter_target
        if target is None:
            return
        error_code, error_message = condition, condition
        if condition == ZERO_CONCURRENCY:
            error_message = ZERO_CONCURRENCY_MESSAGE
        if result is not None and result.function_error:
            error_code, error_message = "200", error_message_of(result.payload)
        try:
            error = (error_code, error_message)
            dead_letter(target, event.payload, event.request_id, error, self.bus)
        except Exception as failure:
            log.warning("could not send to the dead-letter queue %s: %s", target, failure)
            self.service.sinks.write_metrics(
                event.account, event.region, event.function_name, {"DeadLetterErrors": 1}
            )

    def _submit_to_function(self, event: AsyncEvent) -> Callable[[str, str, str, bytes], None]:
        def submit(account: str, region: str, name: str, payload: bytes) -> None:
            self.submit(account, region, name, payload, event.chain.next())

        return submit
