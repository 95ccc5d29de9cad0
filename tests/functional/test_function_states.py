"""Function states as on AWS: Pending, then Active; an update InProgress, then Successful;
RevisionId as a precondition; the configuration shaped as AWS sends it."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from localaws.executor.packages import content_key
from tests.helpers import ServerProcess, eventually, function_log_messages
from tests.lab_fixtures import create_role, deploy, wait_until_ready, zip_bytes

pytestmark = pytest.mark.server

Factory = Callable[[str], Any]
SOURCE = "def lambda_handler(event, context):\n    return 'ok'\n"
RECORDED_CREATE = {  # the members AWS's CreateFunction answer has for a new zip function
    "State": "Pending",
    "StateReason": "The function is being created.",
    "StateReasonCode": "Creating",
}


def slow_package() -> bytes:
    """A package that takes a while to unpack (thousands of files, new each time), so the
    Pending and InProgress windows are wide enough to be met without a waiter."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", SOURCE)
        for n in range(2500):
            archive.writestr(f"data/{n:05d}.txt", os.urandom(8).hex())
    return buffer.getvalue()


def error_of(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    return status, response["Error"]["Code"], response["Error"]["Message"]


def test_a_new_function_is_pending_then_active(client_factory: Factory) -> None:
    lam, iam = client_factory("lambda"), client_factory("iam")
    created = deploy(lam, iam, "stateful", SOURCE, Environment={"Variables": {}})
    assert {key: created[key] for key in RECORDED_CREATE} == RECORDED_CREATE
    assert "LastUpdateStatus" not in created and "Layers" not in created
    assert created["Environment"] == {"Variables": {}}  # kept, as AWS keeps it
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/stateful"}
    assert created["RuntimeVersionConfig"]["RuntimeVersionArn"].startswith(
        "arn:aws:lambda:us-east-1::runtime:"
    )
    ready = lam.get_function_configuration(FunctionName="stateful")
    assert (ready["State"], ready["LastUpdateStatus"]) == ("Active", "Successful")
    assert "StateReason" not in ready and "LastUpdateStatusReason" not in ready
    assert ready["RevisionId"] != created["RevisionId"]  # every change is a new revision


def test_a_client_that_skips_the_waiter_meets_aws_conflicts(client_factory: Factory) -> None:
    lam, iam = client_factory("lambda"), client_factory("iam")
    lam.create_function(
        FunctionName="hasty",
        Role=create_role(iam),
        Runtime="python3.12",
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": slow_package()},
    )
    status, code, message = error_of(lambda: lam.invoke(FunctionName="hasty"))
    assert (status, code) == (409, "ResourceConflictException")
    assert message == (
        "The operation cannot be performed at this time. "
        "The function is currently in the following state: Pending"
    )
    status, code, _ = error_of(
        lambda: lam.update_function_configuration(FunctionName="hasty", MemorySize=256)
    )
    assert (status, code) == (409, "ResourceConflictException")
    wait_until_ready(lam, "hasty")
    updated = lam.update_function_code(FunctionName="hasty", ZipFile=slow_package())
    assert updated["State"] == "Active" and updated["LastUpdateStatus"] == "InProgress"
    assert updated["LastUpdateStatusReasonCode"] == "Creating"
    status, code, message = error_of(
        lambda: lam.update_function_configuration(FunctionName="hasty", MemorySize=256)
    )
    assert (status, code) == (409, "ResourceConflictException")
    assert message == (
        "The operation cannot be performed at this time. An update is in progress for "
        "resource: arn:aws:lambda:us-east-1:123456789012:function:hasty"
    )
    status, code, _ = error_of(lambda: lam.publish_version(FunctionName="hasty"))
    assert (status, code) == (409, "ResourceConflictException")
    wait_until_ready(lam, "hasty")
    assert lam.get_function(FunctionName="hasty")["Configuration"]["LastUpdateStatus"] == (
        "Successful"
    )
    assert lam.invoke(FunctionName="hasty")["Payload"].read() == b'"ok"'


def test_a_layer_is_unpacked_once_published_so_a_function_with_it_is_soon_active(
    server: ServerProcess, client_factory: Factory
) -> None:
    lam, iam = client_factory("lambda"), client_factory("iam")
    package = slow_package()  # thousands of files: longer to unpack than a read waits
    layer = lam.publish_layer_version(LayerName="many-files", Content={"ZipFile": package})
    unpacked = server.state_dir / "lambda" / "opt" / content_key([package])
    assert eventually(unpacked.is_dir, deadline=30), "unpacked without any function using it"
    created = lam.create_function(
        FunctionName="layered",
        Role=create_role(iam),
        Runtime="python3.12",
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zip_bytes({"lambda_function.py": SOURCE})},
        Layers=[layer["LayerVersionArn"]],
    )
    assert created["State"] == "Pending"  # as AWS answers any CreateFunction
    assert lam.get_function_configuration(FunctionName="layered")["State"] == "Active"
    assert lam.invoke(FunctionName="layered")["Payload"].read() == b'"ok"'


def test_revision_id_is_a_precondition(client_factory: Factory) -> None:
    lam, iam = client_factory("lambda"), client_factory("iam")
    deploy(lam, iam, "revised", SOURCE)
    read = lam.get_function(FunctionName="revised")["Configuration"]["RevisionId"]
    status, code, message = error_of(
        lambda: lam.update_function_configuration(
            FunctionName="revised", MemorySize=512, RevisionId="an-old-revision"
        )
    )
    assert (status, code) == (412, "PreconditionFailedException")
    assert message.startswith("The Revision Id provided does not match the latest Revision Id.")
    updated = lam.update_function_configuration(
        FunctionName="revised", MemorySize=512, RevisionId=read
    )
    assert updated["MemorySize"] == 512 and updated["RevisionId"] != read
    wait_until_ready(lam, "revised")
    status, code, _ = error_of(
        lambda: lam.update_function_code(
            FunctionName="revised",
            ZipFile=zip_bytes({"lambda_function.py": SOURCE}),
            RevisionId=read,
        )
    )
    assert (status, code) == (412, "PreconditionFailedException")


def test_logs_go_to_the_log_group_the_logging_config_names(client_factory: Factory) -> None:
    lam, iam = client_factory("lambda"), client_factory("iam")
    source = "def lambda_handler(event, context):\n    print('hello', context.log_group_name)\n"
    config = {"LogFormat": "Text", "LogGroup": "/custom/shared-logs"}
    created = deploy(lam, iam, "relogged", source, LoggingConfig=config)
    assert created["LoggingConfig"] == config
    lam.invoke(FunctionName="relogged")
    logs = client_factory("logs")
    events = logs.filter_log_events(logGroupName="/custom/shared-logs")["events"]
    assert any(event["message"].rstrip() == "hello /custom/shared-logs" for event in events)
    assert function_log_messages(lam.meta.endpoint_url, "relogged") == []
