"""One service's state as bytes, without copying what belongs to another service.

A segment is one moto service (one ``BackendDict``: every account and region), pickled on
its own so that a write re-pickles only the services it touched. Persistent ids keep the
pickle small and keep shared objects shared:

- ``RootRef``: a service backend (one account and region) is always named, never copied;
  its own segment carries its attributes. A Lambda function's reference to the Logs backend
  is then no reason to re-pickle Lambda when logs change.
- ``XRef``: an object another segment pickled (the bucket a CloudFormation stack made, the
  event source mapping a queue holds) is named by where it was pickled: sequence number,
  segment and memo index. A segment that names another's objects is re-pickled whenever that
  one is (``ObjectIndex.dependents``), so every name points at the version that is read back.
- ``EventsRef``: CloudWatch Logs events and CloudWatch metric data points go to
  content-addressed blobs in chunks; a full chunk is written once, so they cost a write in
  proportion to what is new, not to what is kept.
- ``BlobRef`` (snapshot.py): large strings and bytes.
"""

from __future__ import annotations

import io
import pickle
import types
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from localaws.state.s3_values import BodyCache
from localaws.state.snapshot import BLOB_THRESHOLD, MOVED_BACKEND_DICTS, BlobRef
from localaws.state.snapshot import _SnapshotPickler as _BasePickler
from localaws.state.snapshot import _SnapshotUnpickler as _BaseUnpickler

#: Log events per blob chunk.
EVENTS_PER_CHUNK = 512
#: The tail after the last whole chunk is pickled in groups of this many (see EventChunker).
TAIL_GROUP = 32

SegmentKey = tuple[str, str]


@dataclass(frozen=True)
class RootRef:
    module: str
    attribute: str
    account: str
    region: str


@dataclass(frozen=True)
class XRef:
    seq: int
    segment: SegmentKey
    index: int


@dataclass(frozen=True)
class EventsRef:
    chunks: tuple[str, ...]
    #: The items after the last whole chunk, pickled in groups of ``TAIL_GROUP`` (one bytes
    #: value for all of them in commits written before the groups).
    tail: tuple[bytes, ...] | bytes


_CONTAINERS = (dict, list, set, deque, defaultdict)
_NOT_SHARED = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def shareable(obj: Any) -> bool:
    """Objects whose identity matters: containers and instances with attributes."""
    if isinstance(obj, _CONTAINERS):
        return True
    return (
        hasattr(obj, "__dict__")
        and not isinstance(obj, _NOT_SHARED)
        and type(obj) not in (RootRef, XRef, EventsRef, BlobRef)
    )


@dataclass
class SegmentVersion:
    """Where a segment's current version was written, what it names, and its bytes' digest."""

    seq: int
    body: bytes
    blobs: frozenset[str]
    depends_on: frozenset[SegmentKey]
    regions: frozenset[tuple[str, str]] = frozenset()
    #: The segment as NormalizedPickler writes it (only when commits are checked).
    check_body: bytes = b""
    #: The pickle's memo: id(object) -> (memo index, object); holding the objects keeps ids
    #: from being reused while the version is current.
    memo: dict[int, tuple[int, Any]] = field(default_factory=dict)


class ObjectIndex:
    """Each segment's current version, where its objects were pickled, who names whose."""

    def __init__(self) -> None:
        self.versions: dict[SegmentKey, SegmentVersion] = {}

    def dependents(self, segments: Iterable[SegmentKey]) -> set[SegmentKey]:
        """``segments`` and every segment that names their objects, transitively."""
        closure = set(segments)
        grew = True
        while grew:
            grew = False
            for key, version in self.versions.items():
                if key not in closure and version.depends_on & closure:
                    closure.add(key)
                    grew = True
        return closure

    def record(self, key: SegmentKey, version: SegmentVersion) -> None:
        self.versions[key] = version

    def where(self, segment: SegmentKey, obj: Any) -> XRef | None:
        """Where ``segment``'s current version pickled ``obj``, if it did."""
        version = self.versions.get(segment)
        entry = version.memo.get(id(obj)) if version is not None else None
        if entry is None or entry[1] is not obj:
            return None
        return XRef(version.seq, segment, entry[0])  # type: ignore[union-attr]

    def forget(self) -> None:
        self.versions.clear()


@dataclass
class _ChunkedList:
    """What was last written for one list: its chunks, and its tail as bytes."""

    items: list[Any]
    segment: SegmentKey
    chunks: list[str]
    first: Any
    boundary: Any  # the last item of the last whole chunk
    tail_items: tuple[Any, ...]  # held, so their ids stay theirs while their bytes are kept
    tail: tuple[bytes, ...]


class EventChunker:
    """Writes lists of log events or metric data points as chunk blobs. Their items are only
    ever appended (retention removes from the front): when the first item and the last item
    of the chunks written are still in place, those chunks are kept, and only new ones are
    written; the tail is pickled in small groups, and a group already written keeps its bytes."""

    def __init__(self, write_blob: Callable[[bytes], str]) -> None:
        self._write_blob = write_blob
        self._lists: dict[int, _ChunkedList] = {}

    def ref_for(self, items: list[Any], used: set[str], segment: SegmentKey) -> EventsRef:
        known = self._lists.get(id(items))
        if known is None or known.items is not items or not _prefix_kept(items, known):
            known = None
        chunks = list(known.chunks) if known else []
        whole = len(items) - len(items) % EVENTS_PER_CHUNK
        for start in range(len(chunks) * EVENTS_PER_CHUNK, whole, EVENTS_PER_CHUNK):
            part = items[start : start + EVENTS_PER_CHUNK]
            chunks.append(self._write_blob(pickle.dumps(part, protocol=5)))
        tail_items = tuple(items[whole:])
        earlier = (known.tail_items, known.tail) if known else ((), ())
        tail = _pickled_groups(tail_items, *earlier)
        first = items[0] if items else None
        boundary = items[whole - 1] if whole else None
        entry = _ChunkedList(items, segment, chunks, first, boundary, tail_items, tail)
        self._lists[id(items)] = entry
        used.update(chunks)
        return EventsRef(tuple(chunks), tail)

    def forget(self, digests: set[str]) -> None:
        """Forget lists with a chunk among ``digests`` (deleted blobs): written again if used."""
        self._lists = {
            key: entry
            for key, entry in self._lists.items()
            if not any(digest in digests for digest in entry.chunks)
        }

    def keep_only(self, segment: SegmentKey, lists: set[int]) -> None:
        """Forget the lists ``segment`` no longer holds (a deleted stream, an emptied one)."""
        self._lists = {
            key: entry
            for key, entry in self._lists.items()
            if entry.segment != segment or key in lists
        }


def _pickled_groups(
    items: tuple[Any, ...], earlier: tuple[Any, ...], earlier_groups: tuple[bytes, ...]
) -> tuple[bytes, ...]:
    """``items`` pickled in groups of ``TAIL_GROUP``: a group of the same objects as an
    earlier commit's keeps its bytes, so a commit pickles at most one group anew (the last).
    ``earlier`` holds the objects, so their ids cannot be reused while their bytes are kept."""
    kept = {
        (id(earlier[n]), len(earlier[n : n + TAIL_GROUP])): (earlier[n : n + TAIL_GROUP], part)
        for n, part in zip(range(0, len(earlier), TAIL_GROUP), earlier_groups, strict=True)
    }
    groups = []
    for start in range(0, len(items), TAIL_GROUP):
        group = items[start : start + TAIL_GROUP]
        known = kept.get((id(group[0]), len(group)))
        same = known is not None and all(a is b for a, b in zip(known[0], group, strict=True))
        groups.append(known[1] if same and known else pickle.dumps(list(group), protocol=5))
    return tuple(groups)


def _prefix_kept(items: list[Any], known: _ChunkedList) -> bool:
    whole = len(known.chunks) * EVENTS_PER_CHUNK
    if whole == 0:
        return True
    return len(items) >= whole and items[0] is known.first and items[whole - 1] is known.boundary


def _fake_key_class() -> Any:
    from moto.s3.models import FakeKey

    return FakeKey


def _append_only_classes() -> frozenset[type]:
    """Items that are only ever appended, never changed: log events and metric data points."""
    from moto.cloudwatch.models import MetricAggregatedDatum, MetricDatum
    from moto.logs.models import LogEvent

    return frozenset({LogEvent, MetricDatum, MetricAggregatedDatum})


class SegmentPickler(_BasePickler):
    """Pickles one segment, naming what belongs elsewhere (see the module docstring)."""

    def __init__(self, file: io.BytesIO, context: PickleContext, key: SegmentKey) -> None:
        super().__init__(file, context.sink)
        self._context = context
        self._key = key
        self._append_only = _append_only_classes()
        self._fake_key_class = _fake_key_class()
        self.depends_on: set[SegmentKey] = set()
        self.event_lists: set[int] = set()

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is self._fake_key_class:
            return self._context.bodies.reduce(obj, self._stored_body)
        return super().reducer_override(obj)

    def _stored_body(self, value: bytes) -> Any:
        return self._context.sink.ref_for(value) if len(value) >= BLOB_THRESHOLD else value

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is str or kind is bytes:
            return self._context.sink.ref_for(obj) if len(obj) >= BLOB_THRESHOLD else None
        if kind is BlobRef:  # a body stored at an earlier commit (s3_values.BodyCache)
            self._context.sink.referenced.add(obj.digest)
            return obj
        if kind in (int, float, bool, tuple, type(None)):
            return None
        context = self._context
        root = context.roots.get(id(obj))
        if root is not None:
            return root
        if kind is list and obj and type(obj[0]) in self._append_only:
            self.event_lists.add(id(obj))
            return context.events.ref_for(obj, context.sink.referenced, self._key)
        owner = context.owner_of(kind)
        if owner is not None and owner != self._key and owner not in context.pending:
            where = context.index.where(owner, obj)
            if where is not None:
                self.depends_on.add(owner)
                return where
        return None


@dataclass
class PickleContext:
    """What pickling segments needs: the object index, backend roots, blob and event sinks."""

    index: ObjectIndex
    sink: Any
    events: EventChunker
    bodies: BodyCache
    roots: dict[int, RootRef] = field(default_factory=dict)
    pending: set[SegmentKey] = field(default_factory=set)
    #: Every segment in use (those not saved yet too).
    segments: frozenset[SegmentKey] = frozenset()
    _owners: dict[type, SegmentKey | None] = field(default_factory=dict)

    def owner_of(self, kind: type) -> SegmentKey | None:
        """The segment an object of class ``kind`` belongs to: the service whose package
        defines the class (an event source mapping belongs to Lambda, a bucket to S3)."""
        if kind in self._owners:
            return self._owners[kind]
        module = getattr(kind, "__module__", "") or ""
        owner = None
        if module.startswith("moto."):
            packages = {key: key[0].rsplit(".", 1)[0] + "." for key in self.segments}
            matching = [key for key, package in packages.items() if module.startswith(package)]
            owner = max(matching, key=lambda key: len(packages[key]), default=None)
        self._owners[kind] = owner
        return owner


def segment_state(backends: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What a segment's pickle holds: each backend's attributes, by account and region."""
    return {
        account: {region: vars(backend) for region, backend in regions.items()}
        for account, regions in backends.items()
        if regions  # a read can make an account with no backends: nothing to keep
    }


class SegmentUnpickler(_BaseUnpickler):
    """Reads one segment back; names are resolved against what was read before it."""

    def __init__(self, data: bytes, loader: SegmentLoader) -> None:
        super().__init__(io.BytesIO(data), loader.read_blob)
        self._loader = loader
        self.blobs: set[str] = set()
        self.named: set[SegmentKey] = set()

    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, RootRef):
            return self._loader.root(pid)
        if isinstance(pid, XRef):
            self.named.add(pid.segment)
            return self._loader.memos[(pid.seq, pid.segment)][pid.index]
        if isinstance(pid, EventsRef):
            return self._loader.events(pid, self.blobs)
        if isinstance(pid, BlobRef):
            self.blobs.add(pid.digest)
        return super().persistent_load(pid)


class SegmentLoader:
    """Turns segment pickles back into backends, keeping roots and shared objects shared."""

    def __init__(self, read_blob: Callable[[str], bytes]) -> None:
        self.read_blob = read_blob
        self.roots: dict[RootRef, Any] = {}
        self.filled: set[RootRef] = set()
        self.memos: dict[tuple[int, SegmentKey], dict[int, Any]] = {}

    def root(self, ref: RootRef) -> Any:
        backend = self.roots.get(ref)
        if backend is None:
            cls = _backend_dict(ref.module, ref.attribute).backend
            backend = self.roots[ref] = cls.__new__(cls)
        return backend

    def events(self, ref: EventsRef, blobs: set[str]) -> list[Any]:
        items: list[Any] = []
        for digest in ref.chunks:
            blobs.add(digest)
            items.extend(pickle.loads(self.read_blob(digest)))
        if isinstance(ref.tail, bytes):  # written before per-item tails
            items.extend(pickle.loads(ref.tail))
        else:
            for part in ref.tail:
                items.extend(pickle.loads(part))
        return items

    def load(
        self, seq: int, key: SegmentKey, body: bytes
    ) -> tuple[dict[int, Any], set[str], set[SegmentKey]]:
        """Read one segment version; (its memo, the blobs and the segments it names)."""
        unpickler = SegmentUnpickler(body, self)
        state: dict[str, dict[str, dict[str, Any]]] = unpickler.load()
        module, attribute = key
        for account, regions in state.items():
            for region, attributes in regions.items():
                ref = RootRef(module, attribute, account, region)
                backend = self.root(ref)
                backend.__dict__.clear()
                backend.__dict__.update(attributes)
                self.filled.add(ref)
        memo: dict[int, Any] = unpickler.memo.copy()
        self.memos[(seq, key)] = memo
        return memo, unpickler.blobs, unpickler.named

    def regions_of(self, key: SegmentKey) -> set[tuple[str, str]]:
        return {(r.account, r.region) for r in self.filled if (r.module, r.attribute) == key}

    def install(self) -> None:
        """Put every backend read into moto's ``BackendDict`` objects."""
        for ref, backend in self.roots.items():
            if ref not in self.filled:  # named by another service, never saved itself
                backend.__init__(ref.region, account_id=ref.account)
            account_backends = _backend_dict(ref.module, ref.attribute)[ref.account]
            dict.__setitem__(account_backends, ref.region, backend)


def _backend_dict(module: str, attribute: str) -> Any:
    import importlib

    module, attribute = MOVED_BACKEND_DICTS.get((module, attribute), (module, attribute))
    return getattr(importlib.import_module(module), attribute)
