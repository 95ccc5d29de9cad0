from __future__ import annotations

import threading

from localaws.state.rwlock import ReadWriteLock
from tests.helpers import eventually


def test_readers_share_and_a_writer_waits_for_them() -> None:
    lock = ReadWriteLock()
    order: list[str] = []
    lock.acquire_shared()
    lock.acquire_shared()  # re-entrant for the same thread
    writer_done = threading.Event()

    def writer() -> None:
        with lock.exclusive():
            order.append("write")
        writer_done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert eventually(lambda: lock.waiting() == (0, 1))  # the writer is blocked on our hold
    assert not writer_done.is_set()
    order.append("read")
    lock.release_shared()  # one of two holds: still held
    assert lock.waiting() == (0, 1) and not writer_done.is_set()
    lock.release_shared()
    assert writer_done.wait(5)
    thread.join()
    assert order == ["read", "write"]


def test_a_waiting_writer_blocks_new_readers() -> None:
    lock = ReadWriteLock()
    lock.acquire_shared()
    writer_in = threading.Event()
    reader_in = threading.Event()
    release_writer = threading.Event()

    def writer() -> None:
        with lock.exclusive():
            writer_in.set()
            release_writer.wait(5)

    def reader() -> None:
        with lock.shared():
            reader_in.set()

    threads = [threading.Thread(target=writer)]
    threads[0].start()
    # The writer is waiting for our shared hold; a new reader must queue behind it.
    assert eventually(lambda: lock.waiting() == (0, 1))
    threads.append(threading.Thread(target=reader))
    threads[1].start()
    assert eventually(lambda: lock.waiting() == (1, 1))  # the reader queues behind the writer
    assert not reader_in.is_set()
    lock.release_shared()
    assert writer_in.wait(5)
    assert not reader_in.is_set()
    release_writer.set()
    assert reader_in.wait(5)
    for thread in threads:
        thread.join()


def test_the_writer_may_reenter_and_read() -> None:
    lock = ReadWriteLock()
    with lock.exclusive(), lock.exclusive(), lock.shared():
        pass
    with lock.exclusive():  # fully released above
        pass


def test_released_lets_another_thread_write_meanwhile() -> None:
    lock = ReadWriteLock()
    wrote = threading.Event()

    def writer() -> None:
        with lock.exclusive():
            wrote.set()

    with lock.exclusive():
        thread = threading.Thread(target=writer)
        thread.start()
        assert eventually(lambda: lock.waiting() == (0, 1))
        assert not wrote.is_set()
        with lock.released():
            assert wrote.wait(5)
        thread.join()
    with lock.exclusive():
        pass
