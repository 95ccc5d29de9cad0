from __future__ import annotations

import json
from pathlib import Path

import pytest

from localaws.errors import StateFormatError
from localaws.state.snapshot import BLOB_THRESHOLD
from localaws.state.statedir import StateDirLayout
from localaws.state.store import SnapshotStore


@pytest.fixture
def layout(tmp_path: Path) -> StateDirLayout:
    layout = StateDirLayout(tmp_path / "state-dir")
    layout.blobs.mkdir(parents=True)
    return layout


def tree(value: object) -> dict:  # type: ignore[type-arg]
    return {("module", "attr"): {"123456789012": {"us-east-1": value}}}


def test_save_then_load(layout: StateDirLayout) -> None:
    big = b"b" * BLOB_THRESHOLD
    assert SnapshotStore(layout).save(tree({"big": big, "n": 1}))
    loaded = SnapshotStore(layout).load()
    assert loaded.tree == tree({"big": big, "n": 1})
    header = json.loads(layout.snapshot.read_bytes().split(b"\n", 1)[0])
    assert header["format"] == "localaws-state" and header["schema"] == 1


def test_an_identical_state_is_not_rewritten(layout: StateDirLayout) -> None:
    store = SnapshotStore(layout)
    assert store.save(tree({"n": 1}))
    assert not store.save(tree({"n": 1}))
    assert store.save(tree({"n": 2}))
    assert store.snapshots_written == 2


def test_blobs_no_longer_referenced_are_deleted(layout: StateDirLayout) -> None:
    store = SnapshotStore(layout)
    store.save(tree({"big": b"1" * BLOB_THRESHOLD}))
    store.save(tree({"big": b"2" * BLOB_THRESHOLD}))
    assert len(list(layout.blobs.iterdir())) == 1
    assert SnapshotStore(layout).load().tree == tree({"big": b"2" * BLOB_THRESHOLD})


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda raw: b"garbage", "not readable"),
        (lambda raw: raw[:-5], "checksum"),
        (lambda raw: raw.replace(b'"localaws-state"', b'"other-format"'), "not a localaws"),
    ],
)
def test_a_damaged_snapshot_is_moved_aside(layout: StateDirLayout, damage, reason) -> None:  # type: ignore[no-untyped-def]
    SnapshotStore(layout).save(tree({"n": 1}))
    damaged = damage(layout.snapshot.read_bytes())
    layout.snapshot.write_bytes(damaged)
    result = SnapshotStore(layout).load()
    assert result.tree is None and reason in result.reason
    assert result.moved_aside_to is not None
    assert (result.moved_aside_to / "snapshot.bin").read_bytes() == damaged
    assert not layout.snapshot.exists() and layout.blobs.is_dir()


def test_a_missing_blob_is_reported(layout: StateDirLayout) -> None:
    SnapshotStore(layout).save(tree({"big": b"x" * BLOB_THRESHOLD}))
    for blob in layout.blobs.iterdir():
        blob.unlink()
    result = SnapshotStore(layout).load()
    assert result.tree is None and "missing" in result.reason


def test_a_newer_schema_is_refused_and_left_in_place(layout: StateDirLayout) -> None:
    content = json.dumps({"format": "localaws-state", "schema": 2, "localaws": "2.0"}).encode()
    layout.snapshot.write_bytes(content + b"\n")
    with pytest.raises(StateFormatError, match="newer localaws"):
        SnapshotStore(layout).load()
    assert layout.snapshot.read_bytes() == content + b"\n"
