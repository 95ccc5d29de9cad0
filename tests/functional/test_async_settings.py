"""A function's asynchronous invocation settings, as AWS applies them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers import eventually, function_log_messages
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server

Factory = Callable[[str], Any]
TRIVIAL = "def lambda_handler(event, context):\n    return 1\n"


def test_put_replaces_and_update_merges_the_async_settings(client_factory: Factory) -> None:
    lam = client_factory("lambda")
    deploy(lam, client_factory("iam"), "async-settings", TRIVIAL)
    with pytest.raises(lam.exceptions.ResourceNotFoundException, match="EventInvokeConfig"):
        lam.update_function_event_invoke_config(
            FunctionName="async-settings", MaximumRetryAttempts=1
        )
    lam.put_function_event_invoke_config(
        FunctionName="async-settings", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=600
    )
    lam.put_function_event_invoke_config(FunctionName="async-settings", MaximumRetryAttempts=0)
    settings = lam.get_function_event_invoke_config(FunctionName="async-settings")
    assert settings["MaximumRetryAttempts"] == 0  # the second Put replaced the first
    assert "MaximumEventAgeInSeconds" not in settings
    lam.update_function_event_invoke_config(
        FunctionName="async-settings", MaximumEventAgeInSeconds=120
    )
    settings = lam.get_function_event_invoke_config(FunctionName="async-settings")
    assert (settings["MaximumRetryAttempts"], settings["MaximumEventAgeInSeconds"]) == (0, 120)
    listed = lam.list_function_event_invoke_configs(FunctionName="async-settings")
    assert len(listed["FunctionEventInvokeConfigs"]) == 1


def test_zero_reserved_concurrency_sends_an_event_to_its_failure_destination_at_once(
    client_factory: Factory, server: Any
) -> None:
    lam, sqs = client_factory("lambda"), client_factory("sqs")
    failures = sqs.create_queue(QueueName="zero-failures")["QueueUrl"]
    deploy(lam, client_factory("iam"), "switched-off", TRIVIAL)
    lam.publish_version(FunctionName="switched-off")  # its $LATEST ARN now reads ":$LATEST"
    lam.put_function_concurrency(FunctionName="switched-off", ReservedConcurrentExecutions=0)
    lam.put_function_event_invoke_config(
        FunctionName="switched-off",
        DestinationConfig={
            "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:zero-failures"}
        },
    )
    lam.invoke(FunctionName="switched-off", InvocationType="Event", Payload=b'{"n": 1}')

    received: list[dict[str, Any]] = []

    def arrived() -> bool:
        received.extend(sqs.receive_message(QueueUrl=failures).get("Messages", []))
        return bool(received)

    assert eventually(arrived, deadline=30)  # at once, not after six hours of retries

    record = json.loads(received[0]["Body"])
    context = record["requestContext"]
    assert context["condition"] == "ZeroReservedConcurrency"
    assert context["approximateInvokeCount"] == 0
    arn = "arn:aws:lambda:us-east-1:123456789012:function:switched-off"
    assert context["functionArn"] == f"{arn}:$LATEST"
    assert record["requestPayload"] == {"n": 1} and "responsePayload" not in record
    logs = function_log_messages(server.endpoint, "switched-off")
    assert not [line for line in logs if line.startswith("START")]
