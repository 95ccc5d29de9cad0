"""State survives stop/start and kill -9: no acknowledged write is ever lost."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ServerProcess, aws_client, eventually, free_port, run_localaws
from tests.lab_fixtures import TRUST_POLICY, deploy, handler_zip, trigger_on_uploads, zip_bytes

pytestmark = pytest.mark.server


def client(endpoint: str, service: str, **config: Any) -> Any:
    return aws_client(endpoint, service, **config)


def create_lab_like_state(endpoint: str) -> dict[str, Any]:
    """One of each resource kind the lab uses; returns what to look for afterwards."""
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket="persist-original")
    image = bytes(random.Random(1).getrandbits(8) for _ in range(200_000))
    s3.put_object(Bucket="persist-original", Key="image.jpg", Body=image)
    role = client(endpoint, "iam").create_role(
        RoleName="ResizeImageLambdaRole", AssumeRolePolicyDocument=TRUST_POLICY
    )["Role"]["Arn"]
    lam = client(endpoint, "lambda")
    layer = lam.publish_layer_version(
        LayerName="PillowPythonLambdaLayer", Content={"ZipFile": zip_bytes({"python/x.py": ""})}
    )["LayerVersionArn"]
    package = handler_zip()
    function_arn = lam.create_function(
        FunctionName="resize_image",
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": package},
        MemorySize=512,
        Layers=[layer],
        Environment={"Variables": {"RESIZED_BUCKET": "persist-resized"}},
    )["FunctionArn"]
    lam.add_permission(
        FunctionName="resize_image",
        StatementId="s3-invoke",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::persist-original",
    )
    trigger_on_uploads(s3, "persist-original", function_arn)
    logs = client(endpoint, "logs")
    logs.create_log_group(logGroupName="/aws/lambda/resize_image")
    logs.create_log_stream(logGroupName="/aws/lambda/resize_image", logStreamName="stream")
    logs.put_log_events(
        logGroupName="/aws/lambda/resize_image",
        logStreamName="stream",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "REPORT line"}],
    )
    sqs = client(endpoint, "sqs")
    queue = sqs.create_queue(QueueName="persist-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="kept")
    return {"image": image, "package": package, "layer": layer, "function_arn": function_arn}


def assert_lab_like_state(endpoint: str, expected: dict[str, Any]) -> None:
    s3 = client(endpoint, "s3")
    assert (
        s3.get_object(Bucket="persist-original", Key="image.jpg")["Body"].read()
        == expected["image"]
    )
    notification = s3.get_bucket_notification_configuration(Bucket="persist-original")
    assert (
        notification["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"]
        == expected["function_arn"]
    )
    assert client(endpoint, "iam").get_role(RoleName="ResizeImageLambdaRole")["Role"]["RoleName"]
    lam = client(endpoint, "lambda")
    function = lam.get_function(FunctionName="resize_image")
    config = function["Configuration"]
    assert config["MemorySize"] == 512
    assert config["Environment"]["Variables"] == {"RESIZED_BUCKET": "persist-resized"}
    assert [layer["Arn"] for layer in config["Layers"]] == [expected["layer"]]
    with urllib.request.urlopen(function["Code"]["Location"]) as response:
        assert response.read() == expected["package"]
    policy = json.loads(lam.get_policy(FunctionName="resize_image")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}
    versions = lam.list_layer_versions(LayerName="PillowPythonLambdaLayer")["LayerVersions"]
    assert [v["LayerVersionArn"] for v in versions] == [expected["layer"]]
    events = client(endpoint, "logs").get_log_events(
        logGroupName="/aws/lambda/resize_image", logStreamName="stream"
    )["events"]
    assert [event["message"] for event in events] == ["REPORT line"]
    sqs = client(endpoint, "sqs")
    queue = sqs.get_queue_url(QueueName="persist-queue")["QueueUrl"]
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "kept"


def test_stop_and_start_keep_every_resource(state_dir: Path) -> None:
    port = str(free_port())
    endpoint = f"http://127.0.0.1:{port}"
    started = run_localaws("start", "--port", port, "--state-dir", str(state_dir))
    assert started.returncode == 0, started.stderr
    try:
        expected = create_lab_like_state(endpoint)
        assert run_localaws("stop", "--state-dir", str(state_dir)).returncode == 0
        restarted = run_localaws("start", "--port", port, "--state-dir", str(state_dir))
        assert restarted.returncode == 0, restarted.stderr
        assert_lab_like_state(endpoint, expected)
    finally:
        run_localaws("stop", "--state-dir", str(state_dir))


LOG_GROUP, LOG_STREAM = "/crash/test", "writes"
NOOP = "def lambda_handler(event, context):\n    return event\n"


def prepare_crash_targets(endpoint: str) -> None:
    """A bucket, a log stream, a queue, and a function whose successes land in a queue."""
    client(endpoint, "s3").create_bucket(Bucket="crash-test")
    logs = client(endpoint, "logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=LOG_STREAM)
    sqs = client(endpoint, "sqs")
    for queue in ("crash-messages", "async-done"):
        sqs.create_queue(QueueName=queue)
    lam = client(endpoint, "lambda")
    deploy(lam, client(endpoint, "iam"), "crash-noop", NOOP)
    lam.put_function_event_invoke_config(
        FunctionName="crash-noop",
        DestinationConfig={
            "OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:123456789012:async-done"}
        },
    )


class Writer(threading.Thread):
    """Writes until the server dies: objects, roles, queues, log events, queue messages and
    asynchronous invocations; records what was acknowledged."""

    def __init__(self, endpoint: str, round_number: int, seed: int) -> None:
        super().__init__(daemon=True)
        settings = {"retries": {"max_attempts": 1}, "connect_timeout": 2, "read_timeout": 10}
        self.s3, self.iam, self.sqs, self.logs, self.lam = (
            client(endpoint, service, **settings)
            for service in ("s3", "iam", "sqs", "logs", "lambda")
        )
        self.messages_url = f"{endpoint}/123456789012/crash-messages"
        self.round_number = round_number
        self.random = random.Random(seed)
        self.objects: dict[str, bytes] = {}
        self.roles: list[str] = []
        self.queues: list[str] = []
        self.log_messages: list[str] = []
        self.messages: list[str] = []
        self.events: list[str] = []

    @property
    def acknowledged(self) -> int:
        kinds = (self.objects, self.roles, self.queues, self.log_messages, self.messages)
        return sum(len(kind) for kind in kinds) + len(self.events)

    def run(self) -> None:
        index = 0
        try:
            while True:
                index += 1
                self.write_one(f"r{self.round_number}-{index}", self.random.random())
        except Exception:
            return  # the server was killed: what was acknowledged is recorded

    def write_one(self, name: str, choice: float) -> None:
        if choice < 0.4:
            size = self.random.choice((10, 5_000, 70_000, 300_000))
            body = self.random.randbytes(size)
            self.s3.put_object(Bucket="crash-test", Key=name, Body=body)
            self.objects[name] = body
        elif choice < 0.5:
            self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY)
            self.roles.append(name)
        elif choice < 0.55:
            self.sqs.create_queue(QueueName=name)
            self.queues.append(name)
        elif choice < 0.7:
            event = {"timestamp": int(time.time() * 1000), "message": name}
            self.logs.put_log_events(
                logGroupName=LOG_GROUP, logStreamName=LOG_STREAM, logEvents=[event]
            )
            self.log_messages.append(name)
        elif choice < 0.85:
            self.sqs.send_message(QueueUrl=self.messages_url, MessageBody=name)
            self.messages.append(name)
        else:
            payload = json.dumps({"name": name}).encode()
            self.lam.invoke(FunctionName="crash-noop", InvocationType="Event", Payload=payload)
            self.events.append(name)


def drain(sqs: Any, url: str) -> list[str]:
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in batch]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)
            ],
        )
    return bodies


def test_kill_9_at_random_moments_loses_no_acknowledged_write(state_dir: Path) -> None:
    chooser = random.Random(20261126)
    server = ServerProcess(state_dir).start()
    prepare_crash_targets(server.endpoint)
    writers = []
    for round_number in range(6):
        writer = Writer(server.endpoint, round_number, seed=round_number)
        writer.start()
        target = chooser.randint(3, 40)
        assert eventually(lambda w=writer, t=target: w.acknowledged >= t, deadline=60)
        server.kill()
        writer.join(timeout=30)
        writers.append(writer)
        server.start()
    try:
        assert_everything_acknowledged_is_kept(server.endpoint, writers)
    finally:
        server.stop()


def assert_everything_acknowledged_is_kept(endpoint: str, writers: list[Writer]) -> None:
    """Each acknowledged write is there once (no journal record applied twice)."""
    s3, sqs = client(endpoint, "s3"), client(endpoint, "sqs")
    objects = {key: body for writer in writers for key, body in writer.objects.items()}
    for key, body in objects.items():
        assert s3.get_object(Bucket="crash-test", Key=key)["Body"].read() == body, key
    known_roles = {r["RoleName"] for r in client(endpoint, "iam").list_roles()["Roles"]}
    assert {role for writer in writers for role in writer.roles} <= known_roles
    urls = {url.rsplit("/", 1)[-1] for url in sqs.list_queues().get("QueueUrls", [])}
    assert {queue for writer in writers for queue in writer.queues} <= urls
    logged = [
        event["message"]
        for event in client(endpoint, "logs").get_log_events(
            logGroupName=LOG_GROUP, logStreamName=LOG_STREAM, startFromHead=True
        )["events"]
    ]
    acknowledged_logs = [m for writer in writers for m in writer.log_messages]
    assert sorted(set(logged) & set(acknowledged_logs)) == sorted(acknowledged_logs)
    assert len(logged) == len(set(logged))
    messages = drain(sqs, f"{endpoint}/123456789012/crash-messages")
    acknowledged_messages = [m for writer in writers for m in writer.messages]
    assert set(acknowledged_messages) <= set(messages) and len(messages) == len(set(messages))
    events = {name for writer in writers for name in writer.events}
    done: set[str] = set()

    def every_event_ran() -> bool:
        done.update(
            json.loads(body)["requestPayload"]["name"]
            for body in drain(sqs, f"{endpoint}/123456789012/async-done")
        )
        return events <= done

    assert eventually(every_event_ran, deadline=60), events - done
    total = sum(writer.acknowledged for writer in writers)
    assert total >= 6 * 3


def test_an_idle_server_writes_nothing(state_dir: Path) -> None:
    server = ServerProcess(state_dir, env={"LOCALAWS_LOG_RETENTION_CHECK_SECONDS": "0.2"})
    server.start()
    try:
        prepare_crash_targets(server.endpoint)  # a function with async settings, queues, logs
        client(server.endpoint, "lambda").create_event_source_mapping(
            EventSourceArn="arn:aws:sqs:us-east-1:123456789012:crash-messages",
            FunctionName="crash-noop",
        )
        client(server.endpoint, "logs").put_retention_policy(
            logGroupName=LOG_GROUP, retentionInDays=1
        )
        saved = state_dir / "state"

        def written() -> int:
            return sum(path.stat().st_size for path in saved.rglob("*") if path.is_file())

        assert eventually(lambda: written() == written(), deadline=10)  # settled
        before = written()
        assert not eventually(lambda: written() != before, deadline=2)
    finally:
        server.stop()


def test_a_key_iam_issued_keeps_its_last_use_across_a_crash(state_dir: Path) -> None:
    server = ServerProcess(state_dir).start()
    try:
        iam = client(server.endpoint, "iam")
        iam.create_user(UserName="learner")
        key = iam.create_access_key(UserName="learner")["AccessKey"]
        import boto3

        own = boto3.client(
            "s3",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
        own.create_bucket(Bucket="made-with-an-iam-key")
        server.kill()
        server.start()
        used = client(server.endpoint, "iam").get_access_key_last_used(
            AccessKeyId=key["AccessKeyId"]
        )["AccessKeyLastUsed"]
        assert used["ServiceName"] == "s3"
    finally:
        server.stop()
