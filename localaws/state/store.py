"""The saved state: a compacted base, a journal of writes since, and content-addressed blobs.

``state/base-<n>.log`` and ``state/journal-<n>.log`` hold records (journal.py); each record is
one commit: the new versions of the services (segments.py) a write changed. Reading the base
and then every journal from the same number on, and keeping each service's latest version,
gives the state. A commit appends one record (one ``write``, no fsync) before the write is
acknowledged; a background thread fsyncs about once a second. When the journal has grown past
the base, the journal is switched to the next number and a new base is written from the
versions in memory, outside every request's lock; only then are the old files removed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from localaws.errors import StateFormatError
from localaws.state import crash_points, s3_values
from localaws.state.commits import (
    UnseenChange,
    context_for,
    pickle_commit,
    remember_check_bodies,
    verify_unchanged,
)
from localaws.state.files import fsync_directory, write_atomically
from localaws.state.journal import CorruptStateError, JournalWriter
from localaws.state.legacy import load_legacy_snapshot, read_legacy_header
from localaws.state.s3_values import BodyCache
from localaws.state.segments import (
    EventChunker,
    ObjectIndex,
    PickleContext,
    SegmentKey,
    SegmentLoader,
    SegmentVersion,
)
from localaws.state.snapshot import BackendTree, BlobSink, capture_backends, install_backends
from localaws.state.statedir import StateDirLayout
from localaws.state.statefiles import (
    check_header,
    check_state_files,
    file_number,
    fsync_path,
    read_saved_state,
    state_files,
    write_base,
)

#: The journal is compacted once it is larger than this and than the base.
COMPACT_AFTER_BYTES = int(os.environ.get("LOCALAWS_COMPACT_AFTER_BYTES", 8 * 1024 * 1024))

__all__ = ["CorruptStateError", "LoadResult", "StateStore", "UnseenChange", "check_state_files"]


@dataclass
class LoadResult:
    """What was found in the state directory."""

    restored: bool
    moved_aside_to: Path | None = None
    reason: str = ""
    notices: tuple[str, ...] = ()


class StateStore:
    """Reads the saved state into moto, and saves what each write changed."""

    def __init__(self, layout: StateDirLayout, verify: bool = False) -> None:
        s3_values.install()
        self.layout = layout
        #: Test-only: after each commit, check that no saved service changed unseen.
        self.verify = verify
        self.index = ObjectIndex()
        self._blob_names = {p.name for p in layout.blobs.glob("*") if len(p.name) == 64}
        self._unsynced_blobs: list[Path] = []
        self.sink = BlobSink(self._write_blob)
        self.events = EventChunker(lambda data: self.sink.ref_for(data).digest)
        self.bodies = BodyCache()
        self._seq = 0
        self._journal: JournalWriter | None = None
        self._number = 0
        self._base_size = 0
        self._mutex = threading.Lock()
        self._compacting = threading.Lock()
        self.records_written = 0
        self.bytes_written = 0
        self.compactions = 0
        self.last_written_at: float | None = None

    # -- blobs ---------------------------------------------------------------------------
    def _write_blob(self, digest: str, data: bytes) -> None:
        if digest in self._blob_names:
            return
        path = self.layout.blobs / digest
        write_atomically(path, data, sync_directory=False, sync_file=False)
        self._blob_names.add(digest)
        self._unsynced_blobs.append(path)
        self.bytes_written += len(data)

    def read_blob(self, digest: str) -> bytes:
        try:
            data = (self.layout.blobs / digest).read_bytes()
        except OSError as error:
            raise CorruptStateError(f"blob {digest[:12]} is missing") from error
        if hashlib.sha256(data).hexdigest() != digest:
            raise CorruptStateError(f"blob {digest[:12]} does not match its checksum")
        return data

    # -- loading -------------------------------------------------------------------------
    def load(self) -> LoadResult:
        """Read the saved state into moto; corrupt state is moved aside, too-new refused."""
        try:
            if self.layout.snapshot.exists():
                return self._migrate_legacy()
            return self._load_records()
        except StateFormatError:
            raise
        except CorruptStateError as error:
            return self._move_aside(str(error))
        except Exception as error:  # an unpickling failure can raise almost anything
            self._refuse_if_other_moto(error)
            return self._move_aside(f"it could not be loaded ({type(error).__name__}: {error})")

    def _refuse_if_other_moto(self, error: Exception) -> None:
        base, journals = state_files(self.layout)
        first = base or (journals[0] if journals else None)
        written_with = read_legacy_header(first)[0].get("moto") if first else None
        if written_with and written_with != version("moto"):
            raise StateFormatError(
                f"the state in {self.layout.state} was written with moto {written_with} and "
                f"cannot be read with moto {version('moto')} ({type(error).__name__}).",
                f"Install moto=={written_with} to use it, or run 'localaws reset --yes' "
                "to move it aside and start empty.",
            ) from error

    def _migrate_legacy(self) -> LoadResult:
        check_header(read_legacy_header(self.layout.snapshot)[0], self.layout.snapshot)
        tree: BackendTree = load_legacy_snapshot(self.layout.snapshot, self.read_blob)
        install_backends(tree)
        self._open_journal(0)
        self.commit_everything(tree.keys())
        self.sync()
        self.layout.snapshot.unlink()
        return LoadResult(restored=True, notices=("the saved state was converted to schema 2",))

    def _load_records(self) -> LoadResult:
        saved = read_saved_state(self.layout)
        self._seq = saved.last_seq
        self._base_size = saved.base_size
        loader = SegmentLoader(self.read_blob)
        for key, (seq, _, body) in sorted(saved.latest.items(), key=lambda item: item[1][:2]):
            memo, blobs, named = loader.load(seq, key, body)
            regions = frozenset(loader.regions_of(key))
            by_id = {id(obj): (index, obj) for index, obj in memo.items()}
            depends_on = frozenset(named - {key})
            version_ = SegmentVersion(seq, body, frozenset(blobs), depends_on, regions, b"", by_id)
            self.index.record(key, version_)
        loader.install()
        if self.verify:
            tree = capture_backends()
            remember_check_bodies(self._context(tree), tree)
        self._open_journal(saved.journal_number, saved.torn_at)
        return LoadResult(restored=bool(saved.latest), notices=tuple(saved.notices))

    def _open_journal(self, number: int, torn_at: int | None = None) -> None:
        self._number = number
        self._journal = JournalWriter(self.layout.state / f"journal-{number}.log")
        if torn_at is not None:
            self._journal.truncate(torn_at)

    def _context(self, tree: BackendTree) -> PickleContext:
        return context_for(self.index, self.sink, self.events, self.bodies, tree)

    def _writer(self) -> JournalWriter:
        """The journal appended to (a new one after a reset or a move aside)."""
        if self._journal is None:
            self._open_journal(self._number)
        assert self._journal is not None
        return self._journal

    def _move_aside(self, reason: str) -> LoadResult:
        target = self.move_state_aside()
        return LoadResult(restored=False, moved_aside_to=target, reason=reason)

    # -- committing ----------------------------------------------------------------------
    def commit(self, touched: Iterable[SegmentKey]) -> bool:
        """Save the services ``touched`` names (and those naming their objects); False when
        none of them changed. The caller holds the exclusive lock."""
        return self._commit(set(touched), full=False)

    def commit_everything(self, keys: Iterable[SegmentKey]) -> bool:
        """Save every service as the whole state (after a reset or a checkpoint's restore)."""
        self.index.forget()
        return self._commit(set(keys), full=True)

    def _commit(self, touched: set[SegmentKey], full: bool) -> bool:
        tree = capture_backends()
        context = self._context(tree)
        seq = self._seq + 1
        entries = pickle_commit(context, tree, touched, seq, full, self.verify)
        if self.verify:
            verify_unchanged(context, tree, self.layout.root)
        if not entries and not full:
            return False
        payload = pickle.dumps((full, entries), protocol=pickle.HIGHEST_PROTOCOL)
        with self._mutex:
            self._writer().append(seq, payload)
            self._seq = seq
        self.records_written += 1
        self.bytes_written += len(payload)
        self.last_written_at = time.time()
        return True

    def journal_size(self) -> int:
        return self._journal.size if self._journal else 0

    def wants_compaction(self) -> bool:
        return self.journal_size() > max(COMPACT_AFTER_BYTES, self._base_size)

    # -- background work -----------------------------------------------------------------
    def sync(self) -> None:
        """fsync what was appended and written since the last call (power-loss safety)."""
        with self._mutex:
            blobs, self._unsynced_blobs = self._unsynced_blobs, []
            journal = self._journal
        for path in blobs:
            fsync_path(path)
        if blobs:
            fsync_directory(self.layout.blobs)
        if journal is not None:
            journal.sync()

    def compact(self, exclusive: Callable[[], AbstractContextManager[Any]]) -> None:
        """Write a new base from the versions in memory; remove the files it replaces.

        Runs beside requests: switching to the next journal holds only the journal's mutex;
        removing blobs no version names holds ``exclusive`` (the state's write lock) for as
        long as the unlinks take, so that no commit can name a blob while it goes.
        """
        with self._compacting:
            with self._mutex:
                versions = sorted(self.index.versions.items(), key=lambda kv: kv[1].seq)
                old_number = self._number
                self._writer().sync()
                self._writer().close()
                self._open_journal(old_number + 1)
            base = self.layout.state / f"base-{old_number + 1}.log"
            self._base_size = write_base(base, [(v.seq, key, v.body) for key, v in versions])
            crash_points.reached("compaction-before-cleanup")
            for path in self.layout.state.glob("*.log"):
                if file_number(path) <= old_number:
                    path.unlink(missing_ok=True)
            with exclusive():
                self._remove_unnamed_blobs()
            self.compactions += 1

    def _remove_unnamed_blobs(self) -> None:
        """Delete the blobs no current version names (the caller holds the write lock)."""
        named = set().union(*(v.blobs for v in self.index.versions.values()))
        with self._mutex:
            unnamed = self._blob_names - named
            self._blob_names -= unnamed
        self.sink.forget(unnamed)
        self.events.forget(unnamed)
        self.bodies.forget(unnamed)
        for digest in unnamed:
            (self.layout.blobs / digest).unlink(missing_ok=True)

    def close(self) -> None:
        with self._mutex:
            if self._journal is not None:
                self._journal.sync()
                self._journal.close()
                self._journal = None

    # -- forgetting ----------------------------------------------------------------------
    def move_state_aside(self) -> Path:
        """Move the whole state folder to ``aside/`` and start an empty one."""
        with self._compacting:  # a compaction under way must not write into the new state
            return self._move_aside_now()

    def _move_aside_now(self) -> Path:
        self.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.layout.aside / f"state-{stamp}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.layout.state), str(target))
        self._start_empty()
        return target

    def delete_state(self) -> None:
        """Forget all saved state (the user asked for a reset)."""
        with self._compacting:  # a compaction under way must not write into the new state
            self.close()
            shutil.rmtree(self.layout.state, ignore_errors=True)
        self._start_empty()

    def _start_empty(self) -> None:
        self.layout.blobs.mkdir(parents=True, exist_ok=True)
        self._blob_names = set()
        self._unsynced_blobs = []
        self.index.forget()
        self.events = EventChunker(lambda data: self.sink.ref_for(data).digest)
        self.bodies = BodyCache()
        self._base_size = 0
