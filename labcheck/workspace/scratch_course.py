"""A throw-away nbgrader course (config and assignments copied in) and nbgrader run in it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

#: What running the course leaves beside the sources: never copied, never released.
NOT_RELEASED = ("labcheck-evidence.json", "lab-image.jpg", ".ipynb_checkpoints", "*.updated*")
TIMEOUT_SECONDS = 900


class NbgraderFailed(Exception):
    """nbgrader ended with an error, or ran past its deadline; the message says which."""


def make_course(config: Path, assignments: Iterable[Path], scratch: Path) -> Path:
    """``scratch`` as a course: ``config`` and each assignment folder, minus ``NOT_RELEASED``."""
    shutil.copy(config, scratch / "nbgrader_config.py")
    for assignment in assignments:
        shutil.copytree(
            assignment,
            scratch / "notebooks" / assignment.name,
            ignore=shutil.ignore_patterns(*NOT_RELEASED),
        )
    return scratch


def run_nbgrader(course: Path, *args: str) -> list[str]:
    """Run ``nbgrader *args`` in ``course``; the error lines it logged. NbgraderFailed when it
    fails or runs past ``TIMEOUT_SECONDS`` (then it is stopped with its kernels)."""
    # nbgrader runs its `alembic` helper by name: this environment's bin goes first on PATH.
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("NBGRADER", "JPY_"))}
    path = f"{Path(sys.executable).parent}{os.pathsep}{kept.get('PATH', '')}"
    process = subprocess.Popen(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env={**kept, "PATH": path},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its kernels and localaws too, to stop them all at once
    )
    try:
        _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise NbgraderFailed(
            f"it took more than {TIMEOUT_SECONDS // 60} minutes and was stopped"
        ) from None
    errors = [line for line in stderr.splitlines() if "ERROR" in line or "error:" in line]
    if process.returncode != 0:
        raise NbgraderFailed(" ".join(errors[:3]) or "(no message)")
    return errors
