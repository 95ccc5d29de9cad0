"""Which interpreter runs a function: its runtime's Python, found on this machine.

Looks, in order, at ``$LOCALAWS_PYTHON_3_12`` (for python3.12), ``python3.12`` on PATH (pyenv
shims skipped: they may not resolve), pyenv's versions and uv's managed Pythons. When the exact
version is missing the closest one runs the function and a ``LOCALAWS WARNING`` line says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from localaws.config import ENV_PYTHON_PREFIX, PYTHON_MINORS
from localaws.executor.entrypoint import CUSTOM_RUNTIMES

SUPPORTED_RUNTIMES = tuple(f"python3.{minor}" for minor in PYTHON_MINORS)
_RUNTIME = re.compile(r"^python3\.(\d+)$")


class UnsupportedRuntimeError(Exception):
    """The function's runtime is not a Python runtime localaws can run."""


@dataclass(frozen=True)
class Interpreter:
    """The interpreter chosen for a runtime; ``warning`` is set when it is a stand-in."""

    path: str
    version: tuple[int, int]
    warning: str = ""

    @property
    def full_version(self) -> str:
        """Its complete version, e.g. ``3.12.1``."""
        return _full_version(self.path)


def _ask(path: str, code: str) -> str | None:
    """What the interpreter at ``path`` prints for ``code``; None if it fails or hangs."""
    try:
        result = subprocess.run(
            [path, "-S", "-c", code], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


@lru_cache(maxsize=64)
def _full_version(path: str) -> str:
    return _ask(path, "import platform; print(platform.python_version())") or "0.0.0"


def check_runtime(runtime: str) -> None:
    """UnsupportedRuntimeError unless localaws can run ``runtime`` (Python or custom)."""
    if runtime not in CUSTOM_RUNTIMES:
        runtime_minor(runtime)


def runtime_minor(runtime: str) -> int:
    match = _RUNTIME.match(runtime or "")
    if not match or runtime not in SUPPORTED_RUNTIMES:
        supported = ", ".join((*SUPPORTED_RUNTIMES, *CUSTOM_RUNTIMES))
        raise UnsupportedRuntimeError(
            f"Runtime {runtime!r} cannot run in localaws; use one of {supported}."
        )
    return int(match.group(1))


def _candidates(minor: int, environ: Mapping[str, str]) -> list[Path]:
    found: list[Path] = []
    override = environ.get(f"{ENV_PYTHON_PREFIX}{minor}")
    if override:
        found.append(Path(override))
    name = f"python3.{minor}"
    for directory in environ.get("PATH", "").split(os.pathsep):
        if directory and "shims" not in Path(directory).parts:
            found.append(Path(directory) / name)
    pyenv_root = Path(environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found += sorted((pyenv_root / "versions").glob(f"3.{minor}.*/bin/{name}"), reverse=True)
    uv_root = Path(environ.get("UV_PYTHON_INSTALL_DIR", Path.home() / ".local/share/uv/python"))
    found += sorted(uv_root.glob(f"cpython-3.{minor}.*/bin/{name}"), reverse=True)
    return found


@lru_cache(maxsize=64)
def _works(path: str, minor: int) -> bool:
    return _ask(path, "import sys; print(sys.version_info[1])") == str(minor)


def find_exact(minor: int, environ: Mapping[str, str]) -> str | None:
    for candidate in _candidates(minor, environ):
        if candidate.is_file() and os.access(candidate, os.X_OK) and _works(str(candidate), minor):
            return str(candidate)
    return None


def choose_interpreter(runtime: str, environ: Mapping[str, str] = os.environ) -> Interpreter:
    """The interpreter for ``runtime``, or the closest available with a warning."""
    wanted = runtime_minor(runtime)
    exact = find_exact(wanted, environ)
    if exact:
        return Interpreter(exact, (3, wanted))
    by_distance = sorted(PYTHON_MINORS, key=lambda minor: (abs(minor - wanted), -minor))
    for minor in by_distance:
        path = find_exact(minor, environ)
        if path:
            warning = (
                f"LOCALAWS WARNING: no Python 3.{wanted} found for runtime {runtime}; "
                f"running on Python 3.{minor} ({path}). Install Python 3.{wanted} or set "
                f"{ENV_PYTHON_PREFIX}{wanted} to its path."
            )
            return Interpreter(path, (3, minor), warning)
    fallback = shutil.which("python3") or "python3"
    return Interpreter(
        fallback, (3, 0), f"LOCALAWS WARNING: no Python 3.9-3.14 found; running on {fallback}."
    )
