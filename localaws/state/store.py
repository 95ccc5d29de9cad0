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
import io
import pickle
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from localaws import __version__
from localaws.errors import StateFormatError
from localaws.state.files import fsync_directory, write_atomically
from localaws.state.journal import (
    SCHEMA_VERSION,
    CorruptStateError,
    JournalWriter,
    encode_record,
    file_header,
    read_record_file,
)
from localaws.state.legacy import load_legacy_snapshot, read_legacy_header
from localaws.state.segments import (
    EventChunker,
    NormalizedPickler,
    ObjectIndex,
    PickleContext,
    RootRef,
    SegmentKey,
    SegmentLoader,
    SegmentPickler,
    SegmentVersion,
    segment_state,
)
from localaws.state.snapshot import BackendTree, BlobSink, install_backends
from localaws.state.statedir import StateDirLayout

#: Services whose state changes outside any request (Step Functions runs an execution in a
#: thread of its own): they are checked at every commit, and saved when they changed.
CHANGES_OUTSIDE_REQUESTS = ("moto.stepfunctions.",)
#: Services whose objects hold other services' objects: pickled last in a commit, so that each
#: shared object is saved with the service it belongs to (a bucket with S3, not with the stack).
PICKLED_LAST = ("moto.cloudformation.", "moto.stepfunctions.")

#: The journal is compacted once it is larger than this and than the base.
COMPACT_AFTER_BYTES = 8 * 1024 * 1024

__all__ = ["CorruptStateError", "LoadResult", "StateStore", "check_state_files"]


class UnseenChange(RuntimeError):
    """A service changed without a write touching it: that change would not be saved."""


@dataclass
class LoadResult:
    """What was found in the state directory."""

    restored: bool
    moved_aside_to: Path | None = None
    reason: str = ""
    notices: tuple[str, ...] = ()


def _number(path: Path) -> int:
    return int(path.stem.rpartition("-")[2])


def state_files(layout: StateDirLayout) -> tuple[Path | None, list[Path]]:
    """The newest base and the journals that follow it, oldest first."""
    bases = sorted(layout.state.glob("base-*.log"), key=_number)
    base = bases[-1] if bases else None
    start = _number(base) if base else 0
    journals = [p for p in layout.state.glob("journal-*.log") if _number(p) >= start]
    return base, sorted(journals, key=_number)


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
        header = read_legacy_header(path)[0]
        check_header(header, path)


class StateStore:
    """Reads the saved state into moto, and saves what each write changed."""

    def __init__(self, layout: StateDirLayout, verify: bool = False) -> None:
        self.layout = layout
        #: Test-only: after each commit, check that no saved service changed unseen.
        self.verify = verify
        self.index = ObjectIndex()
        self._blob_names = {p.name for p in layout.blobs.glob("*") if len(p.name) == 64}
        self._unsynced_blobs: list[Path] = []
        self.sink = BlobSink(self._write_blob)
        self.events = EventChunker(lambda data: self.sink.ref_for(data).digest)
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
        base, journals = state_files(self.layout)
        files = [p for p in (base, *journals) if p is not None]
        latest: dict[SegmentKey, tuple[int, int, bytes]] = {}
        notices: list[str] = []
        last_seq = 0
        torn_at: int | None = None
        for path in files:
            read = read_record_file(path)
            check_header(read.header, path)
            for record in read.records:
                if record.seq <= last_seq:  # also in a base compacted from this journal
                    continue
                last_seq = record.seq
                full, entries = pickle.loads(record.payload)
                if full:
                    latest.clear()
                for position, (key, body) in enumerate(entries):
                    latest[key] = (record.seq, position, body)
            if read.torn_tail:
                notices.append(f"{read.torn_tail}; that unacknowledged write was dropped")
                torn_at = read.records[-1].end if read.records else None
        self._seq = last_seq
        self._load_segments(latest)
        number = _number(files[-1]) if files else 0
        if base is not None:
            self._base_size = base.stat().st_size
        self._open_journal(number, torn_at if files and files[-1] != base else None)
        return LoadResult(restored=bool(latest), notices=tuple(notices))

    def _load_segments(self, latest: dict[SegmentKey, tuple[int, int, bytes]]) -> None:
        loader = SegmentLoader(self.read_blob)
        for key, (seq, _, body) in sorted(latest.items(), key=lambda item: item[1][:2]):
            memo, blobs, named = loader.load(seq, key, body)
            regions = frozenset(loader.regions_of(key))
            depends_on = frozenset(named - {key})
            version_ = SegmentVersion(seq, body, frozenset(blobs), depends_on, regions)
            self.index.record(key, version_, memo)
        loader.install()
        if self.verify:
            from localaws.state.snapshot import capture_backends

            tree = capture_backends()
            context = PickleContext(self.index, self.sink, self.events, _roots(tree))
            for key, saved in self.index.versions.items():
                saved.check_body = _normalized(context, key, tree.get(key, {}))

    def _open_journal(self, number: int, torn_at: int | None = None) -> None:
        self._number = number
        self._journal = JournalWriter(self.layout.state / f"journal-{number}.log")
        if torn_at is not None:
            self._journal.truncate(torn_at)

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
        from localaws.state.snapshot import capture_backends

        tree = capture_backends()
        context = PickleContext(self.index, self.sink, self.events, _roots(tree))
        touched |= {key for key in tree if key[0].startswith(CHANGES_OUTSIDE_REQUESTS)}
        closure = self.index.dependents(touched) & tree.keys() if not full else set(tree)
        context.pending = set(closure)
        seq = self._seq + 1
        entries: list[tuple[SegmentKey, bytes]] = []
        event_lists: set[int] = set()
        for key in sorted(closure, key=lambda k: (k[0].startswith(PICKLED_LAST), k)):
            self.sink.begin()
            buffer = io.BytesIO()
            pickler = SegmentPickler(buffer, context, key)
            pickler.dump(segment_state(tree[key]))
            body = buffer.getvalue()
            check_body = _normalized(context, key, tree[key]) if self.verify else b""
            context.pending.discard(key)
            event_lists |= pickler.event_lists
            old = self.index.versions.get(key)
            unchanged = not full and old is not None and old.body == body
            version_ = SegmentVersion(
                old.seq if unchanged and old else seq,
                body,
                frozenset(self.sink.referenced),
                frozenset(pickler.depends_on),
                _regions(tree[key]),
                check_body,
            )
            memo = {index: obj for index, obj in pickler.memo.copy().values()}
            self.index.record(key, version_, memo)
            if not unchanged:
                entries.append((key, body))
        if "moto.logs.models" in {key[0] for key in closure}:
            self.events.keep_only(event_lists)
        if self.verify:
            self.verify_unchanged(tree)
        if not entries and not full:
            return False
        payload = pickle.dumps((full, entries), protocol=pickle.HIGHEST_PROTOCOL)
        with self._mutex:
            self._writer().append(seq, payload)
            self._seq = seq
        self.records_written += 1
        self.bytes_written += len(payload)
        self.last_written_at = __import__("time").time()
        return True

    def verify_unchanged(self, tree: BackendTree) -> None:
        """Raise UnseenChange if a saved service differs from its last saved version (a write
        changed it without touching its ``BackendDict``). For tests: it pickles everything."""
        context = PickleContext(self.index, self.sink, self.events, _roots(tree))
        for key, saved in list(self.index.versions.items()):
            backends = {
                account: {r: b for r, b in regions.items() if (account, r) in saved.regions}
                for account, regions in tree.get(key, {}).items()
            }
            if key[0].startswith(CHANGES_OUTSIDE_REQUESTS):
                continue  # changed by its own threads at any moment; saved at every commit
            now = _normalized(context, key, backends)
            if now != saved.check_body:
                for name, data in (("saved", saved.check_body), ("now", now)):
                    (self.layout.root / f"unseen-{key[0]}.{name}.pickle").write_bytes(data)
                raise UnseenChange(f"{key[0]} changed, but no write touched it")

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
            _fsync_path(path)
        if blobs:
            fsync_directory(self.layout.blobs)
        if journal is not None:
            journal.sync()

    def compact(self) -> None:
        """Write a new base from the versions in memory; remove the files it replaces.

        Runs beside requests: only switching to the next journal holds the journal's mutex.
        """
        with self._compacting:
            with self._mutex:
                versions = sorted(self.index.versions.items(), key=lambda kv: kv[1].seq)
                live_blobs = set().union(*(v.blobs for _, v in versions)) if versions else set()
                known_blobs = set(self._blob_names)
                old_number = self._number
                self._writer().sync()
                self._writer().close()
                self._open_journal(old_number + 1)
            self._write_base(old_number + 1, [(v.seq, key, v.body) for key, v in versions])
            for path in self.layout.state.glob("*.log"):
                if _number(path) <= old_number:
                    path.unlink(missing_ok=True)
            for digest in known_blobs - live_blobs:
                (self.layout.blobs / digest).unlink(missing_ok=True)
            with self._mutex:
                self._blob_names -= known_blobs - live_blobs
            self.compactions += 1

    def _write_base(self, number: int, versions: list[tuple[int, SegmentKey, bytes]]) -> None:
        by_seq: dict[int, list[tuple[SegmentKey, bytes]]] = {}
        for seq, key, body in versions:
            by_seq.setdefault(seq, []).append((key, body))
        chunks = [file_header()]
        for seq in sorted(by_seq):
            chunks.append(encode_record(seq, pickle.dumps((False, by_seq[seq]), protocol=5)))
        data = b"".join(chunks)
        write_atomically(self.layout.state / f"base-{number}.log", data)
        self._base_size = len(data)

    def close(self) -> None:
        with self._mutex:
            if self._journal is not None:
                self._journal.sync()
                self._journal.close()
                self._journal = None

    # -- forgetting ----------------------------------------------------------------------
    def move_state_aside(self) -> Path:
        """Move the whole state folder to ``aside/`` and start an empty one."""
        self.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.layout.aside / f"state-{stamp}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.layout.state), str(target))
        self._start_empty()
        return target

    def delete_state(self) -> None:
        """Forget all saved state (the user asked for a reset)."""
        self.close()
        shutil.rmtree(self.layout.state, ignore_errors=True)
        self._start_empty()

    def _start_empty(self) -> None:
        self.layout.blobs.mkdir(parents=True, exist_ok=True)
        self._blob_names = set()
        self._unsynced_blobs = []
        self.index.forget()
        self.events = EventChunker(lambda data: self.sink.ref_for(data).digest)
        self._base_size = 0


def _roots(tree: BackendTree) -> dict[int, RootRef]:
    return {
        id(backend): RootRef(key[0], key[1], account, region)
        for key, accounts in tree.items()
        for account, regions in accounts.items()
        for region, backend in regions.items()
    }


def _normalized(context: PickleContext, key: SegmentKey, backends: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    NormalizedPickler(buffer, context, key).dump(segment_state(backends))
    return buffer.getvalue()


def _regions(backends: dict[str, dict[str, Any]]) -> frozenset[tuple[str, str]]:
    pairs = ((account, region) for account, regions in backends.items() for region in regions)
    return frozenset(pairs)


def _fsync_path(path: Path) -> None:
    import os

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
