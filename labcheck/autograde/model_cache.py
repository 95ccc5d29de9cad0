"""botocore's API models, read from a cache of their parsed form in the autograder's kernels.

Every kernel nbgrader starts for a lab notebook makes clients for about six services, and
botocore reads each one's API model and endpoint rules from its gzipped JSON files: about
6 MB of JSON, ~90 ms, in every notebook. ``use_cached_models`` gives boto3's default session a
loader that keeps each file it parsed in ``marshal`` form (keyed by the file's path, size and
modification time, and this Python's version) and reads that next time (~20 ms for the same).
The data is the same: plain dicts keep their order, as botocore's ``OrderedDict`` does.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from botocore.loaders import JSONFileLoader, create_loader

from labcheck.atomic_files import write_atomically

DEFAULT_FOLDER = Path.home() / ".cache" / "serverless-lab" / "botocore-models"
#: Where botocore looks for a model, in its order (``botocore.loaders.JSONFileLoader``).
EXTENSIONS = (".json", ".json.gz")


class CachedJsonFileLoader(JSONFileLoader):
    """botocore's JSON file loader, with a cache of what it parsed in ``folder``."""

    def __init__(self, folder: Path = DEFAULT_FOLDER) -> None:
        self.folder = folder

    def load_file(self, file_path: str) -> Any:
        cached = self._cached_path(file_path)
        if cached is not None:
            try:
                return marshal.loads(cached.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                pass  # not cached yet, or unreadable: parse the JSON
        data = super().load_file(file_path)
        if cached is not None and data is not None:
            with contextlib.suppress(OSError, ValueError):  # a write that fails is no loss
                write_atomically(cached, marshal.dumps(_plain(data)))
        return data

    def _cached_path(self, file_path: str) -> Path | None:
        """Where the file botocore would read for ``file_path`` is cached; None if none is."""
        for extension in EXTENSIONS:
            try:
                stat = os.stat(file_path + extension)
            except OSError:
                continue
            source = os.path.abspath(file_path + extension)
            key = f"{source}\0{stat.st_size}\0{stat.st_mtime_ns}\0{sys.version}"
            return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.marshal"
        return None


def _plain(data: Any) -> Any:
    """``data`` as plain dicts and lists (marshal writes no ``OrderedDict``)."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


def use_cached_models(folder: Path = DEFAULT_FOLDER) -> None:
    """Make boto3's default session one whose loader reads models through the cache (before
    any client of this process is made: those already made keep their models)."""
    import boto3
    import botocore.session

    session = botocore.session.get_session()
    loader = create_loader(session.get_config_variable("data_path"))
    loader.file_loader = CachedJsonFileLoader(folder)
    session.register_component("data_loader", loader)
    boto3.setup_default_session(botocore_session=session)
