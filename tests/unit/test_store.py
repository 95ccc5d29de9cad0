"""The journal store: what a write costs, what a crash leaves, what a reload brings back."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import pickle
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.base_backend import BackendDict

from localaws.errors import StateFormatError
from localaws.state.snapshot import BlobSink, capture_backends, dump_backends
from localaws.state.statedir import StateDirLayout
from localaws.state.store import StateStore

S3 = ("moto.s3.models", "s3_backends")
LOGS = ("moto.logs.models", "logs_backends")
SQS = ("moto.sqs.models", "sqs_backends")
LAMBDA = ("moto.awslambda.models", "lambda_backends")


@pytest.fixture
def layout(tmp_path: Path) -> StateDirLayout:
    layout = StateDirLayout(tmp_path / "state-dir")
    layout.blobs.mkdir(parents=True)
    return layout


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def client(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1")


def reload(layout: StateDirLayout) -> StateStore:
    """Forget every service in memory, then read them back from disk."""
    BackendDict.reset()
    store = StateStore(layout)
    store.load()
    return store


def put_log_batches(batches: int, size: int = 5000) -> None:
    logs = client("logs")
    if not logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"]:
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
    now = int(time.time() * 1000)
    for batch in range(batches):
        events = [{"timestamp": now, "message": f"event {batch}.{i}"} for i in range(size)]
        logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=events)


def all_log_messages() -> list[str]:
    events = client("logs").get_log_events(
        logGroupName="g", logStreamName="s", startFromHead=True, limit=10000
    )["events"]
    return [event["message"] for event in events]


def test_a_reload_brings_back_every_service(aws: None, layout: StateDirLayout) -> None:
    store = StateStore(layout)
    store.load()
    client("s3").create_bucket(Bucket="kept-bucket")
    client("s3").put_object(Bucket="kept-bucket", Key="k", Body=b"body")
    put_log_batches(1, size=1200)
    client("sqs").create_queue(QueueName="kept-queue")
    assert store.commit({S3, LOGS, SQS})
    store.close()
    reload(layout)
    assert client("s3").get_object(Bucket="kept-bucket", Key="k")["Body"].read() == b"body"
    assert len(all_log_messages()) == 1200
    assert client("sqs").list_queues()["QueueUrls"][0].endswith("/kept-queue")


def test_a_small_write_costs_the_same_bytes_however_many_log_events_are_kept(
    aws: None, layout: StateDirLayout
) -> None:
    store = StateStore(layout)
    store.load()
    client("s3").create_bucket(Bucket="small-writes")
    costs = []
    for batches in (1, 10):
        put_log_batches(batches)
        store.commit({S3, LOGS})
        before = store.bytes_written
        client("s3").put_object(Bucket="small-writes", Key="k", Body=f"{batches:010}".encode())
        assert store.commit({S3})
        costs.append(store.bytes_written - before)
    assert costs[1] <= costs[0] * 1.05 + 64, costs


def test_new_log_events_cost_what_is_new_not_what_is_kept(
    aws: None, layout: StateDirLayout
) -> None:
    store = StateStore(layout)
    store.load()
    costs = []
    for _ in range(3):
        put_log_batches(4)
        store.commit({LOGS})
        before = store.bytes_written
        put_log_batches(1, size=10)
        store.commit({LOGS})
        costs.append(store.bytes_written - before)
    assert max(costs) < 20_000, costs


def test_nothing_touched_writes_nothing(aws: None, layout: StateDirLayout) -> None:
    store = StateStore(layout)
    store.load()
    client("s3").create_bucket(Bucket="quiet-bucket")
    assert store.commit({S3})
    size = store.journal_size()
    assert not store.commit(set())
    assert not store.commit({S3})  # touched but unchanged
    assert store.journal_size() == size


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def test_an_object_two_services_hold_is_still_one_object_after_a_reload(
    aws: None, layout: StateDirLayout
) -> None:
    from moto.awslambda.models import lambda_backends
    from moto.sqs.models import sqs_backends

    store = StateStore(layout)
    store.load()
    role = client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client("lambda").create_function(
        FunctionName="f", Runtime="python3.12", Role=role, Handler="handler.handler",
        Code={"ZipFile": _zip()},
    )  # fmt: skip
    url = client("sqs").create_queue(QueueName="q")["QueueUrl"]
    arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    client("lambda").create_event_source_mapping(
        EventSourceArn=arn["Attributes"]["QueueArn"], FunctionName="f"
    )
    store.commit({key for key in capture_backends()})
    client("lambda").update_function_configuration(FunctionName="f", Timeout=9)
    store.commit({LAMBDA})  # SQS names Lambda's mapping: it is saved again with it
    store.close()
    reload(layout)
    queue = sqs_backends["123456789012"]["us-east-1"].queues["q"]
    (held_by_queue,) = queue.lambda_event_source_mappings.values()
    (mapping,) = lambda_backends["123456789012"]["us-east-1"]._event_source_mappings.values()
    assert held_by_queue is mapping
    assert client("lambda").get_function_configuration(FunctionName="f")["Timeout"] == 9


def _journal(layout: StateDirLayout) -> Path:
    (journal,) = layout.state.glob("journal-*.log")
    return journal


def test_a_torn_last_record_is_dropped(aws: None, layout: StateDirLayout) -> None:
    store = StateStore(layout)
    store.load()
    client("s3").create_bucket(Bucket="first-bucket")
    store.commit({S3})
    whole = _journal(layout).stat().st_size
    client("s3").create_bucket(Bucket="second-bucket")
    store.commit({S3})
    store.close()
    complete = _journal(layout).read_bytes()
    for cut in (whole + 1, whole + 10, whole + 30, (whole + len(complete)) // 2, len(complete) - 1):
        _journal(layout).write_bytes(complete[:cut])
        store = reload(layout)
        assert [b["Name"] for b in client("s3").list_buckets()["Buckets"]] == ["first-bucket"]
        store.close()
        assert _journal(layout).stat().st_size == whole  # the tail is cut off before appending


def test_a_torn_record_is_reported(aws: None, layout: StateDirLayout) -> None:
    store = StateStore(layout)
    store.load()
    client("s3").create_bucket(Bucket="first-bucket")
    store.commit({S3})
    store.close()
    _journal(layout).write_bytes(_journal(layout).read_bytes()[:-3])
    BackendDict.reset()
    result = StateStore(layout).load()
    assert result.moved_aside_to is None
    assert any("torn record" in notice for notice in result.notices)


def test_damage_before_the_last_record_moves_the_state_aside(
    aws: None, layout: StateDirLayout
) -> None:
    store = StateStore(layout)
    store.load()
    for name in ("first-bucket", "second-bucket"):
        client("s3").create_bucket(Bucket=name)
        store.commit({S3})
    store.close()
    raw = bytearray(_journal(layout).read_bytes())
    header_end = raw.index(b"\n") + 1
    raw[header_end + 30] ^= 0xFF  # inside the first record's payload
    _journal(layout).write_bytes(bytes(raw))
    BackendDict.reset()
    result = StateStore(layout).load()
    assert result.moved_aside_to is not None and "damaged" in result.reason
    assert list(result.moved_aside_to.glob("journal-*.log"))


def test_compaction_keeps_the_state_and_drops_old_files_and_blobs(
    aws: None, layout: StateDirLayout
) -> None:
    store = StateStore(layout)
    store.load()
    s3 = client("s3")
    s3.create_bucket(Bucket="big-values")
    for value in (b"1", b"2"):
        s3.put_object(Bucket="big-values", Key="big", Body=value * 100_000)
        store.commit({S3})
    put_log_batches(2)
    store.commit({LOGS})
    store.compact(contextlib.nullcontext)
    assert [p.name for p in sorted(layout.state.glob("*.log"))] == ["base-1.log", "journal-1.log"]
    blobs = {p.name for p in layout.blobs.iterdir()}
    assert hashlib.sha256(b"1" * 100_000).hexdigest() not in blobs
    s3.put_object(Bucket="big-values", Key="after", Body=b"x")
    store.commit({S3})
    store.close()
    reload(layout)
    assert s3.get_object(Bucket="big-values", Key="big")["Body"].read() == b"2" * 100_000
    assert s3.get_object(Bucket="big-values", Key="after")["Body"].read() == b"x"
    assert len(all_log_messages()) == 10000


def test_a_newer_schema_is_refused_and_left_in_place(layout: StateDirLayout) -> None:
    content = json.dumps({"format": "localaws-state", "schema": 3, "localaws": "3.0"}).encode()
    path = layout.state / "journal-0.log"
    path.write_bytes(content + b"\n")
    with pytest.raises(StateFormatError, match="newer localaws"):
        StateStore(layout).load()
    assert path.read_bytes() == content + b"\n"


def test_a_schema_1_snapshot_is_converted(aws: None, layout: StateDirLayout) -> None:
    client("s3").create_bucket(Bucket="old-format")
    blobs: dict[str, bytes] = {}
    body = dump_backends(capture_backends(), BlobSink(blobs.__setitem__))
    header = {"format": "localaws-state", "schema": 1, "localaws": "0.9",
              "sha256": hashlib.sha256(body).hexdigest()}  # fmt: skip
    layout.snapshot.write_bytes(json.dumps(header).encode() + b"\n" + body)
    BackendDict.reset()
    result = StateStore(layout).load()
    assert result.restored and any("schema 2" in notice for notice in result.notices)
    assert not layout.snapshot.exists()
    reload(layout)
    assert [b["Name"] for b in client("s3").list_buckets()["Buckets"]] == ["old-format"]


def test_a_large_body_is_read_once_not_at_every_commit(
    aws: None, layout: StateDirLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.s3.models import FakeKey

    store = StateStore(layout)
    store.load()
    s3 = client("s3")
    s3.create_bucket(Bucket="large-bodies")
    s3.put_object(Bucket="large-bodies", Key="image.jpg", Body=b"i" * 300_000)
    store.commit({S3})
    reads: list[str] = []
    body = vars(FakeKey)["value"]
    counted = property(lambda key: reads.append(key.name) or body.fget(key), body.fset)
    monkeypatch.setattr(FakeKey, "value", counted)
    for number in range(3):
        s3.put_object(Bucket="large-bodies", Key=f"small{number}", Body=b"s")
        store.commit({S3})
    assert "image.jpg" not in reads
    store.close()
    reload(layout)
    assert s3.get_object(Bucket="large-bodies", Key="image.jpg")["Body"].read() == b"i" * 300_000


def test_a_body_stored_again_after_its_object_went_survives_compaction(
    aws: None, layout: StateDirLayout
) -> None:
    store = StateStore(layout)
    store.load()
    s3 = client("s3")
    s3.create_bucket(Bucket="same-body")
    body = b"b" * 100_000
    s3.put_object(Bucket="same-body", Key="first", Body=body)
    store.commit({S3})
    s3.delete_object(Bucket="same-body", Key="first")
    store.commit({S3})
    store.compact(contextlib.nullcontext)  # the body's blob is named by nothing: it goes
    s3.put_object(Bucket="same-body", Key="second", Body=body)
    store.commit({S3})
    store.compact(contextlib.nullcontext)
    store.close()
    reload(layout)
    assert s3.get_object(Bucket="same-body", Key="second")["Body"].read() == body


def test_state_another_moto_cannot_read_is_refused_and_kept(layout: StateDirLayout) -> None:
    from localaws.state.journal import JournalWriter

    path = layout.state / "journal-0.log"
    writer = JournalWriter(path)
    writer.close()
    header, _, rest = path.read_bytes().partition(b"\n")
    older = json.loads(header) | {"moto": "4.0.0"}
    path.write_bytes(json.dumps(older).encode() + b"\n" + rest)
    writer = JournalWriter(path)
    unreadable = b"\x80\x04cmoto.gone\nKind\n."  # a class that moto no longer has
    writer.append(1, pickle.dumps((False, [(S3, unreadable)])))
    writer.close()
    content = path.read_bytes()
    with pytest.raises(StateFormatError, match=r"moto 4\.0\.0.*moto==4\.0\.0"):
        StateStore(layout).load()
    assert path.read_bytes() == content


def test_log_events_removed_from_the_front_stay_removed(aws: None, layout: StateDirLayout) -> None:
    from moto.logs.models import logs_backends

    store = StateStore(layout)
    store.load()
    put_log_batches(1, size=1200)
    store.commit({LOGS})
    stream = logs_backends["123456789012"]["us-east-1"].groups["g"].streams["s"]
    stream.events[:] = stream.events[700:]  # as retention does
    put_log_batches(1, size=30)
    store.commit({LOGS})
    store.close()
    reload(layout)
    kept = all_log_messages()
    assert kept[0] == "event 0.700" and len(kept) == 530


def test_a_deleted_object_is_not_held_by_the_store(aws: None, layout: StateDirLayout) -> None:
    from moto.s3.models import s3_backends

    store = StateStore(layout)
    store.load()
    s3 = client("s3")
    s3.create_bucket(Bucket="short-lived")
    s3.put_object(Bucket="short-lived", Key="gone-soon", Body=b"g" * 100_000)
    store.commit({S3})
    key = s3_backends["123456789012"]["aws"].buckets["short-lived"].keys.getlist("gone-soon")[0]
    assert key in store.bodies
    s3.delete_object(Bucket="short-lived", Key="gone-soon")
    store.commit({S3})
    assert key not in store.bodies  # its body is not kept alive by the store
