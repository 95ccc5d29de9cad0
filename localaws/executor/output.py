"""A runtime process's output, read line by line, with a barrier for "everything written so far".

An invocation's log lines are those the runtime wrote before it posted its answer. Any runtime
(ours, ``awslambdaric``, a shell script) writes them to its stdout before that POST reaches the
Runtime API, so once the pipe holds no unread bytes and the reader has handed on what it read,
every such line has been seen: ``flush`` waits for exactly that, never a fixed time.
"""

from __future__ import annotations

import array
import fcntl
import os
import select
import termios
import threading
import time
from collections.abc import Callable

OutputLine = tuple[int, str]  # (epoch milliseconds, text)
READ_BYTES = 65536


def unread_bytes(fd: int) -> int:
    """Bytes waiting in a pipe (0 once it is closed or unreadable)."""
    count = array.array("i", [0])
    try:
        fcntl.ioctl(fd, termios.FIONREAD, count, True)
    except OSError:
        return 0
    return count[0]


class OutputReader:
    """Reads ``fd`` on a thread of its own, handing each line (without its newline) on."""

    def __init__(self, fd: int, on_output: Callable[[OutputLine], None], name: str) -> None:
        self._fd = fd
        self._on_output = on_output
        self._pending = b""
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _emit(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").removesuffix("\r")
        self._on_output((int(time.time() * 1000), text))

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while True:
            poller.poll()
            # A read and the hand-over of its lines happen under the lock ``flush`` takes:
            # an empty pipe seen under that lock means every byte read was handed on.
            with self._changed:
                try:
                    chunk = os.read(self._fd, READ_BYTES)
                except OSError:
                    chunk = b""
                if not chunk:
                    if self._pending:
                        self._emit(self._pending)
                    self._pending, self._closed = b"", True
                    self._changed.notify_all()
                    return
                *lines, self._pending = (self._pending + chunk).split(b"\n")
                for raw in lines:
                    self._emit(raw)
                self._changed.notify_all()

    def flush(self, timeout: float) -> bool:
        """Wait until every byte written to the pipe so far has been handed on as lines (a
        line still missing its newline stays pending); False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._closed and unread_bytes(self._fd) > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
        return True

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
