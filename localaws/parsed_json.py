"""JSON data files read through a cache of what they hold.

botocore's API models and endpoint rules, and moto's EC2 resource files, are JSON files that
every localaws server parses again as it starts (~0.35 s of its start-up), as does every
kernel the autograder starts (~70 ms each). ``ParsedJsonCache`` keeps what a file held in
``marshal`` form, keyed by the file's path, size and modification time and this Python's
version, and reads that next time, about four times faster. The data is the same: plain dicts
and lists, keys in the file's order. The cache folder is used only when it belongs to this
user and nobody else may write to it, and an entry is read only when it is this user's file,
closed to others (marshal data must come from a trusted writer).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from botocore.loaders import JSONFileLoader

from localaws.state.files import write_atomically

DEFAULT_FOLDER = Path.home() / ".cache" / "localaws" / "parsed-json"
#: Where botocore looks for a data file, in its order (``botocore.loaders.JSONFileLoader``).
BOTOCORE_EXTENSIONS = (".json", ".json.gz")


class ParsedJsonCache:
    """What JSON files held, kept in ``folder`` (default: ``DEFAULT_FOLDER``)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or DEFAULT_FOLDER
        self._usable: bool | None = None

    def entry(self, path: str) -> Path | None:
        """Where the file at ``path`` is cached, as it is now; None when there is no such file
        (or no cache to use)."""
        try:
            found = os.stat(path)
        except OSError:
            return None
        key = f"{os.path.abspath(path)}\0{found.st_size}\0{found.st_mtime_ns}\0{sys.version}"
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.marshal"

    def load(self, entry: Path, parse: Callable[[], Any]) -> Any:
        """The data cached at ``entry``; else what ``parse()`` gives, cached there for next
        time."""
        if self.usable():
            try:
                return marshal.loads(_own_file_bytes(entry))
            except (OSError, EOFError, ValueError, TypeError):
                pass  # not cached yet, unreadable, or not this user's: parse the JSON
        data = parse()
        if data is not None and self.usable():
            with contextlib.suppress(OSError, ValueError):  # a write that fails is no loss
                # Processes and threads may cache the same file at once: none reads half of it.
                payload = marshal.dumps(_plain(data))
                write_atomically(entry, payload, sync_directory=False, sync_file=False, mode=0o600)
        return data

    def usable(self) -> bool:
        """Whether the folder is this user's own and closed to others (made so if missing)."""
        if self._usable is None:
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                found = self.folder.stat()
                others_may_write = found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
                self._usable = found.st_uid == os.geteuid() and not others_may_write
            except OSError:
                self._usable = False
        return self._usable


class CachedJsonFileLoader(JSONFileLoader):
    """botocore's JSON file loader, reading through a ``ParsedJsonCache``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.cache = ParsedJsonCache(folder)

    def load_file(self, file_path: str) -> Any:
        for extension in BOTOCORE_EXTENSIONS:
            entry = self.cache.entry(file_path + extension)
            if entry is not None:
                return self.cache.load(entry, partial(JSONFileLoader.load_file, self, file_path))
        return None  # botocore's answer when there is no such file


def _own_file_bytes(path: Path) -> bytes:
    """What the file at ``path`` holds; ValueError unless it is this user's and closed to
    others (the folder was checked once; a file in it is checked as it is read)."""
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as file:
        found = os.fstat(file.fileno())
        if found.st_uid != os.geteuid() or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise ValueError(f"{path} is not this user's own")
        return file.read()


def _plain(data: Any) -> Any:
    """``data`` as plain dicts and lists (marshal writes no ``OrderedDict``)."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data
