"""Embedded Metric Format log lines become CloudWatch metrics, with Powertools' Metrics in a
function (its package in a layer), read back through ListMetrics and GetMetricData."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aws_lambda_powertools
import pytest
import typing_extensions

from tests.helpers import ServerProcess, aws_client, eventually
from tests.lab_fixtures import deploy
from tests.pillow_layer import this_python_runtime

pytestmark = pytest.mark.server

HANDLER = """
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

metrics = Metrics(namespace="ServerlessLab", service="resizer")

@metrics.log_metrics
def lambda_handler(event, context):
    metrics.add_dimension(name="Size", value=event["size"])
    metrics.add_metric(name="ImagesResized", unit=MetricUnit.Count, value=event["count"])
    print('{"_aws": {"CloudWatchMetrics": "broken"}, "Oops": 1}')
    return "ok"
"""


def powertools_layer_zip() -> bytes:
    """This machine's Powertools (pure Python) and its one dependency, laid out as a layer."""
    package = Path(aws_lambda_powertools.__file__).parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in package.rglob("*.py"):
            archive.write(path, f"python/{path.relative_to(package.parent)}")
        archive.write(typing_extensions.__file__, "python/typing_extensions.py")
    return buffer.getvalue()


def test_powertools_metrics_reach_list_metrics_and_get_metric_data(
    server: ServerProcess,
) -> None:
    lam = aws_client(server.endpoint, "lambda")
    iam = aws_client(server.endpoint, "iam")
    cloudwatch = aws_client(server.endpoint, "cloudwatch")
    layer = lam.publish_layer_version(
        LayerName="powertools", Content={"ZipFile": powertools_layer_zip()}
    )["LayerVersionArn"]
    deploy(lam, iam, "metered", HANDLER, Runtime=this_python_runtime(), Layers=[layer])
    for size, count in (("small", 2), ("small", 3), ("large", 5)):
        response = lam.invoke(
            FunctionName="metered", Payload=json.dumps({"size": size, "count": count})
        )
        assert "FunctionError" not in response, response["Payload"].read()

    def listed() -> list[dict[str, Any]]:
        return cloudwatch.list_metrics(Namespace="ServerlessLab")["Metrics"]

    assert eventually(lambda: len(listed()) == 2), listed()
    dimensions = sorted(
        sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]) for metric in listed()
    )
    assert dimensions == [
        [("Size", "large"), ("service", "resizer")],
        [("Size", "small"), ("service", "resizer")],
    ]
    assert {metric["MetricName"] for metric in listed()} == {"ImagesResized"}
    now = datetime.now(timezone.utc)
    result = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "small",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "ServerlessLab",
                        "MetricName": "ImagesResized",
                        "Dimensions": [
                            {"Name": "Size", "Value": "small"},
                            {"Name": "service", "Value": "resizer"},
                        ],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=now - timedelta(minutes=10),
        EndTime=now + timedelta(minutes=1),
    )["MetricDataResults"][0]
    assert sum(result["Values"]) == 5
    # the malformed document stayed a log line and made no metric
    assert not cloudwatch.list_metrics(MetricName="Oops")["Metrics"]
    logs = aws_client(server.endpoint, "logs")
    messages = [
        e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/metered")["events"]
    ]
    assert any('"CloudWatchMetrics": "broken"' in message for message in messages)
    assert any('"ImagesResized"' in message for message in messages)
