"""Journal records: a torn tail is found at every byte; damage before it is not a tail."""

from __future__ import annotations

from pathlib import Path

import pytest

from localaws.state.journal import CorruptStateError, JournalWriter, read_record_file


def write_journal(path: Path, payloads: list[bytes]) -> list[int]:
    """Append ``payloads`` as records 1, 2, ...; the file size after each."""
    writer = JournalWriter(path)
    sizes = [writer.size]
    for seq, payload in enumerate(payloads, start=1):
        writer.append(seq, payload)
        sizes.append(writer.size)
    writer.close()
    return sizes


def test_records_read_back_in_order(tmp_path: Path) -> None:
    path = tmp_path / "journal-0.log"
    write_journal(path, [b"first", b"second" * 100])
    read = read_record_file(path)
    assert [(r.seq, r.payload) for r in read.records] == [(1, b"first"), (2, b"second" * 100)]
    assert read.header["schema"] == 2 and read.torn_tail == ""


def test_the_last_record_cut_at_every_byte_is_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "journal-0.log"
    sizes = write_journal(path, [b"kept record", b"LREC inside the torn record" * 3])
    complete = path.read_bytes()
    for cut in range(sizes[1], sizes[2]):
        path.write_bytes(complete[:cut])
        read = read_record_file(path)
        assert [r.payload for r in read.records] == [b"kept record"], cut
        assert bool(read.torn_tail) == (cut > sizes[1]), cut
        assert read.records[-1].end == sizes[1]


def test_a_flipped_byte_in_the_last_record_is_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "journal-0.log"
    sizes = write_journal(path, [b"kept record", b"changed record"])
    raw = bytearray(path.read_bytes())
    raw[sizes[2] - 2] ^= 0x01
    path.write_bytes(bytes(raw))
    read = read_record_file(path)
    assert "checksum" in read.torn_tail and len(read.records) == 1


def test_damage_with_whole_records_after_it_is_corruption(tmp_path: Path) -> None:
    path = tmp_path / "journal-0.log"
    sizes = write_journal(path, [b"first", b"second", b"third"])
    raw = bytearray(path.read_bytes())
    raw[sizes[1] - 1] ^= 0x01  # the first record's payload
    path.write_bytes(bytes(raw))
    with pytest.raises(CorruptStateError, match="damaged"):
        read_record_file(path)


def test_a_list_tail_reads_back_in_either_form() -> None:
    """Tails are pickled in groups of items; commits written before the groups (one bytes
    value for the whole tail) still load."""
    import pickle
    from types import SimpleNamespace

    from localaws.state.segments import TAIL_GROUP, EventChunker, EventsRef, SegmentLoader

    items = [{"n": n} for n in range(TAIL_GROUP + 5)]
    ref = EventChunker(lambda data: "unused").ref_for(items, set(), ("logs", "x"))
    assert len(ref.tail) == 2 and ref.chunks == ()
    loader: object = SimpleNamespace(read_blob=lambda digest: b"")
    assert SegmentLoader.events(loader, ref, set()) == items  # type: ignore[arg-type]
    old = EventsRef((), pickle.dumps(items, protocol=5))
    assert SegmentLoader.events(loader, old, set()) == items  # type: ignore[arg-type]
