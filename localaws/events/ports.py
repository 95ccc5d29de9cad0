"""What the event layer needs from the account, as interfaces: ``localaws.moto_glue`` implements
each with moto's backends, and the event layer never imports moto.

Every call is made under the caller's lock (``Transactions``): reads under ``reading()``,
changes under ``writing()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from localaws.executor.config import FunctionConfig


class Transactions(Protocol):
    """The persistence lock: shared reads, exclusive writes made durable when they end."""

    generation: int  # goes up at every reset: work begun before one must not write after it

    def reading(self) -> AbstractContextManager[None]: ...
    def writing(self) -> AbstractContextManager[None]: ...
    def exclusive(self) -> AbstractContextManager[None]:
        """The exclusive lock without a commit (for bookkeeping that needs none)."""
        ...


@dataclass(frozen=True)
class FunctionTarget:
    """A function version as the event layer sees it."""

    config: FunctionConfig
    arn: str  # the unqualified function ARN
    #: The event invoke config: MaximumRetryAttempts, MaximumEventAgeInSeconds,
    #: DestinationConfig (empty when none is set).
    invoke_settings: Mapping[str, Any] = field(default_factory=dict)
    dead_letter_target: str | None = None
    recursive_loop: str = "Terminate"  # or "Allow" (PutFunctionRecursionConfig)

    def destination(self, success: bool) -> str | None:
        destinations = self.invoke_settings.get("DestinationConfig") or {}
        chosen = destinations.get("OnSuccess" if success else "OnFailure") or {}
        destination = chosen.get("Destination")
        return str(destination) if destination else None


class FunctionDirectory(Protocol):
    def find(
        self, account: str, region: str, name: str, qualifier: str | None = None
    ) -> FunctionTarget | None:
        """The function version, or None when there is none (caller holds a read lock)."""
        ...


class MessageBus(Protocol):
    """Deliveries to the account's queues, topics and event buses (caller holds the write
    lock); each raises when it cannot deliver."""

    def send_to_queue(self, arn: str, body: str, attributes: Mapping[str, str | int]) -> None: ...
    def publish(self, arn: str, body: str, attributes: Mapping[str, str | int]) -> None: ...
    def put_event(self, bus_arn: str, source: str, detail_type: str, detail: str) -> None: ...


@dataclass(frozen=True)
class SqsMapping:
    """An enabled event source mapping from an SQS queue to a function."""

    uuid: str
    queue_arn: str
    account: str  # the function's
    region: str
    function_name: str
    qualifier: str | None  # the version or alias the mapping names (None: $LATEST)
    batch_size: int
    batching_window_seconds: float
    report_batch_item_failures: bool


@dataclass(frozen=True)
class SqsMessage:
    """A received message: its event record, and the trace header it was sent with."""

    id: str
    receipt_handle: str
    record: dict[str, Any]
    trace_header: str | None


class SqsSource(Protocol):
    """The queues that event source mappings poll."""

    def mappings(self) -> Sequence[SqsMapping]:
        """Every enabled SQS mapping (caller holds a read lock)."""
        ...

    def visible_messages(self, mapping: SqsMapping) -> int: ...
    def receive(self, mapping: SqsMapping) -> list[SqsMessage]:
        """Up to the batch size, hidden for the queue's visibility timeout (write lock)."""
        ...

    def delete(self, mapping: SqsMapping, messages: Sequence[SqsMessage]) -> None: ...
    def release(self, mapping: SqsMapping, messages: Sequence[SqsMessage]) -> None:
        """Make the messages visible again at once (write lock)."""
        ...


@dataclass(frozen=True)
class ScheduledRule:
    """An EventBridge rule with a schedule expression."""

    arn: str
    account: str
    region: str
    expression: str
    enabled: bool


class RuleSource(Protocol):
    def scheduled_rules(self) -> Sequence[ScheduledRule]:
        """Every rule with a schedule expression (caller holds a read lock)."""
        ...

    def fire(self, rule: ScheduledRule, event: dict[str, Any]) -> None:
        """Send ``event`` to the rule's targets (caller holds the write lock)."""
        ...
