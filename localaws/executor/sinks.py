"""Where an invocation's records go: the executor writes through this interface only.

``localaws.moto_glue.sinks`` implements it with moto's CloudWatch Logs and CloudWatch backends;
the executor itself never imports moto.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

LogEvent = tuple[int, str]  # (epoch milliseconds, message)


class InvocationSinks(Protocol):
    """Log events and AWS/Lambda metrics, made durable like any API write."""

    @property
    def generation(self) -> int:
        """The state's generation: it goes up at every reset (see ``write_invocation``)."""
        ...

    def write_invocation(
        self,
        account: str,
        region: str,
        function_name: str,
        log: tuple[str, str, Sequence[LogEvent]],
        metrics: dict[str, float],
        generation: int | None = None,
    ) -> bool:
        """One invocation's log events (group, stream, events) and metrics, together; nothing
        (False) when ``generation`` is older than the state's (a reset came meanwhile) or the
        sinks are closed (localaws is stopping)."""
        ...

    def write_logs(
        self, account: str, region: str, group: str, stream: str, events: Sequence[LogEvent]
    ) -> None:
        """Log events outside an invocation (a provisioned environment's init)."""
        ...

    def write_metrics(
        self, account: str, region: str, function_name: str, values: dict[str, float]
    ) -> None: ...

    def record_recursion_drop(
        self, account: str, region: str, function_name: str, message: str, epoch_ms: int
    ) -> None:
        """A dropped recursive invocation: a log line the learner sees, and the metric."""
        ...

    def close(self) -> None:
        """Write nothing more; returns once no write is under way."""
        ...
