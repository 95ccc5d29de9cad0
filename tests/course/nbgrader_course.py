"""The instructor's nbgrader loop on a temporary copy of the course, with the real CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from labcheck.autograde.isolation import UNREACHABLE_ENDPOINT
from localaws.server.embedded import OFFLINE_ENV
from tests.helpers import PROJECT_ROOT

NOTEBOOKS = PROJECT_ROOT / "notebooks"
#: Credentials and an endpoint that lead nowhere: autograding must not need a live account.
NOWHERE_ENV = {
    **OFFLINE_ENV,
    "AWS_ENDPOINT_URL": UNREACHABLE_ENDPOINT,
    "HTTPS_PROXY": UNREACHABLE_ENDPOINT,
    "HTTP_PROXY": UNREACHABLE_ENDPOINT,
    "NO_PROXY": "127.0.0.1,localhost",
}
COMMAND_DEADLINE_SECONDS = 900
#: The start of one record of nbgrader's log, e.g. "[AutogradeApp | ERROR] ...".
LOG_RECORD = re.compile(r"^\[\w+ ?(\| )?\w*\]")


def assignments() -> list[str]:
    """Every assignment of the course: the folders of notebooks/ holding notebooks."""
    return sorted(p.name for p in NOTEBOOKS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


@dataclass
class Course:
    """A copy of the course directory (config and source notebooks) for one test."""

    root: Path

    @classmethod
    def copy_all(cls, destination: Path) -> Course:
        """The configuration and every assignment's source notebooks, nothing else."""
        shutil.copy(PROJECT_ROOT / "nbgrader_config.py", destination / "nbgrader_config.py")
        for assignment in assignments():
            (destination / "notebooks" / assignment).mkdir(parents=True)
            for notebook in (NOTEBOOKS / assignment).glob("*.ipynb"):
                shutil.copy(notebook, destination / "notebooks" / assignment / notebook.name)
        return cls(destination)

    def env(self) -> dict[str, str]:
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NBGRADER"))}
        bin_dir = str(Path(sys.executable).parent)
        return {**kept, **NOWHERE_ENV, "PATH": f"{bin_dir}{os.pathsep}{kept.get('PATH', '')}"}

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start one nbgrader command in the course directory, output captured."""
        return subprocess.Popen(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=self.root,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def run(self, *args: str) -> str:
        """Run one nbgrader command; AssertionError with its output if it fails."""
        return finish(self.start(*args), args)

    def source(self, assignment: str) -> list[Path]:
        return sorted((self.root / "notebooks" / assignment).glob("*.ipynb"))

    def released(self, assignment: str) -> list[Path]:
        return sorted((self.root / "release" / assignment).glob("*.ipynb"))

    def submit(self, student: str, assignment: str, notebooks: list[Path]) -> None:
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            shutil.copy(notebook, folder / notebook.name)

    def submit_console_lab(self, student: str, evidence: Path | None) -> None:
        """The lab handed in blank, done "in the console": WAY flipped in every notebook, and
        ``evidence`` (if any) handed in beside them."""
        self.submit_lab_done_by(student, "console", self.released("lab"), evidence)

    def submit_lab_done_by(
        self, student: str, way: str, notebooks: list[Path], evidence: Path | None = None
    ) -> None:
        """The lab's ``notebooks`` handed in with WAY = ``way`` in each, and ``evidence`` (if
        any) beside them."""
        import nbformat

        folder = self.root / "submitted" / student / "lab"
        folder.mkdir(parents=True, exist_ok=True)
        for path in notebooks:
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code" and cell.source.startswith('WAY = "code"'):
                    cell.source = f'WAY = "{way}"'
            nbformat.write(notebook, folder / path.name)
        if evidence is not None:
            shutil.copy(evidence, folder / "labcheck-evidence.json")


def finish(process: subprocess.Popen[str], args: tuple[str, ...]) -> str:
    output, _ = process.communicate(timeout=COMMAND_DEADLINE_SECONDS)
    if process.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} failed:\n{output[-4000:]}\n"
            f"--- its errors, in full ---\n{error_records(output)[-8000:]}"
        )
    return output


def error_records(output: str) -> str:
    """The ERROR records of an nbgrader log, each with the traceback that follows it.

    A failed run's tail says only that a notebook failed; the why is logged much earlier.
    """
    kept: list[str] = []
    keeping = False
    for line in output.splitlines():
        if LOG_RECORD.match(line):
            keeping = line.split("]", 1)[0].endswith("ERROR")
        if keeping:
            kept.append(line)
    return "\n".join(kept)
