"""The files of a saved state: which to read, in what order, and what they hold together.

``base-<n>.log`` is the compacted state; ``journal-<n>.log`` and later journals hold what
was written since. A record read twice (in a base compacted from a journal a crash left
behind) is applied once: records are numbered, and a number already seen is skipped.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localaws import __version__
from localaws.errors import StateFormatError
from localaws.state import crash_points
from localaws.state.files import write_atomically
from localaws.state.journal import (
    SCHEMA_VERSION,
    CorruptStateError,
    encode_record,
    file_header,
    read_record_file,
)
from localaws.state.legacy import read_legacy_header
from localaws.state.segments import SegmentKey
from localaws.state.statedir import StateDirLayout


def file_number(path: Path) -> int:
    return int(path.stem.rpartition("-")[2])


def state_files(layout: StateDirLayout) -> tuple[Path | None, list[Path]]:
    """The newest base and the journals that follow it, oldest first."""
    bases = sorted(layout.state.glob("base-*.log"), key=file_number)
    base = bases[-1] if bases else None
    start = file_number(base) if base else 0
    journals = [p for p in layout.state.glob("journal-*.log") if file_number(p) >= start]
    return base, sorted(journals, key=file_number)


def check_header(header: dict[str, Any], path: Path) -> None:
    schema = header.get("schema")
    if not isinstance(schema, int):
        raise CorruptStateError("its schema version is missing")
    if schema > SCHEMA_VERSION:
        raise StateFormatError(
            f"the state in {path.parent} was written by a newer localaws "
            f"({header.get('localaws', '?')}, state schema {schema}); this localaws "
            f"({__version__}) reads schema {SCHEMA_VERSION}.",
            "Use the newer localaws, or run 'localaws reset --yes' to move it aside.",
        )


def check_state_files(layout: StateDirLayout) -> None:
    """Raise StateFormatError or CorruptStateError unless every state file is ours to read."""
    base, journals = state_files(layout)
    paths = [p for p in (layout.snapshot, base, *journals) if p is not None and p.exists()]
    for path in paths:
        check_header(read_legacy_header(path)[0], path)


@dataclass
class SavedState:
    """Each segment's latest stored version, as (sequence, position in its record, bytes)."""

    latest: dict[SegmentKey, tuple[int, int, bytes]] = field(default_factory=dict)
    last_seq: int = 0
    notices: list[str] = field(default_factory=list)
    #: Where the newest journal's whole records end, when a torn record follows them.
    torn_at: int | None = None
    journal_number: int = 0
    base_size: int = 0


def read_saved_state(layout: StateDirLayout) -> SavedState:
    for leftover in layout.state.glob(".*.tmp"):  # a base a crash left half-written
        leftover.unlink()
    base, journals = state_files(layout)
    saved = SavedState(base_size=base.stat().st_size if base else 0)
    files = [p for p in (base, *journals) if p is not None]
    for path in files:
        read = read_record_file(path)
        check_header(read.header, path)
        for record in read.records:
            if record.seq <= saved.last_seq:  # also in a base compacted from this journal
                continue
            saved.last_seq = record.seq
            full, entries = pickle.loads(record.payload)
            if full:
                saved.latest.clear()
            for position, (key, body) in enumerate(entries):
                saved.latest[key] = (record.seq, position, body)
        if read.torn_tail:
            saved.notices.append(f"{read.torn_tail}; that unacknowledged write was dropped")
            if path == files[-1] and path != base:
                saved.torn_at = read.records[-1].end if read.records else None
    saved.journal_number = file_number(files[-1]) if files else 0
    return saved


def write_base(path: Path, versions: list[tuple[int, SegmentKey, bytes]]) -> int:
    """Write a base holding ``versions`` (sequence, segment, bytes); its size."""
    by_seq: dict[int, list[tuple[SegmentKey, bytes]]] = {}
    for seq, key, body in versions:
        by_seq.setdefault(seq, []).append((key, body))
    chunks = [file_header()]
    for seq in sorted(by_seq):
        chunks.append(encode_record(seq, pickle.dumps((False, by_seq[seq]), protocol=5)))
    data = b"".join(chunks)
    if crash_points.due("compaction-before-rename"):
        path.with_name(f".{path.name}.{os.getpid()}.tmp").write_bytes(data)
        crash_points.crash()
    write_atomically(path, data)
    return len(data)


def fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
