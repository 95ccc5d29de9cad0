"""Invoke as recorded on AWS: versions and aliases, errors, request ids and logs."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.lab_fixtures import zip_bytes
from tests.parity import expected_invoke as rec
from tests.parity.compare import assert_parity
from tests.parity.conftest import Account, error_answer

pytestmark = pytest.mark.server


def names(name: str, answer: dict[str, object] | None = None) -> dict[str, str]:
    known = {"<fn>": name}
    if answer is not None:
        metadata = answer["ResponseMetadata"]
        assert isinstance(metadata, dict)
        known["<request-id>"] = metadata["RequestId"]
    return known


def test_create_with_publish(account: Account) -> None:
    name, answer = account.create(Publish=True)
    assert_parity(rec.CREATE_PUBLISHED.source, rec.CREATE_PUBLISHED.answer, answer, names(name))


def test_invoke_a_version_with_its_log_tail(account: Account) -> None:
    name, _ = account.create(Publish=True)
    payload = json.dumps({"foo": "bar with 'quotes\""})
    answer = account.invoke(FunctionName=name, Qualifier="1", LogType="Tail", Payload=payload)
    known = names(name, answer)
    tail = [line for line in account.tail(answer).splitlines() if not line.startswith("REPORT")]
    assert_parity(rec.TAIL_VERSION.source, rec.TAIL_VERSION.answer, tail, known)
    answer["LogResult"] = "<log-result>"
    assert_parity(rec.INVOKE_VERSION.source, rec.INVOKE_VERSION.answer, answer, known)


def test_invoke_an_alias(account: Account) -> None:
    name, _ = account.create(Publish=True)
    account.lam.create_alias(FunctionName=name, Name="alias1", FunctionVersion="1")
    answer = account.invoke(FunctionName=name, Qualifier="alias1")
    assert_parity(rec.INVOKE_ALIAS.source, rec.INVOKE_ALIAS.answer, answer, names(name, answer))


def test_alias_with_routing_then_updated(account: Account) -> None:
    name, _ = account.create(Publish=True)
    account.lam.publish_version(FunctionName=name, Description="2")
    account.lam.update_function_configuration(FunctionName=name, Description="changed")
    account.lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    account.lam.publish_version(FunctionName=name)
    created = account.lam.create_alias(
        FunctionName=name, Name="aliasname1_1", FunctionVersion="1",
        Description="custom-alias", RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}},
    )  # fmt: skip
    known = {**names(name), "<revision>": created["RevisionId"]}
    assert_parity(rec.CREATE_ALIAS_ROUTING.source, rec.CREATE_ALIAS_ROUTING.answer, created, known)
    updated = account.lam.update_alias(
        FunctionName=name, Name="aliasname1_1", RoutingConfig={"AdditionalVersionWeights": {}}
    )
    assert_parity(rec.UPDATE_ALIAS.source, rec.UPDATE_ALIAS.answer, updated, known)


def test_get_an_unknown_alias(account: Account) -> None:
    name, _ = account.create()
    with pytest.raises(ClientError) as raised:
        account.lam.get_function(FunctionName=name, Qualifier="aliasdoesnotexist")
    answer = error_answer(raised.value)
    assert_parity(rec.GET_UNKNOWN_ALIAS.source, rec.GET_UNKNOWN_ALIAS.answer, answer, names(name))


def test_invoke_an_unknown_function(account: Account) -> None:
    with pytest.raises(ClientError) as raised:
        account.lam.invoke(FunctionName="doesnotexist", Payload=b"{}")
    answer, known = error_answer(raised.value), {"<fn>": "doesnotexist"}
    expected = rec.INVOKE_UNKNOWN_FUNCTION
    assert_parity(expected.source, expected.answer, answer, known)


def test_get_an_unknown_function(account: Account) -> None:
    with pytest.raises(ClientError) as raised:
        account.lam.get_function(FunctionName="doesnotexist")
    answer, known = error_answer(raised.value), {"<fn>": "doesnotexist"}
    assert_parity(rec.GET_UNKNOWN_FUNCTION.source, rec.GET_UNKNOWN_FUNCTION.answer, answer, known)


def test_handler_error_payload(account: Account) -> None:
    source = 'def lambda_handler(event, context):\n    raise Exception("Handler fails")\n'
    name, _ = account.create(source)
    answer = account.invoke(FunctionName=name)
    assert_parity(rec.HANDLER_ERROR.source, rec.HANDLER_ERROR.answer, answer, names(name, answer))


def test_init_error_payload(account: Account) -> None:
    name, _ = account.create('raise Exception("Runtime startup fails")\n')
    answer = account.invoke(FunctionName=name, LogType="Tail")
    tail = account.tail(answer).splitlines()  # the init's error, then START..REPORT, line by line
    assert tail[0] == "[ERROR] Exception: Runtime startup fails", tail
    assert any(line.startswith("START RequestId: ") for line in tail), tail
    del answer["LogResult"]
    assert_parity(rec.INIT_ERROR.source, rec.INIT_ERROR.answer, answer, names(name, answer))


def test_timeout_payload(account: Account) -> None:
    source = "import time\ndef lambda_handler(event, context):\n    time.sleep(5)\n"
    name, _ = account.create(source, Timeout=1)
    answer = account.invoke(FunctionName=name)
    assert_parity(rec.TIMEOUT.source, rec.TIMEOUT.answer, answer, names(name, answer))


def test_invalid_payload(account: Account) -> None:
    name, _ = account.create()
    with pytest.raises(ClientError) as raised:
        account.lam.invoke(FunctionName=name, Payload=b"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt")
    answer = error_answer(raised.value)
    known = {"<message>": answer["Error"]["Message"]}
    assert_parity(rec.INVALID_PAYLOAD.source, rec.INVALID_PAYLOAD.answer, answer, known)


@pytest.mark.parametrize(("kind", "recorded"), [("Event", rec.EVENT), ("DryRun", rec.DRY_RUN)])
def test_invocation_types(account: Account, kind: str, recorded: rec.Recorded) -> None:
    name, _ = account.create()
    answer = account.invoke(FunctionName=name, InvocationType=kind, Payload=b"{}")
    assert_parity(recorded.source, recorded.answer, answer, names(name))


def test_one_request_id_in_answer_and_logs(account: Account) -> None:
    source = (
        "import logging\nlogging.getLogger().setLevel(logging.INFO)\n"
        "def lambda_handler(event, context):\n"
        "    logging.info('RequestId log message')\n    return context.aws_request_id\n"
    )
    name, _ = account.create(source)
    answer = account.invoke(FunctionName=name)
    known = names(name, answer)
    assert answer["Payload"] == known["<request-id>"]
    events = account.log_events(name, "REPORT RequestId")
    lines = [e["message"].rstrip() for e in events if not e["message"].startswith("INIT")]
    assert_parity(rec.REQUEST_ID_LOGS.source, rec.REQUEST_ID_LOGS.answer, lines, known)


def test_log_tail_of_a_cold_start(account: Account) -> None:
    name, _ = account.create("def lambda_handler(event, context):\n    print('{}')\n")
    answer = account.invoke(FunctionName=name, LogType="Tail", Payload=b"{}")
    tail = account.tail(answer).splitlines(keepends=True)
    assert_parity(rec.TAIL_LOGS.source, rec.TAIL_LOGS.answer, tail, names(name, answer))


def test_multi_line_prints_in_cloudwatch(account: Account) -> None:
    name, _ = account.create("def lambda_handler(event, context):\n    print(event['body'])\n")
    body = "\nmulti\nline\nstring\nanother\rline\n"
    answer = account.invoke(FunctionName=name, Payload=json.dumps({"body": body}))
    events = account.log_events(name, "REPORT RequestId")
    messages = [event["message"] for event in events]
    expected = rec.MULTI_LINE_PRINTS
    assert_parity(expected.source, expected.answer, messages, names(name, answer))


def test_async_error_logs_and_request_id_across_retries(account: Account) -> None:
    source = (
        "class CustomException(Exception):\n    pass\n\n"
        "def lambda_handler(event, context):\n"
        '    raise CustomException("some error occurred")\n'
    )
    name, _ = account.create(source)
    account.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    answer = account.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    known = names(name, answer)
    events = account.log_events(name, "END RequestId", count=2)
    ends = [e["message"].rstrip("\n") for e in events if e["message"].startswith("END")]
    assert_parity(rec.ASYNC_RETRY_ENDS.source, rec.ASYNC_RETRY_ENDS.answer, ends, known)
    error = next(e["message"] for e in events if e["message"].startswith("[ERROR]"))
    assert_parity(rec.ERROR_LOG_EVENT.source, rec.ERROR_LOG_EVENT.answer, error, known)


def test_a_layers_frames_name_opt(account: Account) -> None:
    """Not recorded by the suite above: AWS's Python runtime unpacks layers into /opt, so their
    frames name /opt/python/... (AWS Lambda developer guide, "Lambda layers")."""
    layer = account.lam.publish_layer_version(
        LayerName="parity-helper",
        Content={
            "ZipFile": zip_bytes({"python/helper.py": "def fail():\n    raise KeyError('k')\n"})
        },
        CompatibleRuntimes=["python3.12"],
    )["LayerVersionArn"]
    source = "import helper\ndef lambda_handler(event, context):\n    helper.fail()\n"
    name, _ = account.create(source, Layers=[layer])
    trace = account.invoke(FunctionName=name)["Payload"]["stackTrace"]
    assert trace == [
        '  File "/var/task/lambda_function.py", line 3, in lambda_handler\n    helper.fail()\n',
        "  File \"/opt/python/helper.py\", line 2, in fail\n    raise KeyError('k')\n",
    ]
