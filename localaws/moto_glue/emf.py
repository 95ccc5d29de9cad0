"""Embedded Metric Format: the metric data CloudWatch extracts from a structured log line.

A log event whose whole message is a JSON object with ``_aws: {Timestamp, CloudWatchMetrics}``
becomes metric data: for each directive, each metric under each of its dimension sets, with the
values of the root members the directive names. A document that breaks the specification
yields nothing (it stays a plain log line, as on AWS, where the failure only shows in the
``AWS/Logs`` EMF error metrics, which localaws does not publish).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime, timezone
from typing import Any

UNITS = frozenset(
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
        "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
        "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
        "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]
)  # fmt: skip
MAX_DIMENSIONS = 30
MAX_METRICS = 100
MAX_VALUES = 100
MAX_NAME = 1024

Datum = dict[str, Any]


class InvalidDocument(ValueError):
    """The log line is not a valid EMF document."""


def _name(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME:
        raise InvalidDocument(f"not a name: {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidDocument(f"not a number: {value!r}")
    return float(value)


def _values(value: Any) -> list[float]:
    """A metric's target member: one number, or an array of 1 to 100 numbers."""
    if isinstance(value, list):
        if not 1 <= len(value) <= MAX_VALUES:
            raise InvalidDocument("a value array holds 1 to 100 numbers")
        return [_number(item) for item in value]
    return [_number(value)]


def _dimension_sets(directive: dict[str, Any], root: dict[str, Any]) -> list[list[dict[str, str]]]:
    sets = directive.get("Dimensions")
    if not isinstance(sets, list):
        raise InvalidDocument("Dimensions must be an array of dimension sets")
    resolved = []
    for names in sets:
        if not isinstance(names, list) or len(names) > MAX_DIMENSIONS:
            raise InvalidDocument("a dimension set is an array of at most 30 names")
        dimensions = []
        for name in names:
            value = root.get(_name(name))
            if not isinstance(value, str) or not value:
                raise InvalidDocument(f"dimension {name!r} needs a string member")
            dimensions.append({"Name": name, "Value": value})
        resolved.append(dimensions)
    return resolved


def _metric(definition: Any, root: dict[str, Any]) -> Datum:
    if not isinstance(definition, dict):
        raise InvalidDocument("a metric definition is an object")
    name = _name(definition.get("Name"))
    if name not in root:
        raise InvalidDocument(f"metric {name!r} has no member")
    unit = definition.get("Unit", "None")
    if unit not in UNITS:
        raise InvalidDocument(f"unknown unit {unit!r}")
    resolution = definition.get("StorageResolution", 60)
    if resolution not in (1, 60):
        raise InvalidDocument("StorageResolution is 1 or 60")
    counts = Counter(_values(root[name]))
    datum: Datum = {"MetricName": name, "Unit": unit, "StorageResolution": resolution}
    if len(counts) == 1 and sum(counts.values()) == 1:
        datum["Value"] = next(iter(counts))
    else:
        datum["Values"] = list(counts)
        datum["Counts"] = [float(count) for count in counts.values()]
    return datum


def _timestamp(metadata: dict[str, Any]) -> datetime:
    """``_aws.Timestamp`` (epoch milliseconds) as the naive UTC datetime moto keeps."""
    epoch_ms = _number(metadata.get("Timestamp"))
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return moment.replace(tzinfo=None)


def metric_data(message: str) -> list[tuple[str, list[Datum]]]:
    """(namespace, PutMetricData members) for each directive of an EMF log line; nothing for
    any other line, or for a document that breaks the specification anywhere."""
    text = message.strip()
    if not text.startswith("{") or '"_aws"' not in text:
        return []
    try:
        root = json.loads(text)
        return _extract(root) if isinstance(root, dict) else []
    except (ValueError, InvalidDocument):
        return []


def _extract(root: dict[str, Any]) -> list[tuple[str, list[Datum]]]:
    metadata = root.get("_aws")
    if not isinstance(metadata, dict):
        raise InvalidDocument("_aws must be an object")
    directives = metadata.get("CloudWatchMetrics")
    if not isinstance(directives, list):
        raise InvalidDocument("CloudWatchMetrics must be an array")
    timestamp = _timestamp(metadata)
    extracted = []
    for directive in directives:
        if not isinstance(directive, dict):
            raise InvalidDocument("a metric directive is an object")
        namespace = _name(directive.get("Namespace"))
        definitions = directive.get("Metrics")
        if not isinstance(definitions, list) or len(definitions) > MAX_METRICS:
            raise InvalidDocument("Metrics is an array of at most 100 definitions")
        metrics = [_metric(definition, root) for definition in definitions]
        data = [
            {**metric, "Dimensions": dimensions, "Timestamp": timestamp}
            for dimensions in _dimension_sets(directive, root)
            for metric in metrics
        ]
        extracted.append((namespace, data))
    return extracted
