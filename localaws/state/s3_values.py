"""S3 object bodies without re-reading them at every commit.

moto keeps an object's body in a temporary file and its pickled state reads the whole body
back (``FakeKey.__getstate__``), so saving a bucket would read and hash every large body at
every write to it. The body setter here counts changes instead; a body is read and stored
(as a blob) only when it is new or has changed since the last commit.
"""

from __future__ import annotations

import copyreg
from collections.abc import Callable
from typing import Any

_VERSION = "_localaws_value_version"


def install() -> None:
    """Count body changes on every ``FakeKey`` (once per process)."""
    from moto.s3.models import FakeKey

    original: Any = vars(FakeKey)["value"]  # the property itself
    if getattr(original.fset, "_localaws_counts", False):
        return

    def set_value(self: Any, new_value: bytes) -> None:
        original.fset(self, new_value)
        self.__dict__[_VERSION] = self.__dict__.get(_VERSION, 0) + 1

    set_value._localaws_counts = True  # type: ignore[attr-defined]
    FakeKey.value = property(original.fget, set_value, original.fdel, original.__doc__)  # type: ignore[method-assign,assignment]


class BodyCache:
    """The stored form of each object's body, by object and body version."""

    def __init__(self) -> None:
        self._stored: dict[int, tuple[Any, int, Any]] = {}
        self._seen: set[int] = set()

    def __contains__(self, key: Any) -> bool:
        entry = self._stored.get(id(key))
        return entry is not None and entry[0] is key

    def keep_only_seen(self) -> None:
        """Forget the objects not pickled since the last call (deleted ones): holding them
        would keep their bodies in memory."""
        self._stored = {k: entry for k, entry in self._stored.items() if k in self._seen}
        self._seen = set()

    def forget(self, digests: set[str]) -> None:
        """Forget bodies stored as one of ``digests`` (deleted blobs): stored again if used."""
        self._stored = {
            key: entry
            for key, entry in self._stored.items()
            if getattr(entry[2], "digest", None) not in digests
        }

    def reduce(self, key: Any, store: Callable[[bytes], Any]) -> Any:
        """A reduce tuple for ``key``: its state as ``FakeKey.__getstate__`` gives it, with the
        body as ``store`` made it (a blob reference for a large body), read only if changed."""
        state = {k: v for k, v in key.__dict__.items() if k not in ("_value_buffer", "lock")}
        self._seen.add(id(key))
        body_version = key.__dict__.get(_VERSION, 0)
        cached = self._stored.get(id(key))
        if cached is not None and cached[0] is key and cached[1] == body_version:
            state["value"] = cached[2]
        else:
            try:
                value = key.value
            except ValueError:  # the buffer is closed: the key was deleted (as moto does)
                value = b""
            state["value"] = store(value)
            self._stored[id(key)] = (key, body_version, state["value"])
        return (copyreg.__newobj__, (type(key),), state)  # type: ignore[attr-defined]
