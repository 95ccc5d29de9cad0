"""Provisioned concurrency as on AWS: environments initialized ahead of traffic serve the
alias with no cold start; a burst beyond them spills over to on-demand environments."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import eventually, function_log_messages, server_status
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server

Factory = Callable[[str], Any]
SOURCE = """
import os, time
print("init ran")
def lambda_handler(event, context):
    time.sleep(event.get("sleep", 0))
    return os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]
"""


def invoke(lam: Any, payload: dict[str, Any]) -> tuple[str, str]:
    """(initialization type the handler saw, the invocation's log tail)."""
    response = lam.invoke(
        FunctionName="warmed", Qualifier="live", Payload=json.dumps(payload), LogType="Tail"
    )
    return json.load(response["Payload"]), base64.b64decode(response["LogResult"]).decode()


def metric_sum(cloudwatch: Any, name: str) -> float:
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=name,
        Dimensions=[{"Name": "FunctionName", "Value": "warmed"}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=3600,
        Statistics=["Sum"],
    )["Datapoints"]
    return sum(point["Sum"] for point in points)


def test_provisioned_environments_serve_the_alias_without_cold_starts(
    server: Any, client_factory: Factory
) -> None:
    lam = client_factory("lambda")
    deploy(lam, client_factory("iam"), "warmed", SOURCE)
    version = lam.publish_version(FunctionName="warmed")["Version"]
    lam.create_alias(FunctionName="warmed", Name="live", FunctionVersion=version)

    put = lam.put_provisioned_concurrency_config(
        FunctionName="warmed", Qualifier="live", ProvisionedConcurrentExecutions=2
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (put["Status"], put["RequestedProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 2)
    assert put["AvailableProvisionedConcurrentExecutions"] == 0

    def config() -> dict[str, Any]:
        return dict(lam.get_provisioned_concurrency_config(FunctionName="warmed", Qualifier="live"))

    assert eventually(lambda: config()["Status"] == "READY", 60)
    assert config()["AvailableProvisionedConcurrentExecutions"] == 2
    # Both environments ran their init before any invocation, and logged it then.
    messages = function_log_messages(server.endpoint, "warmed")
    assert sum(m.startswith("INIT_START") for m in messages) == 2
    assert sum(m.rstrip() == "init ran" for m in messages) == 2

    kind, log = invoke(lam, {})
    assert kind == "provisioned-concurrency" and "Init Duration" not in log

    results: list[tuple[str, str]] = []
    burst = [
        threading.Thread(target=lambda: results.append(invoke(lam, {"sleep": 1.5})))
        for _ in range(3)
    ]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join(60)
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["on-demand", "provisioned-concurrency", "provisioned-concurrency"]
    spilled = next(log for kind, log in results if kind == "on-demand")
    assert "Init Duration" in spilled  # the one beyond the provisioned two had a cold start

    cloudwatch = client_factory("cloudwatch")
    assert metric_sum(cloudwatch, "ProvisionedConcurrencySpilloverInvocations") == 1
    assert metric_sum(cloudwatch, "ProvisionedConcurrencyInvocations") == 3
    settings = lam.get_account_settings()["AccountLimit"]
    assert settings["UnreservedConcurrentExecutions"] == 1000 - 2

    listed = lam.list_provisioned_concurrency_configs(FunctionName="warmed")
    (only,) = listed["ProvisionedConcurrencyConfigs"]
    assert only["FunctionArn"].endswith(":function:warmed:live")
    lam.delete_provisioned_concurrency_config(FunctionName="warmed", Qualifier="live")
    status = server.endpoint
    assert eventually(lambda: server_status(status)["lambda"]["environments"]["provisioned"] == 0)


def error_of(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def test_provisioned_concurrency_is_refused_where_aws_refuses_it(client_factory: Factory) -> None:
    lam = client_factory("lambda")
    deploy(lam, client_factory("iam"), "unpublished", "def lambda_handler(e, c):\n    return 1\n")
    assert error_of(
        lambda: lam.put_provisioned_concurrency_config(
            FunctionName="unpublished", Qualifier="$LATEST", ProvisionedConcurrentExecutions=1
        )
    ) == (
        400,
        "InvalidParameterValueException",
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
    )
    status, code, _ = error_of(
        lambda: lam.get_provisioned_concurrency_config(FunctionName="unpublished", Qualifier="1")
    )
    assert (status, code) == (404, "ResourceNotFoundException")
    lam.publish_version(FunctionName="unpublished")
    status, code, _ = error_of(
        lambda: lam.get_provisioned_concurrency_config(FunctionName="unpublished", Qualifier="1")
    )
    assert (status, code) == (404, "ProvisionedConcurrencyConfigNotFoundException")
