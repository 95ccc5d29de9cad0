from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from typing import Any

import pytest

from localaws.state.snapshot import BLOB_THRESHOLD, BlobSink, dump_backends, load_backends


class Holder:
    """Stands in for a moto model: locks, weak maps and lambda-built defaultdicts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rlock = threading.RLock()
        self.items = [Item("a"), Item("b")]
        self.by_name: weakref.WeakValueDictionary[str, Item] = weakref.WeakValueDictionary(
            {item.name: item for item in self.items}
        )
        self.aliases: defaultdict[str, dict[str, str]] = defaultdict(lambda: {})
        self.aliases["f"]["live"] = "1"
        self.body = b"x" * BLOB_THRESHOLD
        self.text = "y" * BLOB_THRESHOLD
        self.small = b"z"


class Item:
    def __init__(self, name: str) -> None:
        self.name = name


def round_trip(tree: Any) -> tuple[Any, dict[str, bytes]]:
    blobs: dict[str, bytes] = {}
    sink = BlobSink(lambda digest, data: blobs.__setitem__(digest, data))
    sink.begin()
    data = dump_backends(tree, sink)
    assert set(blobs) == sink.referenced
    return load_backends(data, blobs.__getitem__), blobs


def test_moto_like_objects_survive_a_round_trip() -> None:
    holder = Holder()
    restored, blobs = round_trip({("m", "a"): {"123": {"us-east-1": holder}}})
    copy = restored[("m", "a")]["123"]["us-east-1"]
    assert copy.lock.acquire(blocking=False)
    assert copy.rlock.acquire(blocking=False)
    assert dict(copy.by_name) == {"a": copy.items[0], "b": copy.items[1]}
    assert copy.aliases["f"] == {"live": "1"}
    assert copy.aliases["new"] == {}  # still a defaultdict
    assert (copy.body, copy.text, copy.small) == (holder.body, holder.text, holder.small)
    assert len(blobs) == 2  # the two large values, not the small one


def test_unchanged_values_are_not_written_again() -> None:
    writes: list[str] = []
    sink = BlobSink(lambda digest, data: writes.append(digest))
    tree = {("m", "a"): {"1": {"r": Holder()}}}
    for _ in range(3):
        sink.begin()
        dump_backends(tree, sink)
        sink.forget_unseen()
    assert len(writes) == 2


def test_a_defaultdict_with_an_arbitrary_factory_is_refused() -> None:
    odd: defaultdict[str, list[int]] = defaultdict(lambda: [1])
    with pytest.raises(Exception, match="cannot persist"):
        round_trip({("m", "a"): {"1": {"r": odd}}})


def test_a_lambda_built_nested_defaultdict_survives_a_round_trip() -> None:
    tags: defaultdict[str, defaultdict[str, dict[str, str]]] = defaultdict(
        lambda: defaultdict(dict)
    )  # as moto's SSM backend keeps resource tags
    tags["Parameter"]["/a"]["team"] = "x"
    restored, _ = round_trip({("m", "a"): {"1": {"r": tags}}})
    copy = restored[("m", "a")]["1"]["r"]
    assert copy["Parameter"]["/a"] == {"team": "x"}
    assert copy["Document"]["new"] == {}  # both levels are still defaultdicts


class Versions(defaultdict[str, list[str]]):
    """Like moto's SSM ``ParameterDict``: a defaultdict subclass with its own arguments."""

    def __init__(self, account_id: str, region_name: str) -> None:
        super().__init__(list)
        self.account_id = account_id
        self.region_name = region_name


def test_a_defaultdict_subclass_with_its_own_arguments_survives_a_round_trip() -> None:
    versions = Versions("123", "us-east-1")
    versions["/db/password"].append("v1")
    restored, _ = round_trip({("m", "a"): {"1": {"r": versions}}})
    copy = restored[("m", "a")]["1"]["r"]
    assert type(copy) is Versions
    assert (copy.account_id, copy.region_name) == ("123", "us-east-1")
    assert copy["/db/password"] == ["v1"]
    assert copy["/new"] == []


def test_snapshots_written_before_the_queue_moved_still_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """State dirs from before the layout change name the queue's classes at their old paths."""
    import pickle
    import sys
    import types

    from localaws.events.async_queue import AsyncEvent
    from localaws.executor.tracing import Chain
    from localaws.moto_glue import event_queue
    from localaws.state.snapshot import install_backends

    old = types.ModuleType("localaws.executor.async_queue")

    class OldEvent:  # the fields the old class pickled
        pass

    OldEvent.__module__, OldEvent.__qualname__ = old.__name__, "AsyncEvent"
    old.AsyncEvent = OldEvent  # type: ignore[attr-defined]
    event = OldEvent()
    event.__dict__.update(
        account="123456789012", region="us-east-1", function_name="f", qualifier=None,
        payload=b"{}", received_at=1.0, due_at=1.0, chain=Chain.new(), request_id="r",
        attempts=1, claimed=False,
    )  # fmt: skip
    monkeypatch.setitem(sys.modules, old.__name__, old)
    tree = {(old.__name__, "async_queue_backends"): {"123456789012": {"aws": [event]}}}
    data = pickle.dumps(tree)
    monkeypatch.delitem(sys.modules, old.__name__)

    loaded = load_backends(data, lambda digest: b"")
    [(key, accounts)] = loaded.items()
    [restored] = accounts["123456789012"]["aws"]
    assert isinstance(restored, AsyncEvent) and restored.request_id == "r"

    backend = event_queue.AsyncQueueBackend("aws", "123456789012")
    backend.events.append(restored)
    install_backends({key: {"123456789012": {"aws": backend}}})
    assert event_queue.queue_backend().events == [restored]
    event_queue.async_queue_backends.reset()
