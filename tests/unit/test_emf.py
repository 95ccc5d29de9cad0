"""Embedded Metric Format documents, read as CloudWatch's specification says (examples in the
shape of the specification's own)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from localaws.moto_glue.emf import metric_data


def document(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "_aws": {
            "Timestamp": 1574109732004,
            "CloudWatchMetrics": [
                {
                    "Namespace": "lambda-function-metrics",
                    "Dimensions": [["functionVersion"], ["functionVersion", "stage"]],
                    "Metrics": [
                        {"Name": "time", "Unit": "Milliseconds", "StorageResolution": 1},
                        {"Name": "hits"},
                    ],
                }
            ],
        },
        "functionVersion": "$LATEST",
        "stage": "prod",
        "time": 100,
        "hits": [1, 2, 2],
        "requestId": "989ffbf8-9ace-4817-a57c-e4dd734019ee",
    }
    base.update(changes)
    return base


def test_each_dimension_set_gets_each_metric_with_its_unit_values_and_time() -> None:
    [(namespace, data)] = metric_data(json.dumps(document()))
    assert namespace == "lambda-function-metrics"
    when = datetime(2019, 11, 18, 20, 42, 12, 4000)  # naive UTC, as moto keeps them
    version = {"Name": "functionVersion", "Value": "$LATEST"}
    stage = {"Name": "stage", "Value": "prod"}
    assert data == [
        {"MetricName": "time", "Unit": "Milliseconds", "StorageResolution": 1, "Value": 100.0,
         "Dimensions": [version], "Timestamp": when},
        {"MetricName": "hits", "Unit": "None", "StorageResolution": 60, "Values": [1.0, 2.0],
         "Counts": [1.0, 2.0], "Dimensions": [version], "Timestamp": when},
        {"MetricName": "time", "Unit": "Milliseconds", "StorageResolution": 1, "Value": 100.0,
         "Dimensions": [version, stage], "Timestamp": when},
        {"MetricName": "hits", "Unit": "None", "StorageResolution": 60, "Values": [1.0, 2.0],
         "Counts": [1.0, 2.0], "Dimensions": [version, stage], "Timestamp": when},
    ]  # fmt: skip


def broken(path: str, value: Any) -> str:
    doc = document()
    target: Any = doc
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[last] = value
    return json.dumps(doc)


@pytest.mark.parametrize(
    "line",
    [
        "plain text",
        "{not json",
        json.dumps(document()) + " trailing",
        json.dumps({"level": "INFO", "message": "no _aws here"}),
        broken("_aws.Timestamp", "yesterday"),
        broken("_aws.CloudWatchMetrics", "broken"),
        broken("stage", 5),  # a dimension's value must be a string
        broken("time", "fast"),  # a metric's value must be a number
        broken("hits", list(range(101))),  # at most 100 values
        broken("hits", []),
        json.dumps({k: v for k, v in document().items() if k != "time"}),  # no member
    ],
)
def test_a_document_that_breaks_the_specification_stays_a_log_line(line: str) -> None:
    assert metric_data(line) == []


def test_an_unknown_unit_or_resolution_invalidates_the_document() -> None:
    doc = document()
    doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Parsecs"
    assert metric_data(json.dumps(doc)) == []
    doc = document()
    doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["StorageResolution"] = 5
    assert metric_data(json.dumps(doc)) == []
