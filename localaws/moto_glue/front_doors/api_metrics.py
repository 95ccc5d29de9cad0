"""API Gateway's own metrics in CloudWatch (namespace ``AWS/ApiGateway``).

For each request to a stage: ``Count``, the error counts, ``Latency`` (the whole request)
and ``IntegrationLatency`` (the integration's part). REST APIs name the errors ``4XXError``
and ``5XXError`` and use the dimensions ``ApiName`` and ``ApiName, Stage``; HTTP APIs name
them ``4xx`` and ``5xx`` with ``ApiId`` and ``ApiId, Stage``, as AWS does. Requests are
counted off the request path: a worker thread writes them in batches, each batch one durable
write, so an answer never waits for its metrics.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("localaws")
NAMESPACE = "AWS/ApiGateway"
#: Writes metric data (account, region, namespace, data) durably; the sinks' ``put_metrics``.
PutMetrics = Callable[[str, str, str, list[dict[str, Any]]], None]


@dataclass(frozen=True)
class Measured:
    """One request to an API stage, as its metrics need it."""

    account: str
    region: str
    is_rest: bool
    api: str  # REST: the API's name; HTTP: its id
    stage: str
    status: int
    latency_ms: float
    integration_ms: float

    def metric_data(self) -> list[dict[str, Any]]:
        key = "ApiName" if self.is_rest else "ApiId"
        errors = ("4XXError", "5XXError") if self.is_rest else ("4xx", "5xx")
        values = {
            "Count": 1.0,
            errors[0]: 1.0 if 400 <= self.status < 500 else 0.0,
            errors[1]: 1.0 if self.status >= 500 else 0.0,
            "Latency": self.latency_ms,
            "IntegrationLatency": self.integration_ms,
        }
        dimension_sets = (
            [{"Name": key, "Value": self.api}],
            [{"Name": key, "Value": self.api}, {"Name": "Stage", "Value": self.stage}],
        )
        return [
            {
                "MetricName": name,
                "Value": value,
                "Unit": "Milliseconds" if name.endswith("Latency") else "Count",
                "Dimensions": dimensions,
            }
            for dimensions in dimension_sets
            for name, value in values.items()
        ]


class ApiMetrics:
    """Collects measured requests and writes them from one worker thread."""

    def __init__(self, put_metrics: PutMetrics) -> None:
        self.put_metrics = put_metrics
        self._queue: queue.SimpleQueue[Measured] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def record(self, measured: Measured) -> None:
        self._queue.put(measured)
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="apigateway-metrics", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty() and len(batch) < 500:
                batch.append(self._queue.get())
            grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for measured in batch:
                key = (measured.account, measured.region)
                grouped.setdefault(key, []).extend(measured.metric_data())
            for (account, region), data in grouped.items():
                try:
                    self.put_metrics(account, region, NAMESPACE, data)
                except Exception:  # a metric lost must not stop the next ones
                    log.exception("localaws: API Gateway metrics were not written")
