"""The server's threads share at most two malloc arenas (localaws/server/allocator.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Sixteen threads allocate at once, then glibc lists its arenas ("<heap nr=...>") in a file.
COUNT_ARENAS = """
import ctypes, ctypes.util, re, sys, tempfile, threading
from localaws.server.allocator import limit_malloc_arenas
if sys.argv[1] == "limited":
    assert limit_malloc_arenas()
start = threading.Barrier(16)
def allocate():
    start.wait()
    kept = [bytearray(4000) for _ in range(2000)]  # above pymalloc's 512 bytes: malloc's
    start.wait()
threads = [threading.Thread(target=allocate) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile() as report:
    stream = libc.fopen(report.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(len(re.findall(r"<heap nr=", open(report.name).read())))
"""


def arenas(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", COUNT_ARENAS, mode], capture_output=True, text=True, check=True
    )
    return int(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_the_server_keeps_to_two_arenas_where_threads_would_make_more() -> None:
    assert arenas("default") > 2
    assert arenas("limited") <= 2
