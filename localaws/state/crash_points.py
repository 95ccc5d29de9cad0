"""Test-only crash points: ``LOCALAWS_CRASH_AT=name[:n]`` kills this process (SIGKILL, as
``kill -9`` would) the n-th time (default: the first) the named point is reached.

Points: ``journal-append`` (half of a record written), ``compaction-before-rename`` (the new
base written under its temporary name), ``compaction-before-cleanup`` (the new base in place,
the files it replaces not yet removed).
"""

from __future__ import annotations

import os
import signal
import threading

_counts: dict[str, int] = {}
_lock = threading.Lock()


def _armed_at() -> tuple[str, int] | None:
    setting = os.environ.get("LOCALAWS_CRASH_AT", "")
    if not setting:
        return None
    name, _, count = setting.partition(":")
    return name, int(count or 1)


def due(name: str) -> bool:
    """True when this arrival at ``name`` is the one to crash at."""
    armed = _armed_at()
    if armed is None or armed[0] != name:
        return False
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        return _counts[name] == armed[1]


def crash() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def reached(name: str) -> None:
    """Crash here if this is the armed point and arrival."""
    if due(name):
        crash()
