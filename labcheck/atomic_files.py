"""Files that readers in other processes never see half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` by a rename: parallel autograders may write the same file,
    and none ever reads a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".partial", delete=False) as file:
        try:
            file.write(data)
        except BaseException:
            os.unlink(file.name)
            raise
    os.replace(file.name, path)
