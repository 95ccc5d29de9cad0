"""Invoke by version and alias as on AWS: each runs its own code, ExecutedVersion names it,
the handler sees the ARN as invoked, and one request id ties the answer to the logs."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.lab_fixtures import deploy, wait_until_ready, zip_bytes

pytestmark = pytest.mark.server

Factory = Callable[[str], Any]


def source(label: str) -> str:
    return (
        "def lambda_handler(event, context):\n"
        "    print('request', context.aws_request_id, context.invoked_function_arn)\n"
        f"    return {{'code': {label!r}, 'request_id': context.aws_request_id,\n"
        "            'arn': context.invoked_function_arn, 'version': context.function_version}\n"
    )


@pytest.fixture(scope="module")
def versioned(server: Any) -> str:
    """``versioned``: version 1 runs "v1", version 2 "v2", $LATEST "v3"; alias live -> 1."""
    from tests.helpers import aws_client

    lam, iam = aws_client(server.endpoint, "lambda"), aws_client(server.endpoint, "iam")
    deploy(lam, iam, "versioned", source("v1"))
    for label in ("v2", "v3"):
        lam.publish_version(FunctionName="versioned")
        lam.update_function_code(
            FunctionName="versioned", ZipFile=zip_bytes({"lambda_function.py": source(label)})
        )
        wait_until_ready(lam, "versioned")
    lam.create_alias(FunctionName="versioned", Name="live", FunctionVersion="1")
    return "arn:aws:lambda:us-east-1:123456789012:function:versioned"


def invoke(lam: Any, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any], str]:
    response = lam.invoke(LogType="Tail", **kwargs)
    body = json.loads(response["Payload"].read())
    return response, body, base64.b64decode(response["LogResult"]).decode()


@pytest.mark.parametrize(
    ("how", "code", "version", "arn_suffix"),
    [
        ({"FunctionName": "versioned"}, "v3", "$LATEST", ""),
        ({"FunctionName": "versioned", "Qualifier": "$LATEST"}, "v3", "$LATEST", ":$LATEST"),
        ({"FunctionName": "versioned", "Qualifier": "1"}, "v1", "1", ":1"),
        ({"FunctionName": "versioned", "Qualifier": "2"}, "v2", "2", ":2"),
        ({"FunctionName": "versioned", "Qualifier": "live"}, "v1", "1", ":live"),
        ({"FunctionName": "versioned:live"}, "v1", "1", ":live"),
        ({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:versioned:2"},
         "v2", "2", ":2"),
    ],
    ids=["unqualified", "latest", "version-1", "version-2", "alias", "name-alias", "arn-version"],
)  # fmt: skip
def test_each_qualifier_runs_its_own_code(
    client_factory: Factory,
    versioned: str,
    how: dict[str, str],
    code: str,
    version: str,
    arn_suffix: str,
) -> None:
    response, body, log = invoke(client_factory("lambda"), **how)
    assert (body["code"], body["version"]) == (code, version)
    assert response["ExecutedVersion"] == version
    assert body["arn"] == versioned + arn_suffix  # the ARN as invoked, qualifier as given
    request_id = response["ResponseMetadata"]["RequestId"]
    assert body["request_id"] == request_id
    assert re.search(rf"START RequestId: {request_id} Version: {re.escape(version)}\n", log)
    assert f"REPORT RequestId: {request_id}\t" in log


def test_an_unknown_alias_is_not_found(client_factory: Factory, versioned: str) -> None:
    lam = client_factory("lambda")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as error:
        lam.invoke(FunctionName="versioned", Qualifier="nope")
    assert error.value.response["Error"]["Message"] == f"Function not found: {versioned}:nope"


def test_an_alias_splits_traffic_by_weight(client_factory: Factory, versioned: str) -> None:
    lam = client_factory("lambda")
    lam.create_alias(
        FunctionName="versioned",
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    runs = [lam.invoke(FunctionName="versioned", Qualifier="canary") for _ in range(40)]
    ran = [(r["ExecutedVersion"], json.loads(r["Payload"].read())) for r in runs]
    assert {version for version, _ in ran} == {"1", "2"}  # all one way: 2 x 0.5**40
    assert all(body["code"] == f"v{version}" for version, body in ran)
    assert {body["arn"] for _, body in ran} == {f"{versioned}:canary"}


def test_an_event_invocation_answers_with_the_request_id_its_run_logs(
    client_factory: Factory, versioned: str
) -> None:
    lam, logs = client_factory("lambda"), client_factory("logs")
    response = lam.invoke(FunctionName="versioned", Qualifier="live", InvocationType="Event")
    assert response["StatusCode"] == 202
    request_id = response["ResponseMetadata"]["RequestId"]
    deadline = time.monotonic() + 30
    found: list[str] = []
    while not found and time.monotonic() < deadline:
        events = logs.filter_log_events(
            logGroupName="/aws/lambda/versioned", filterPattern=f'"request {request_id}"'
        )["events"]
        found = [event["message"] for event in events]
        time.sleep(0.1)
    assert found and found[0].strip() == f"request {request_id} {versioned}:live"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [(b"not json", "Expecting value"), (b"\xff\xfe{}", "it is not UTF-8 text")],
    ids=["not-json", "not-utf8"],
)
def test_a_payload_that_is_not_json_is_refused_before_any_run(
    client_factory: Factory, versioned: str, payload: bytes, reason: str
) -> None:
    lam = client_factory("lambda")
    with pytest.raises(lam.exceptions.InvalidRequestContentException) as error:
        lam.invoke(FunctionName="versioned", Payload=payload)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = error.value.response["Error"]["Message"]
    assert message.startswith("Could not parse request body into json: ") and reason in message


def test_an_empty_payload_is_the_event_of_an_empty_object(
    client_factory: Factory, versioned: str
) -> None:
    lam = client_factory("lambda")
    echo = "def lambda_handler(event, context):\n    return event\n"
    deploy(lam, client_factory("iam"), "echo", echo)
    assert json.loads(lam.invoke(FunctionName="echo", Payload=b"")["Payload"].read()) == {}


def test_a_qualifier_in_the_name_must_match_the_qualifier_given(
    client_factory: Factory, versioned: str
) -> None:
    lam = client_factory("lambda")
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as error:
        lam.invoke(FunctionName="versioned:1", Qualifier="2")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.value.response["Error"]["Message"] == (
        "The derived qualifier from the function name does not match the specified qualifier."
    )
    same = lam.invoke(FunctionName=f"{versioned}:2", Qualifier="2")  # agreeing is fine
    assert same["ExecutedVersion"] == "2"
