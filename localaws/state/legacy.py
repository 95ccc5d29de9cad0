"""The state format before the journal (schema 1): one ``snapshot.bin`` of every service.

Read once to migrate it: the store loads it, writes it as a journal record and removes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localaws.state.journal import CorruptStateError, parse_header
from localaws.state.snapshot import BackendTree, load_backends

LEGACY_SCHEMA = 1


def read_legacy_header(snapshot: Path) -> tuple[dict[str, Any], bytes]:
    raw = snapshot.read_bytes()
    header, start = parse_header(raw)
    return header, raw[start:]


def load_legacy_snapshot(snapshot: Path, read_blob: Callable[[str], bytes]) -> BackendTree:
    """The backends a schema-1 snapshot holds; CorruptStateError if it is damaged."""
    header, body = read_legacy_header(snapshot)
    if hashlib.sha256(body).hexdigest() != header.get("sha256"):
        raise CorruptStateError("its checksum does not match (a torn or edited file)")
    return load_backends(body, read_blob)
