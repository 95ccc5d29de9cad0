"""The snapshot file and its blobs: versioned, checksummed, written atomically.

``state/snapshot.bin`` is one JSON header line (format, schema version, versions, SHA-256 of the
body) followed by the pickled backends; ``state/blobs/<sha256>`` hold the large values. A
snapshot is replaced only after its blobs are durable, and blobs are deleted only after a
snapshot that no longer needs them is durable, so a crash at any point leaves a readable state.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from localaws import __version__
from localaws.errors import StateFormatError
from localaws.state.files import fsync_directory, write_atomically
from localaws.state.snapshot import BackendTree, BlobSink, dump_backends, load_backends
from localaws.state.statedir import StateDirLayout

FORMAT_NAME = "localaws-state"
SCHEMA_VERSION = 1


class CorruptStateError(Exception):
    """The saved state cannot be read back; the reason is the message."""


@dataclass
class LoadResult:
    """What was found in the state directory."""

    tree: BackendTree | None
    moved_aside_to: Path | None = None
    reason: str = ""


def read_header(snapshot: Path) -> tuple[dict[str, Any], bytes]:
    """Split a snapshot file into its header and body; CorruptStateError if it is not one."""
    raw = snapshot.read_bytes()
    first_line, _, body = raw.partition(b"\n")
    try:
        header = json.loads(first_line)
    except ValueError as error:
        raise CorruptStateError("its header is not readable") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise CorruptStateError("it is not a localaws state file")
    return header, body


def check_schema(header: dict[str, Any], snapshot: Path) -> None:
    schema = header.get("schema")
    if not isinstance(schema, int):
        raise CorruptStateError("its schema version is missing")
    if schema > SCHEMA_VERSION:
        raise StateFormatError(
            f"the state in {snapshot.parent} was written by a newer localaws "
            f"({header.get('localaws', '?')}, state schema {schema}); this localaws "
            f"({__version__}) reads schema {SCHEMA_VERSION}.",
            "Use the newer localaws, or run 'localaws reset --yes' to move it aside.",
        )


class SnapshotStore:
    """Reads and writes the snapshot of moto's backends in a state directory."""

    def __init__(self, layout: StateDirLayout) -> None:
        self.layout = layout
        self._blob_names = {path.name for path in layout.blobs.glob("*") if len(path.name) == 64}
        self._blobs_unsynced = False
        self._last_body_digest: str | None = None
        self.sink = BlobSink(self._write_blob)
        self.snapshots_written = 0
        self.last_written_at: float | None = None

    def _write_blob(self, digest: str, data: bytes) -> None:
        if digest in self._blob_names:
            return
        write_atomically(self.layout.blobs / digest, data, sync_directory=False)
        self._blob_names.add(digest)
        self._blobs_unsynced = True

    def _read_blob(self, digest: str) -> bytes:
        try:
            data = (self.layout.blobs / digest).read_bytes()
        except OSError as error:
            raise CorruptStateError(f"blob {digest[:12]} is missing") from error
        if hashlib.sha256(data).hexdigest() != digest:
            raise CorruptStateError(f"blob {digest[:12]} does not match its checksum")
        return data

    def save(self, tree: BackendTree) -> bool:
        """Write ``tree`` durably; False when it equals the last snapshot written."""
        self.sink.begin()
        body = dump_backends(tree, self.sink)
        body_digest = hashlib.sha256(body).hexdigest()
        if body_digest == self._last_body_digest:
            return False
        if self._blobs_unsynced:
            fsync_directory(self.layout.blobs)
            self._blobs_unsynced = False
        header = {
            "format": FORMAT_NAME,
            "schema": SCHEMA_VERSION,
            "localaws": __version__,
            "moto": version("moto"),
            "written_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "sha256": body_digest,
        }
        write_atomically(self.layout.snapshot, json.dumps(header).encode() + b"\n" + body)
        self._last_body_digest = body_digest
        self.snapshots_written += 1
        self.last_written_at = time.time()
        self._delete_unreferenced_blobs()
        self.sink.forget_unseen()
        return True

    def _delete_unreferenced_blobs(self) -> None:
        for digest in self._blob_names - self.sink.referenced:
            (self.layout.blobs / digest).unlink(missing_ok=True)
        self._blob_names &= self.sink.referenced

    def load(self) -> LoadResult:
        """Read the saved state; corrupt state is moved aside, too-new state refused."""
        snapshot = self.layout.snapshot
        if not snapshot.exists():
            return LoadResult(tree=None)
        try:
            header, body = read_header(snapshot)
            check_schema(header, snapshot)
            if hashlib.sha256(body).hexdigest() != header.get("sha256"):
                raise CorruptStateError("its checksum does not match (a torn or edited file)")
            tree = load_backends(body, self._read_blob)
        except StateFormatError:
            raise
        except CorruptStateError as error:
            return self._move_aside(str(error))
        except Exception as error:  # an unpickling failure can raise almost anything
            return self._move_aside(f"it could not be loaded ({type(error).__name__}: {error})")
        self._last_body_digest = header["sha256"]
        return LoadResult(tree=tree)

    def _move_aside(self, reason: str) -> LoadResult:
        target = self.move_state_aside()
        return LoadResult(tree=None, moved_aside_to=target, reason=reason)

    def move_state_aside(self) -> Path:
        """Move the whole state folder to ``aside/`` and start an empty one."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.layout.aside / f"state-{stamp}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.layout.state), str(target))
        self.layout.blobs.mkdir(parents=True, exist_ok=True)
        self._blob_names = set()
        self._last_body_digest = None
        return target

    def delete_state(self) -> None:
        """Forget all saved state (the user asked for a reset)."""
        shutil.rmtree(self.layout.state, ignore_errors=True)
        self.layout.blobs.mkdir(parents=True, exist_ok=True)
        self._blob_names = set()
        self._last_body_digest = None
