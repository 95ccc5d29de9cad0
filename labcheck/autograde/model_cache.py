"""botocore's API models, read from a cache of their parsed form in the autograder's kernels.

Every kernel nbgrader starts for a lab notebook makes clients for about six services, and
botocore reads each one's API model and endpoint rules from its gzipped JSON files: about
6 MB of JSON, ~90 ms, in every notebook. ``use_cached_models`` gives boto3's default session a
loader that keeps each file it parsed in ``marshal`` form (keyed by the file's path, size and
modification time, and this Python's version) and reads that next time (~20 ms for the same).
The data is the same: plain dicts keep their order, as botocore's ``OrderedDict`` does.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from botocore.loaders import JSONFileLoader, create_loader

DEFAULT_FOLDER = Path.home() / ".cache" / "serverless-lab" / "botocore-models"
#: Where botocore looks for a model, in its order (``botocore.loaders.JSONFileLoader``).
EXTENSIONS = (".json", ".json.gz")


class CachedJsonFileLoader(JSONFileLoader):
    """botocore's JSON file loader, with a cache of what it parsed in ``folder``."""

    def __init__(self, folder: Path = DEFAULT_FOLDER) -> None:
        self.folder = folder

    def load_file(self, file_path: str) -> Any:
        source = next((file_path + e for e in EXTENSIONS if os.path.isfile(file_path + e)), None)
        cached = self._cached_path(source) if source is not None else None
        if cached is not None:
            try:
                return marshal.loads(cached.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                pass  # not cached yet, or unreadable: parse the JSON
        data = super().load_file(file_path)
        if cached is not None and data is not None:
            self._store(cached, data)
        return data

    def _cached_path(self, source: str) -> Path | None:
        try:
            stat = os.stat(source)
        except OSError:
            return None
        key = f"{os.path.abspath(source)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{sys.version}"
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.marshal"

    def _store(self, cached: Path, data: Any) -> None:
        """Write atomically (parallel autograders read the same cache); a failure is no loss."""
        try:
            payload = marshal.dumps(_plain(data))
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, delete=False) as file:
                file.write(payload)
            os.replace(file.name, cached)
        except (OSError, ValueError):
            return


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
