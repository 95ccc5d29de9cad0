"""Pickling the segments a commit saves, and (for tests) checking nothing changed unseen."""

from __future__ import annotations

import copyreg
import io
import reprlib
from pathlib import Path
from typing import Any

from localaws.state.segments import (
    ObjectIndex,
    PickleContext,
    RootRef,
    SegmentKey,
    SegmentPickler,
    SegmentVersion,
    segment_state,
    shareable,
)
from localaws.state.snapshot import BackendTree

#: Services whose state changes outside any request (Step Functions runs an execution in a
#: thread of its own): they are checked at every commit, and saved when they changed.
CHANGES_OUTSIDE_REQUESTS = ("moto.stepfunctions.",)
#: Services whose objects hold other services' objects: pickled last in a commit, so that each
#: shared object is saved with the service it belongs to (a bucket with S3, not with the stack).
PICKLED_LAST = ("moto.cloudformation.", "moto.stepfunctions.")


#: Attributes moto's ManagedState changes when a model is read (a describe counts a tick, a
#: status read may move it on): a read may change them, so the commit check ignores them.
_READ_SIDE_ATTRIBUTES = frozenset({"_tick", "_time_progressed", "_status"})


#: Caches moto fills in when a model is read, by class: CloudFormation parses a stack's
#: outputs on the first describe, Logs works out a stream's first and last event times on
#: DescribeLogStreams. Lost at a crash, they are filled in again on the next read.
_READ_SIDE_CACHES = {
    ("moto.cloudformation.parsing", "OutputMap"): frozenset({"_parsed_outputs"}),
    ("moto.logs.models", "LogStream"): frozenset({"first_event_timestamp", "last_event_timestamp"}),
}


class NormalizedPickler(SegmentPickler):
    """Pickles a segment for the commit check only: without what a read may change."""

    def reducer_override(self, obj: Any) -> Any:
        from moto.moto_api._internal.managed_state_model import ManagedState

        reduced = super().reducer_override(obj)
        kind = type(obj)
        if isinstance(obj, ManagedState):
            dropped = _READ_SIDE_ATTRIBUTES
        else:
            dropped = _READ_SIDE_CACHES.get((kind.__module__, kind.__name__), frozenset())
            if not dropped:
                return reduced
        state = vars(obj) if reduced is NotImplemented else reduced[2]
        state = {k: v for k, v in state.items() if k not in dropped}
        return (copyreg.__newobj__, (kind,), state)  # type: ignore[attr-defined]


class UnseenChange(RuntimeError):
    """A service changed without a write touching it: that change would not be saved."""


def pickle_commit(
    context: PickleContext, tree: BackendTree, touched: set[SegmentKey], seq: int, full: bool,
    verify: bool,
) -> list[tuple[SegmentKey, bytes]]:  # fmt: skip
    """Pickle ``touched`` and every segment naming their objects; record them in the index.
    Returns the segments whose bytes changed, in pickling order: what the commit writes."""
    index = context.index
    touched |= {key for key in tree if key[0].startswith(CHANGES_OUTSIDE_REQUESTS)}
    closure = index.dependents(touched) & tree.keys() if not full else set(tree)
    context.pending = set(closure)
    entries: list[tuple[SegmentKey, bytes]] = []
    for key in sorted(closure, key=lambda k: (k[0].startswith(PICKLED_LAST), k)):
        context.sink.begin()
        buffer = io.BytesIO()
        pickler = SegmentPickler(buffer, context, key)
        pickler.dump(segment_state(tree[key]))
        body = buffer.getvalue()
        check_body = normalized(context, key, tree[key]) if verify else b""
        context.pending.discard(key)
        context.events.keep_only(key, pickler.event_lists)
        if key[0].startswith("moto.s3."):  # the one service holding object bodies
            context.bodies.keep_only_seen()
        old = index.versions.get(key)
        unchanged = not full and old is not None and old.body == body
        version = SegmentVersion(
            old.seq if unchanged and old else seq,
            body,
            frozenset(context.sink.referenced),
            frozenset(pickler.depends_on),
            regions_of(tree[key]),
            check_body,
            pickler.memo.copy(),
        )
        index.record(key, version)
        if not unchanged:
            entries.append((key, body))
    return entries


def verify_unchanged(context: PickleContext, tree: BackendTree, report_to: Path) -> None:
    """For tests (it pickles everything): raise UnseenChange if a saved service differs from
    its last saved version (a write changed it without touching its ``BackendDict``), or if
    two services both save one object (a reload would bring back two objects)."""
    saved_by: dict[int, SegmentKey] = {}
    memos = []  # held, so that no object's id is reused while they are compared
    for key, saved in list(context.index.versions.items()):
        backends = {
            account: {r: b for r, b in regions.items() if (account, r) in saved.regions}
            for account, regions in tree.get(key, {}).items()
        }
        now, memo = normalized_with_memo(context, key, backends)
        memos.append(memo)
        for object_id, (_, obj) in memo.items():
            if shareable(obj) and saved_by.setdefault(object_id, key) != key:
                raise UnseenChange(
                    f"one {type(obj).__name__} is saved by both {saved_by[object_id][0]} and "
                    f"{key[0]}: a reload would bring back two ({reprlib.repr(obj)})"
                )
        if key[0].startswith(CHANGES_OUTSIDE_REQUESTS):
            continue  # changed by its own threads at any moment; saved at every commit
        if now != saved.check_body:
            for name, data in (("saved", saved.check_body), ("now", now)):
                (report_to / f"unseen-{key[0]}.{name}.pickle").write_bytes(data)
            raise UnseenChange(f"{key[0]} changed, but no write touched it")


def remember_check_bodies(context: PickleContext, tree: BackendTree) -> None:
    """After a load: what each saved service looks like to ``verify_unchanged``."""
    for key, saved in context.index.versions.items():
        saved.check_body = normalized(context, key, tree.get(key, {}))


def context_for(
    index: ObjectIndex, sink: Any, events: Any, bodies: Any, tree: BackendTree
) -> PickleContext:
    return PickleContext(index, sink, events, bodies, roots_of(tree), segments=frozenset(tree))


def roots_of(tree: BackendTree) -> dict[int, RootRef]:
    return {
        id(backend): RootRef(key[0], key[1], account, region)
        for key, accounts in tree.items()
        for account, regions in accounts.items()
        for region, backend in regions.items()
    }


def normalized(context: PickleContext, key: SegmentKey, backends: dict[str, Any]) -> bytes:
    return normalized_with_memo(context, key, backends)[0]


def normalized_with_memo(
    context: PickleContext, key: SegmentKey, backends: dict[str, Any]
) -> tuple[bytes, dict[int, tuple[int, Any]]]:
    buffer = io.BytesIO()
    pickler = NormalizedPickler(buffer, context, key)
    pickler.dump(segment_state(backends))
    return buffer.getvalue(), pickler.memo.copy()


def regions_of(backends: dict[str, dict[str, Any]]) -> frozenset[tuple[str, str]]:
    pairs = ((account, region) for account, regions in backends.items() for region in regions)
    return frozenset(pairs)
