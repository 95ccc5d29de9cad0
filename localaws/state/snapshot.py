"""Turn moto's in-memory backends into bytes and back.

Every moto service keeps its state in a ``BackendDict`` (account -> region -> backend). A
snapshot pickles the backends of every service in use, in one pickle so that references between
services (a CloudFormation stack and the bucket it made) survive. Large byte and text values
(object bodies, function and layer zips) go to a content-addressed blob store instead, so a
snapshot stays small and a blob is written once however many snapshots refer to it.

A few moto objects do not pickle as they are; the reducers below give them state hooks:
thread locks (recreated unlocked), the ``WeakValueDictionary`` Lambda keeps its ARNs in, and
defaultdicts built by lambdas or subclassed with their own ``__init__`` (SSM).
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import importlib
import io
import pickle
import sys
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: Values at least this large are stored as blobs rather than inside the snapshot.
BLOB_THRESHOLD = 64 * 1024

BackendTree = dict[tuple[str, str], dict[str, dict[str, Any]]]


def _new_lock() -> Any:
    return threading.Lock()


def _new_rlock() -> Any:
    return threading.RLock()


def _new_weak_value_dict(items: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    return weakref.WeakValueDictionary(items)


_PLAIN_TYPES = (dict, list, set, int, str)


def _picklable_factory(factory: Callable[[], Any] | None) -> Callable[[], Any] | None:
    """A lambda factory as the plain type it builds, or as ``partial(defaultdict, ...)`` when it
    builds an empty defaultdict (SSM keeps tags in ``defaultdict(lambda: defaultdict(dict))``)."""
    if factory is None or getattr(factory, "__name__", "") != "<lambda>":
        return factory
    sample = factory()
    if type(sample) in _PLAIN_TYPES and not sample:
        return type(sample)
    if type(sample) is defaultdict and not sample:
        return functools.partial(defaultdict, _picklable_factory(sample.default_factory))
    raise pickle.PicklingError(f"cannot persist a defaultdict built by {factory!r}")


def _reduce_defaultdict(value: defaultdict[Any, Any]) -> Any:
    """A defaultdict whose factory is a lambda pickles with an equivalent picklable factory."""
    factory = _picklable_factory(value.default_factory)
    return (defaultdict, (factory,), None, None, iter(value.items()))


def _new_defaultdict_subclass(cls: type, factory: Callable[[], Any] | None) -> Any:
    value: defaultdict[Any, Any] = defaultdict.__new__(cls)
    defaultdict.__init__(value, factory)
    return value


def _reduce_defaultdict_subclass(value: defaultdict[Any, Any]) -> Any:
    """A defaultdict subclass whose ``__init__`` takes other arguments (SSM's ``ParameterDict``):
    rebuilt without calling it, then given its attributes and items back."""
    factory = _picklable_factory(value.default_factory)
    state = dict(vars(value)) or None
    return (_new_defaultdict_subclass, (type(value), factory), state, None, iter(value.items()))


_REDUCERS: dict[type, Callable[[Any], Any]] = {
    defaultdict: _reduce_defaultdict,
    type(threading.Lock()): lambda _lock: (_new_lock, ()),
    type(threading.RLock()): lambda _lock: (_new_rlock, ()),
    weakref.WeakValueDictionary: lambda wvd: (_new_weak_value_dict, (dict(wvd),)),
}


@dataclass(frozen=True)
class BlobRef:
    """A reference from a snapshot to a blob: its SHA-256 and whether it was text."""

    digest: str
    is_text: bool


class BlobSink:
    """Where a snapshot puts its large values; remembers digests of values it has seen."""

    def __init__(self, write_blob: Callable[[str, bytes], None]) -> None:
        self._write_blob = write_blob
        self._known: dict[int, tuple[object, BlobRef]] = {}
        self._seen: set[int] = set()
        self.referenced: set[str] = set()

    def begin(self) -> None:
        self.referenced = set()
        self._seen = set()

    def ref_for(self, value: bytes | str) -> BlobRef:
        cached = self._known.get(id(value))
        if cached is not None and cached[0] is value:
            ref = cached[1]
        else:
            data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
            ref = BlobRef(hashlib.sha256(data).hexdigest(), isinstance(value, str))
            self._write_blob(ref.digest, data)
            # Holding the value keeps its id from being reused while the entry exists.
            self._known[id(value)] = (value, ref)
        self.referenced.add(ref.digest)
        self._seen.add(id(value))
        return ref

    def forget(self, digests: set[str]) -> None:
        """Forget values stored as one of ``digests`` (deleted blobs): written again if used."""
        self._known = {k: v for k, v in self._known.items() if v[1].digest not in digests}

    def forget_unseen(self) -> None:
        """Drop cached digests of values the last snapshot no longer contained."""
        self._known = {k: v for k, v in self._known.items() if k in self._seen}


class _SnapshotPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, sink: BlobSink) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._sink = sink
        self.dispatch_table = copyreg.dispatch_table.copy()
        self.dispatch_table.update(_REDUCERS)

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, defaultdict) and type(obj) is not defaultdict:
            return _reduce_defaultdict_subclass(obj)
        return NotImplemented

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) in (bytes, str) and len(obj) >= BLOB_THRESHOLD:
            return self._sink.ref_for(obj)
        return None


#: Classes of localaws's own that snapshots name, at the paths they had before they moved.
MOVED_CLASSES = {
    ("localaws.executor.async_queue", "AsyncEvent"): ("localaws.events.async_queue", "AsyncEvent"),
    ("localaws.executor.async_queue", "AsyncQueueBackend"): (
        "localaws.moto_glue.event_queue",
        "AsyncQueueBackend",
    ),
}


#: Backend dicts of localaws's own, by the (module, attribute) older snapshots name them with.
MOVED_BACKEND_DICTS = {
    ("localaws.executor.async_queue", "async_queue_backends"): (
        "localaws.moto_glue.event_queue",
        "async_queue_backends",
    ),
}


class _SnapshotUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, read_blob: Callable[[str], bytes]) -> None:
        super().__init__(file)
        self._read_blob = read_blob

    def find_class(self, module: str, name: str) -> Any:
        module, name = MOVED_CLASSES.get((module, name), (module, name))
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        if not isinstance(pid, BlobRef):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        data = self._read_blob(pid.digest)
        return data.decode("utf-8", "surrogatepass") if pid.is_text else data


_KEYS: dict[int, tuple[Any, tuple[str, str]]] = {}


def backend_dict_key(backend_dict: Any) -> tuple[str, str] | None:
    """The (module, attribute) a ``BackendDict`` is known by, or None for one no module holds."""
    cached = _KEYS.get(id(backend_dict))
    if cached is not None and cached[0] is backend_dict:
        return cached[1]
    module_name = backend_dict.backend.__module__
    for attribute, value in vars(sys.modules[module_name]).items():
        if value is backend_dict:
            _KEYS[id(backend_dict)] = (backend_dict, (module_name, attribute))
            return module_name, attribute
    return None


def _backend_dicts_in_use() -> Iterable[tuple[tuple[str, str], Any]]:
    """Yield ((module, attribute), BackendDict) for every moto service holding state."""
    from moto.core.base_backend import BackendDict

    for backend_dict in list(BackendDict._instances):  # type: ignore[misc]
        key = backend_dict_key(backend_dict)
        if key is not None:
            yield key, backend_dict


def capture_backends() -> BackendTree:
    """The state of every moto service in use, as plain nested dicts."""
    tree: BackendTree = {}
    for key, backend_dict in _backend_dicts_in_use():
        accounts = list(dict.items(backend_dict))  # not through the recording accessors
        tree[key] = {account: dict(dict.items(regions)) for account, regions in accounts}
    return tree


def install_backends(tree: BackendTree) -> None:
    """Put restored backends into moto's ``BackendDict`` objects."""
    for key, accounts in tree.items():
        module_name, attribute = MOVED_BACKEND_DICTS.get(key, key)
        backend_dict = getattr(importlib.import_module(module_name), attribute)
        for account, regions in accounts.items():
            account_backends = backend_dict[account]
            for region, backend in regions.items():
                dict.__setitem__(account_backends, region, backend)


def dump_backends(tree: BackendTree, sink: BlobSink) -> bytes:
    buffer = io.BytesIO()
    _SnapshotPickler(buffer, sink).dump(tree)
    return buffer.getvalue()


def load_backends(data: bytes, read_blob: Callable[[str], bytes]) -> BackendTree:
    tree: BackendTree = _SnapshotUnpickler(io.BytesIO(data), read_blob).load()
    return tree
