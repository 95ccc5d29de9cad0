"""Asynchronous invocation: retries, destinations, S3 events, the recursive-loop stop, restarts."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import ServerProcess, eventually, function_log_messages, server_status
from tests.lab_build import client as lab_client
from tests.lab_fixtures import allow_s3_to_invoke, create_role, deploy, trigger_on_uploads

pytestmark = pytest.mark.server
FAST_RETRIES = {"LOCALAWS_ASYNC_RETRY_SCALE": "0.01", "LOCALAWS_SCHEDULE_SCALE": "0.02"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("async"), env=FAST_RETRIES).start()
    yield process
    process.stop()


def client(server: ServerProcess, service: str) -> Any:
    return lab_client(server.endpoint, service)


def messages(server: ServerProcess, queue_url: str, count: int) -> list[dict[str, Any]]:
    sqs = client(server, "sqs")
    found: list[dict[str, Any]] = []

    def enough() -> bool:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            found.append(json.loads(message["Body"]))
        return len(found) >= count

    assert eventually(enough, deadline=60), found
    return found


def log_messages(server: ServerProcess, function: str) -> list[str]:
    return function_log_messages(server.endpoint, function)


def test_failures_are_retried_then_sent_to_the_failure_destination(server: ServerProcess) -> None:
    lam, sqs = client(server, "lambda"), client(server, "sqs")
    failures = sqs.create_queue(QueueName="on-failure")["QueueUrl"]
    successes = sqs.create_queue(QueueName="on-success")["QueueUrl"]
    source = (
        "def lambda_handler(event, context):\n"
        "    if event.get('fail'):\n"
        "        raise RuntimeError('cannot resize ' + event['key'])\n"
        "    return {'resized': event['key']}\n"
    )
    arn = deploy(lam, client(server, "iam"), "flaky", source)["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName="flaky",
        DestinationConfig={
            "OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:123456789012:on-success"},
            "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:on-failure"},
        },
    )
    accepted = lam.invoke(
        FunctionName="flaky", InvocationType="Event", Payload=json.dumps({"fail": True, "key": "a"})
    )
    assert accepted["StatusCode"] == 202
    lam.invoke(FunctionName="flaky", InvocationType="Event", Payload=json.dumps({"key": "b"}))

    [failed] = messages(server, failures, 1)
    assert failed["version"] == "1.0"
    assert failed["requestContext"]["condition"] == "RetriesExhausted"
    assert failed["requestContext"]["approximateInvokeCount"] == 3  # the first try and 2 retries
    assert failed["requestContext"]["functionArn"] == f"{arn}:$LATEST"
    assert failed["requestPayload"] == {"fail": True, "key": "a"}
    assert failed["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert failed["responsePayload"]["errorMessage"] == "cannot resize a"
    [succeeded] = messages(server, successes, 1)
    assert succeeded["requestContext"]["condition"] == "Success"
    assert succeeded["requestContext"]["approximateInvokeCount"] == 1
    assert succeeded["responsePayload"] == {"resized": "b"}
    starts = [m for m in log_messages(server, "flaky") if m.startswith("START")]
    assert len(starts) == 4
    # a retried event keeps its request id, as on AWS
    assert len({line.split()[2] for line in starts}) == 2


def test_s3_events_are_asynchronous_with_the_full_record(server: ServerProcess) -> None:
    lam, s3 = client(server, "lambda"), client(server, "s3")
    s3.create_bucket(Bucket="async-uploads")
    source = "import json\ndef lambda_handler(event, context):\n    print(json.dumps(event))\n"
    arn = deploy(lam, client(server, "iam"), "recorder", source)["FunctionArn"]
    allow_s3_to_invoke(lam, "recorder", "async-uploads")
    trigger_on_uploads(s3, "async-uploads", arn)
    s3.put_object(Bucket="async-uploads", Key="holiday photos/beach day.jpg", Body=b"jpeg")
    assert eventually(lambda: any(m.startswith("{") for m in log_messages(server, "recorder")), 30)
    event = json.loads(next(m for m in log_messages(server, "recorder") if m.startswith("{")))
    [record] = event["Records"]
    assert record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "holiday+photos/beach+day.jpg"
    assert record["s3"]["object"]["size"] == 4
    assert record["s3"]["object"]["sequencer"]
    assert record["userIdentity"]["principalId"]
    assert record["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    assert set(record["responseElements"]) == {"x-amz-request-id", "x-amz-id-2"}
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::async-uploads"


def test_a_function_writing_to_its_own_trigger_bucket_is_stopped_at_16(
    server: ServerProcess,
) -> None:
    lam, s3 = client(server, "lambda"), client(server, "s3")
    s3.create_bucket(Bucket="loop-bucket")
    source = (
        "import boto3\nfrom urllib.parse import unquote_plus\n"
        "s3 = boto3.client('s3')\n"
        "def lambda_handler(event, context):\n"
        "    key = unquote_plus(event['Records'][0]['s3']['object']['key'])\n"
        "    s3.put_object(Bucket='loop-bucket', Key=key, Body=b'again')\n"
    )
    arn = deploy(lam, client(server, "iam"), "looper", source)["FunctionArn"]
    allow_s3_to_invoke(lam, "looper", "loop-bucket")
    trigger_on_uploads(s3, "loop-bucket", arn)
    s3.put_object(Bucket="loop-bucket", Key="photo.jpg", Body=b"first")

    def stopped() -> bool:
        return any("recursive loop detected" in m for m in log_messages(server, "looper"))

    assert eventually(stopped, deadline=120)
    reports = [m for m in log_messages(server, "looper") if m.startswith("REPORT")]
    assert len(reports) == 16
    points = client(server, "cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="RecursiveInvocationsDropped",
        Dimensions=[{"Name": "FunctionName", "Value": "looper"}],
        StartTime=time.time() - 600,
        EndTime=time.time() + 60,
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    assert sum(point["Sum"] for point in points) == 1


def test_queued_events_survive_a_restart(tmp_path_factory: pytest.TempPathFactory) -> None:
    server = ServerProcess(tmp_path_factory.mktemp("async-restart"), env=FAST_RETRIES).start()
    try:
        lam = client(server, "lambda")
        source = "import time\ndef lambda_handler(e, c):\n    time.sleep(e.get('sleep', 0))\n"
        deploy(lam, client(server, "iam"), "held", source + "    print('ran', e)\n")
        lam.put_function_concurrency(FunctionName="held", ReservedConcurrentExecutions=1)
        status = server.endpoint
        # A synchronous run takes the one environment; the event waits, throttled.
        threading.Thread(target=invoke_ignoring_errors, args=(server, b'{"sleep": 8}'),
                         daemon=True).start()  # fmt: skip
        assert eventually(lambda: server_status(status)["lambda"]["environments"]["busy"] == 1, 30)
        lam.invoke(FunctionName="held", InvocationType="Event", Payload=b'{"n": 1}')
        assert server_status(status)["lambda"]["queued_events"] == 1
        server.kill()
        server.start()  # the event may run before the first look: that it runs is the proof
        assert eventually(lambda: "ran {'n': 1}\n" in log_messages(server, "held"), deadline=30)
        assert eventually(lambda: server_status(status)["lambda"]["queued_events"] == 0, 10)
    finally:
        server.stop()


def invoke_ignoring_errors(server: ServerProcess, payload: bytes) -> None:
    """A synchronous run the test cuts short by killing the server."""
    with contextlib.suppress(Exception):  # the server is killed under it, as intended
        client(server, "lambda").invoke(FunctionName="held", Payload=payload)


def test_role_helper_is_idempotent(server: ServerProcess) -> None:
    iam = client(server, "iam")
    assert create_role(iam) == create_role(iam)


def test_sns_fans_out_to_two_functions_asynchronously(server: ServerProcess) -> None:
    lam, sns = client(server, "lambda"), client(server, "sns")
    topic = sns.create_topic(Name="uploads")["TopicArn"]
    source = "import json\ndef lambda_handler(event, context):\n    print(json.dumps(event))\n"
    for name in ("fan_a", "fan_b"):
        arn = deploy(lam, client(server, "iam"), name, source)["FunctionArn"]
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
    message_id = sns.publish(
        TopicArn=topic,
        Message="a new image",
        Subject="upload",
        MessageAttributes={"size": {"DataType": "String", "StringValue": "large"}},
    )["MessageId"]
    for name in ("fan_a", "fan_b"):
        assert eventually(
            lambda n=name: any(m.startswith("{") for m in log_messages(server, n)), 30
        )
        event = json.loads(next(m for m in log_messages(server, name) if m.startswith("{")))
        [record] = event["Records"]
        assert record["EventSource"] == "aws:sns"
        assert record["EventSubscriptionArn"].startswith(topic + ":")
        assert record["Sns"]["TopicArn"] == topic and record["Sns"]["MessageId"] == message_id
        assert record["Sns"]["Message"] == "a new image" and record["Sns"]["Subject"] == "upload"
        assert record["Sns"]["MessageAttributes"] == {"size": {"Type": "String", "Value": "large"}}


def test_sqs_batches_with_partial_failures_are_redriven(server: ServerProcess) -> None:
    lam, sqs = client(server, "lambda"), client(server, "sqs")
    dead = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    work = sqs.create_queue(
        QueueName="work",
        Attributes={
            "VisibilityTimeout": "1",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:work-dlq",
                 "maxReceiveCount": "1"}
            ),
        },
    )["QueueUrl"]  # fmt: skip
    source = (
        "import json\n"
        "def lambda_handler(event, context):\n"
        "    print(json.dumps(sorted(r['body'] for r in event['Records'])))\n"
        "    bad = [r['messageId'] for r in event['Records'] if r['body'] == 'bad']\n"
        "    return {'batchItemFailures': [{'itemIdentifier': i} for i in bad]}\n"
    )
    deploy(lam, client(server, "iam"), "worker", source)
    for body in ("one", "bad", "two"):
        sqs.send_message(QueueUrl=work, MessageBody=body)
    lam.create_event_source_mapping(
        FunctionName="worker",
        EventSourceArn="arn:aws:sqs:us-east-1:123456789012:work",
        BatchSize=10,
        MaximumBatchingWindowInSeconds=1,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    found: list[str] = []

    def dead_lettered() -> bool:
        found.extend(m["Body"] for m in sqs.receive_message(QueueUrl=dead).get("Messages", []))
        return found == ["bad"]

    assert eventually(dead_lettered, deadline=30)
    batches = [json.loads(m) for m in log_messages(server, "worker") if m.startswith("[")]
    assert batches[0] == ["bad", "one", "two"]  # one batch of all three
    assert all("one" not in batch for batch in batches[1:])  # successes were deleted
    attributes = sqs.get_queue_attributes(QueueUrl=work, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


def test_eventbridge_rules_invoke_lambda_and_schedules_fire(server: ServerProcess) -> None:
    lam, events = client(server, "lambda"), client(server, "events")
    source = "import json\ndef lambda_handler(event, context):\n    print(json.dumps(event))\n"
    arn = deploy(lam, client(server, "iam"), "on_event", source)["FunctionArn"]
    events.put_rule(Name="uploads", EventPattern=json.dumps({"source": ["lab.uploads"]}))
    events.put_targets(Rule="uploads", Targets=[{"Id": "fn", "Arn": arn}])
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="every-minute", Targets=[{"Id": "fn", "Arn": arn}])
    events.put_events(
        Entries=[
            {"Source": "lab.uploads", "DetailType": "Upload", "Detail": json.dumps({"key": "a"})},
            {"Source": "somewhere.else", "DetailType": "Other", "Detail": "{}"},
        ]
    )

    def seen() -> list[dict[str, Any]]:
        return [json.loads(m) for m in log_messages(server, "on_event") if m.startswith("{")]

    assert eventually(lambda: any(e["detail-type"] == "Scheduled Event" for e in seen()), 30)
    assert eventually(lambda: any(e["source"] == "lab.uploads" for e in seen()), 30)
    uploads = [e for e in seen() if e["source"] == "lab.uploads"]
    assert len(uploads) == 1 and uploads[0]["detail"] == {"key": "a"}
    assert not any(e["source"] == "somewhere.else" for e in seen())
    scheduled = next(e for e in seen() if e["detail-type"] == "Scheduled Event")
    assert scheduled["source"] == "aws.events" and scheduled["resources"][0].endswith(
        "rule/every-minute"
    )


def test_a_dead_letter_queue_gets_events_that_fail_every_attempt(server: ServerProcess) -> None:
    lam, sqs = client(server, "lambda"), client(server, "sqs")
    dlq = sqs.create_queue(QueueName="function-dlq")["QueueUrl"]
    source = "def lambda_handler(event, context):\n    raise ValueError('broken image')\n"
    deploy(
        lam,
        client(server, "iam"),
        "dead_lettered",
        source,
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:function-dlq"},
    )
    config = lam.get_function_configuration(FunctionName="dead_lettered")
    assert config["DeadLetterConfig"]["TargetArn"].endswith(":function-dlq")
    lam.put_function_event_invoke_config(FunctionName="dead_lettered", MaximumRetryAttempts=0)
    lam.invoke(FunctionName="dead_lettered", InvocationType="Event", Payload=b'{"key": "x"}')
    found: list[dict[str, Any]] = []

    def arrived() -> bool:
        found.extend(
            sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"]).get("Messages", [])
        )
        return bool(found)

    assert eventually(arrived, deadline=30)
    message = found[0]
    assert json.loads(message["Body"]) == {"key": "x"}
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["ErrorMessage"] == "broken image"
    assert attributes["RequestID"] and attributes["ErrorCode"] == "200"
    starts = [m for m in log_messages(server, "dead_lettered") if m.startswith("START")]
    assert len(starts) == 1  # MaximumRetryAttempts 0: no retry


def test_recursion_config_allow_lets_a_loop_continue(server: ServerProcess) -> None:
    lam, s3 = client(server, "lambda"), client(server, "s3")
    s3.create_bucket(Bucket="allowed-loop")
    source = (
        "import boto3\n"
        "s3 = boto3.client('s3')\n"
        "def lambda_handler(event, context):\n"
        "    n = int(event['Records'][0]['s3']['object']['key'].split('-')[1])\n"
        "    if n < 20:\n"
        "        s3.put_object(Bucket='allowed-loop', Key=f'step-{n + 1}', Body=b'x')\n"
    )
    arn = deploy(lam, client(server, "iam"), "allowed", source)["FunctionArn"]
    assert lam.get_function_recursion_config(FunctionName="allowed")["RecursiveLoop"] == "Terminate"
    lam.put_function_recursion_config(FunctionName="allowed", RecursiveLoop="Allow")
    assert lam.get_function_recursion_config(FunctionName="allowed")["RecursiveLoop"] == "Allow"
    allow_s3_to_invoke(lam, "allowed", "allowed-loop")
    trigger_on_uploads(s3, "allowed-loop", arn)
    s3.put_object(Bucket="allowed-loop", Key="step-1", Body=b"x")

    def reports() -> int:
        return len([m for m in log_messages(server, "allowed") if m.startswith("REPORT")])

    assert eventually(lambda: reports() == 20, deadline=120)
    assert not any("recursive loop" in m for m in log_messages(server, "allowed"))


def test_a_handler_feeding_its_own_queue_is_stopped_at_16(server: ServerProcess) -> None:
    lam, sqs = client(server, "lambda"), client(server, "sqs")
    queue = sqs.create_queue(QueueName="echo")["QueueUrl"]
    source = (
        "import boto3\n"
        "sqs = boto3.client('sqs')\n"
        "def lambda_handler(event, context):\n"
        f"    sqs.send_message(QueueUrl='{queue}', MessageBody='again')\n"
    )
    deploy(lam, client(server, "iam"), "echoer", source)
    lam.create_event_source_mapping(
        FunctionName="echoer", EventSourceArn="arn:aws:sqs:us-east-1:123456789012:echo", BatchSize=1
    )
    sqs.send_message(QueueUrl=queue, MessageBody="start")

    def stopped() -> bool:
        return any("recursive loop detected" in m for m in log_messages(server, "echoer"))

    assert eventually(stopped, deadline=120)
    reports = [m for m in log_messages(server, "echoer") if m.startswith("REPORT")]
    assert len(reports) == 16


def test_a_trigger_without_the_permission_is_refused(server: ServerProcess) -> None:
    from botocore.exceptions import ClientError

    lam, s3 = client(server, "lambda"), client(server, "s3")
    s3.create_bucket(Bucket="no-permission")
    arn = deploy(
        lam, client(server, "iam"), "unpermitted", "def lambda_handler(e, c):\n    pass\n"
    )["FunctionArn"]
    with pytest.raises(ClientError) as refused:
        trigger_on_uploads(s3, "no-permission", arn)
    assert refused.value.response["Error"]["Code"] == "InvalidArgument"
    assert "Unable to validate" in refused.value.response["Error"]["Message"]
    allow_s3_to_invoke(lam, "unpermitted", "no-permission")
    trigger_on_uploads(s3, "no-permission", arn)  # now accepted
