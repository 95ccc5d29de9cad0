"""The executor's sinks in moto: CloudWatch Logs and AWS/Lambda metrics in moto's backends.

A function's log lines in Embedded Metric Format also become metric data (see ``emf``), as
CloudWatch Logs extracts them on AWS. Writes take the persistence lock, so they are saved like
any API write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.utils import utcnow
from moto.logs.models import logs_backends

from localaws.executor.sinks import LogEvent
from localaws.moto_glue.emf import metric_data
from localaws.state.persistence import Persistence


class MotoSinks:
    """Writes log events and metrics as if Lambda had sent them."""

    def __init__(self, persistence: Persistence) -> None:
        self.persistence = persistence
        self._closed = False

    @property
    def generation(self) -> int:
        return self.persistence.generation

    def close(self) -> None:
        """Write nothing more (localaws is stopping); returns once no write is under way."""
        with self.persistence.lock.exclusive():
            self._closed = True

    def write_invocation(
        self,
        account: str,
        region: str,
        function_name: str,
        log: tuple[str, str, Sequence[LogEvent]],
        metrics: dict[str, float],
        generation: int | None = None,
    ) -> bool:
        """Log events and metrics of one invocation, made durable together; whether written.

        An invocation that began before a reset (``generation`` older than the state's)
        leaves no trace in the emptied account, nor one that ends once localaws is stopping.
        """
        with self.persistence.writing():
            if self._closed:
                return False
            if generation is not None and generation != self.persistence.generation:
                return False
            self.write_logs(account, region, *log)
            self.write_metrics(account, region, function_name, metrics)
            return True

    def write_logs(
        self, account: str, region: str, group: str, stream: str, events: Sequence[LogEvent]
    ) -> None:
        with self.persistence.writing():
            if self._closed:
                return
            backend = logs_backends[account][region]
            if group not in backend.groups:
                backend.create_log_group(group, {})
            if stream not in backend.groups[group].streams:
                backend.create_log_stream(group, stream)
            ordered = sorted(events, key=lambda event: event[0])
            backend.put_log_events(
                group, stream, [{"timestamp": t, "message": m} for t, m in ordered]
            )
            metrics = cloudwatch_backends[account][region]
            for _, message in ordered:
                for namespace, data in metric_data(message):
                    metrics.put_metric_data(namespace, data)

    def write_metrics(
        self, account: str, region: str, function_name: str, values: dict[str, float]
    ) -> None:
        now = utcnow()  # moto keeps naive UTC datetimes
        dimensions = [{"Name": "FunctionName", "Value": function_name}]
        data = [
            {
                "MetricName": name,
                "Value": value,
                "Unit": "Milliseconds" if name == "Duration" else "Count",
                "Dimensions": dimensions,
                "Timestamp": now,
            }
            for name, value in values.items()
        ]
        with self.persistence.writing():
            if self._closed:
                return
            cloudwatch_backends[account][region].put_metric_data("AWS/Lambda", data)

    def put_metrics(
        self, account: str, region: str, namespace: str, data: list[dict[str, Any]]
    ) -> None:
        """Metric data of another service (API Gateway's), stamped now, made durable."""
        now = utcnow()
        with self.persistence.writing():
            if self._closed:
                return
            stamped = [{**datum, "Timestamp": now} for datum in data]
            cloudwatch_backends[account][region].put_metric_data(namespace, stamped)

    def record_recursion_drop(
        self, account: str, region: str, function_name: str, message: str, epoch_ms: int
    ) -> None:
        """A dropped recursive invocation: a log line the learner sees, and the metric."""
        with self.persistence.writing():
            self.write_logs(
                account,
                region,
                f"/aws/lambda/{function_name}",
                "localaws/recursive-loop-detection",
                [(epoch_ms, message)],
            )
            self.write_metrics(account, region, function_name, {"RecursiveInvocationsDropped": 1})
