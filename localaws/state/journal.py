"""Append-only record files: the journal of writes and the compacted base.

A file is one JSON header line (format, schema, the localaws and moto versions that wrote it)
followed by records. A record is a fixed header (magic, sequence number, payload length,
CRC-32 of the payload) and its payload. A record is appended with one ``write`` before the
write it holds is acknowledged: once in the operating system it survives the process being
killed. A record cut short by a crash (a torn tail) is found by its length or its CRC and
dropped; damage anywhere before the last record means the file is corrupt.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from localaws import __version__
from localaws.state import crash_points

FORMAT_NAME = "localaws-state"
SCHEMA_VERSION = 2
_RECORD = struct.Struct(">4sQII")
_MAGIC = b"LREC"


class CorruptStateError(Exception):
    """The saved state cannot be read back; the reason is the message."""


@dataclass(frozen=True)
class Record:
    """One record: its sequence number and payload, and where it ends in its file."""

    seq: int
    payload: bytes
    end: int


@dataclass
class RecordFile:
    """What was read from one file: its header, its whole records, and any torn tail."""

    header: dict[str, Any]
    records: list[Record]
    torn_tail: str = ""


def file_header() -> bytes:
    header = {
        "format": FORMAT_NAME,
        "schema": SCHEMA_VERSION,
        "localaws": __version__,
        "moto": version("moto"),
        "written_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
    }
    return json.dumps(header).encode() + b"\n"


def encode_record(seq: int, payload: bytes) -> bytes:
    return _RECORD.pack(_MAGIC, seq, len(payload), zlib.crc32(payload)) + payload


def parse_header(raw: bytes) -> tuple[dict[str, Any], int]:
    """The header line of a state file and where the records start; CorruptStateError if none."""
    first_line, newline, _ = raw.partition(b"\n")
    try:
        header = json.loads(first_line) if newline else None
    except ValueError as error:
        raise CorruptStateError("its header is not readable") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise CorruptStateError("it is not a localaws state file")
    return header, len(first_line) + 1


def read_record_file(path: Path) -> RecordFile:
    """Every whole record of ``path``; a damaged last record is reported, not raised."""
    raw = path.read_bytes()
    header, offset = parse_header(raw)
    records: list[Record] = []
    while offset < len(raw):
        problem = _record_problem(raw, offset)
        if problem:
            if _another_record_follows(raw, offset):
                raise CorruptStateError(f"{path.name} is damaged at byte {offset} ({problem})")
            torn = f"{path.name} ends in a torn record at byte {offset} ({problem})"
            return RecordFile(header, records, torn)
        _, seq, length, _ = _RECORD.unpack_from(raw, offset)
        start = offset + _RECORD.size
        offset = start + length
        records.append(Record(seq, raw[start:offset], offset))
    return RecordFile(header, records)


def _record_problem(raw: bytes, offset: int) -> str:
    if len(raw) - offset < _RECORD.size:
        return "its header is cut short"
    magic, _, length, crc = _RECORD.unpack_from(raw, offset)
    if magic != _MAGIC:
        return "no record starts there"
    payload = raw[offset + _RECORD.size : offset + _RECORD.size + length]
    if len(payload) < length:
        return "it is cut short"
    if zlib.crc32(payload) != crc:
        return "its checksum does not match"
    return ""


def _another_record_follows(raw: bytes, offset: int) -> bool:
    """True when a whole, valid record starts after ``offset``: the damage is not a tail."""
    position = raw.find(_MAGIC, offset + 1)
    while position != -1:
        if not _record_problem(raw, position):
            return True
        position = raw.find(_MAGIC, position + 1)
    return False


class JournalWriter:
    """Appends records to one journal file; each ``append`` is one ``write`` to the OS."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fresh = not path.exists() or path.stat().st_size == 0
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if fresh:
            os.write(self._fd, file_header())
        self.size = os.fstat(self._fd).st_size
        self.unsynced = fresh

    def append(self, seq: int, payload: bytes) -> None:
        data = encode_record(seq, payload)
        if crash_points.due("journal-append"):
            os.write(self._fd, data[: len(data) // 2])
            crash_points.crash()
        written = os.write(self._fd, data)
        while written < len(data):  # a short write (a signal, a nearly full disk): go on
            written += os.write(self._fd, data[written:])
        self.size += len(data)
        self.unsynced = True

    def sync(self) -> None:
        if self.unsynced:
            os.fsync(self._fd)
            self.unsynced = False

    def truncate(self, size: int) -> None:
        """Cut a torn tail off before appending after it."""
        os.ftruncate(self._fd, size)
        self.size = size

    def close(self) -> None:
        os.close(self._fd)
