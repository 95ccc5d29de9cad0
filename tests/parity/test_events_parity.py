"""Asynchronous invocation, destinations, SQS event source mappings, concurrency, function
states and tracing, as recorded on AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import eventually
from tests.parity import expected_events as rec
from tests.parity.compare import assert_parity
from tests.parity.conftest import ECHO, Account, error_answer

pytestmark = pytest.mark.server
FAILING = (
    "def lambda_handler(event, context):\n"
    "    if event.get('raise_error'):\n"
    '        raise Exception("Test exception (this is intentional)")\n'
    "    return {'event': event}\n"
)
#: Prints each SQS record as one JSON line (the recorded tests sent them on to a queue).
PRINT_RECORDS = (
    "import json\ndef lambda_handler(event, context):\n"
    "    for record in event['Records']:\n        print('RECORD ' + json.dumps(record))\n"
)


def request_id(answer: dict[str, Any]) -> str:
    return str(answer["ResponseMetadata"]["RequestId"])


def test_put_and_update_event_invoke_config(account: Account) -> None:
    name, _ = account.create()
    put = account.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    known = {"<fn>": name}
    assert_parity(rec.PUT_INVOKE_CONFIG.source, rec.PUT_INVOKE_CONFIG.answer, put, known)
    account.lam.put_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=60, MaximumRetryAttempts=0
    )
    updated = account.lam.update_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1
    )
    expected = rec.UPDATE_INVOKE_CONFIG
    assert_parity(expected.source, expected.answer, updated, known)


def test_event_invoke_configs_per_qualifier(account: Account) -> None:
    name, _ = account.create(Publish=True)
    account.lam.create_alias(FunctionName=name, Name="eventinvokealias", FunctionVersion="1")
    account.lam.put_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=60, MaximumRetryAttempts=0
    )
    for qualifier in ("1", "eventinvokealias"):
        account.lam.put_function_event_invoke_config(
            FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1
        )
    listed = account.lam.list_function_event_invoke_configs(FunctionName=name)
    expected = rec.LIST_INVOKE_CONFIGS
    assert_parity(expected.source, expected.answer, listed, {"<fn>": name})


def test_event_invoke_config_of_an_unknown_function(account: Account) -> None:
    with pytest.raises(ClientError) as raised:
        account.lam.get_function_event_invoke_config(FunctionName="doesnotexist")
    expected = rec.INVOKE_CONFIG_NOT_FOUND
    assert_parity(
        expected.source, expected.answer, error_answer(raised.value), {"<fn>": "doesnotexist"}
    )


@pytest.mark.parametrize(
    ("payload", "recorded"), [({}, rec.SUCCESS_RECORD), ({"raise_error": 1}, rec.FAILURE_RECORD)]
)
def test_destination_records(account: Account, payload: dict[str, Any], recorded: Any) -> None:
    source = ECHO if not payload else FAILING
    name, _ = account.create(source)
    url, arn = account.queue()
    account.lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": arn}, "OnFailure": {"Destination": arn}},
    )  # fmt: skip
    answer = account.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(payload))
    received = account.messages(url)
    for message in received:
        message.pop("Attributes", None)
    known = {"<fn>": name, "<request-id>": request_id(answer)}
    assert_parity(recorded.source, recorded.answer, received, known)


def test_dead_letter_queue_message(account: Account) -> None:
    url, arn = account.queue()
    name, _ = account.create(FAILING, DeadLetterConfig={"TargetArn": arn})
    account.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    answer = account.invoke(
        FunctionName=name, InvocationType="Event", Payload=b'{"raise_error": 1}'
    )
    received = account.messages(url)
    for message in received:
        message.pop("Attributes", None)
    known = {"<fn>": name, "<request-id>": request_id(answer)}
    assert_parity(rec.DEAD_LETTER.source, rec.DEAD_LETTER.answer, received, known)


def test_reserved_concurrency_crud(account: Account) -> None:
    name, _ = account.create()
    answers = [account.lam.get_function_concurrency(FunctionName=name)]
    answers.append(
        account.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    )
    answers.append(account.lam.get_function_concurrency(FunctionName=name))
    account.lam.delete_function_concurrency(FunctionName=name)
    answers.append(account.lam.get_function_concurrency(FunctionName=name))
    assert_parity(rec.CONCURRENCY.source, rec.CONCURRENCY.answer, answers, {"<fn>": name})


def test_throttled_and_zero_concurrency_event(account: Account) -> None:
    name, _ = account.create()
    url, arn = account.queue()
    account.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as raised:
        account.lam.invoke(FunctionName=name, Payload=b"{}")
    known = {"<fn>": name}
    assert_parity(rec.THROTTLED.source, rec.THROTTLED.answer, error_answer(raised.value), known)
    account.lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )  # fmt: skip
    answer = account.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    body = account.messages(url)[0]["Body"]
    known["<request-id>"] = request_id(answer)
    expected = rec.ZERO_CONCURRENCY_RECORD
    assert_parity(expected.source, expected.answer, body, known)


def test_provisioned_concurrency(account: Account) -> None:
    name, _ = account.create(Publish=True)
    put = account.lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1
    )
    assert_parity(rec.PROVISIONED.source, rec.PROVISIONED.answer, put, {"<fn>": name})

    def ready() -> bool:
        got = account.lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
        return bool(got["Status"] == "READY")

    assert eventually(ready, 30)
    got = account.lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    assert_parity(rec.PROVISIONED_READY.source, rec.PROVISIONED_READY.answer, got, {"<fn>": name})


def test_function_state_pending_then_active(account: Account) -> None:
    name, created = account.create()
    assert_parity(rec.FUNCTION_STATE.source, rec.FUNCTION_STATE.answer, created, {"<fn>": name})
    account.lam.get_waiter("function_active_v2").wait(FunctionName=name)
    got = account.lam.get_function(FunctionName=name)["Configuration"]
    assert_parity(rec.FUNCTION_ACTIVE.source, rec.FUNCTION_ACTIVE.answer, got, {"<fn>": name})


def sqs_mapping(account: Account) -> tuple[str, str, str, dict[str, Any]]:
    """A function printing its SQS records, a queue, and the mapping's CreateEventSourceMapping
    answer."""
    name, _ = account.create(PRINT_RECORDS)
    url, arn = account.queue()
    created = account.lam.create_event_source_mapping(
        FunctionName=name, EventSourceArn=arn, BatchSize=10, MaximumBatchingWindowInSeconds=1
    )
    return name, url, arn, created


def printed_records(account: Account, name: str) -> list[dict[str, Any]]:
    events = account.log_events(name, "RECORD ")
    return [json.loads(e["message"][7:]) for e in events if e["message"].startswith("RECORD ")]


def test_sqs_mapping_created_then_enabled_and_its_records(account: Account) -> None:
    name, url, arn, created = sqs_mapping(account)
    known = {"<fn>": name, "<queue>": arn.rsplit(":", 1)[1]}
    assert_parity(rec.MAPPING_CREATED.source, rec.MAPPING_CREATED.answer, created, known)

    def enabled() -> bool:
        got = account.lam.get_event_source_mapping(UUID=created["UUID"])
        return bool(got["State"] == "Enabled")

    assert eventually(enabled, 30)
    got = account.lam.get_event_source_mapping(UUID=created["UUID"])
    assert_parity(rec.MAPPING_ENABLED.source, rec.MAPPING_ENABLED.answer, got, known)
    account.sqs.send_message(QueueUrl=url, MessageBody='{"foo": "bar"}')
    found = printed_records(account, name)
    assert_parity(rec.SQS_RECORD.source, rec.SQS_RECORD.answer, found[0], known)


def test_sqs_mapping_pointed_at_a_version(account: Account) -> None:
    name, _, arn, created = sqs_mapping(account)
    version = account.lam.publish_version(FunctionName=name)["FunctionArn"]
    updated = account.lam.update_event_source_mapping(UUID=created["UUID"], FunctionName=version)
    known = {"<fn>": name, "<queue>": arn.rsplit(":", 1)[1]}
    assert_parity(rec.MAPPING_UPDATED.source, rec.MAPPING_UPDATED.answer, updated, known)


def test_sqs_record_with_message_attributes(account: Account) -> None:
    name, url, arn, _ = sqs_mapping(account)
    account.sqs.send_message(
        QueueUrl=url, MessageBody="books",
        MessageAttributes={
            "Title": {"DataType": "String", "StringValue": "The Whistler"},
            "Author": {"DataType": "String", "StringValue": "John Grisham"},
            "WeeksOn": {"DataType": "Number", "StringValue": "6"},
        },
    )  # fmt: skip
    found = printed_records(account, name)
    known = {"<fn>": name, "<queue>": arn.rsplit(":", 1)[1]}
    expected = rec.SQS_RECORD_ATTRIBUTES
    assert_parity(expected.source, expected.answer, found[0], known)


def test_active_tracing(account: Account) -> None:
    source = (
        "import os\ndef lambda_handler(event, context):\n"
        "    return os.environ['_X_AMZN_TRACE_ID']\n"
    )
    name, _ = account.create(source, TracingConfig={"Mode": "Active"})
    answer = account.invoke(FunctionName=name)
    assert "Sampled=1" in answer["Payload"], answer["Payload"]
    events = account.log_events(name, "REPORT RequestId")
    report = next(e["message"] for e in events if e["message"].startswith("REPORT"))
    known = {"<fn>": name, "<request-id>": request_id(answer)}
    assert_parity(rec.TRACED_REPORT.source, rec.TRACED_REPORT.answer, report, known)
