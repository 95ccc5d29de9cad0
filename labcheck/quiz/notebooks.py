"""Which notebook of the learner's copy a kernel runs, and its instructor's source."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from labcheck.errors import CannotGradeError
from labcheck.workspace.learner_copy import find_workspace

HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"


@dataclass(frozen=True)
class LearnerNotebook:
    path: Path  # the learner's saved notebook
    workspace: Path
    source: Path  # the instructor's notebook it was released from
    config: Path  # nbgrader_config.py

    @property
    def assignment(self) -> str:
        return self.source.parent.name

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.source.name}"

    def visible_tests(self) -> dict[str, str]:
        """Each question's test cell as the learner's copy shows it (question -> source)."""
        tests = {}
        for cell in nbformat.read(self.source, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if cell.cell_type == "code" and grade_id.endswith("-tests"):
                tests[grade_id.removesuffix("-tests")] = cell.source.split(HIDDEN_TESTS)[0]
        return tests


def this_notebook(notebook: str | Path | None = None) -> LearnerNotebook:
    """The learner's notebook (``notebook``, else the one this kernel runs) in their copy."""
    if notebook is None:
        session = os.environ.get("JPY_SESSION_NAME", "")
        if not session.endswith(".ipynb"):
            raise CannotGradeError(
                "this is not a notebook opened in JupyterLab, so which one to check is unknown.",
                "Give its path: labcheck.check_answers('04-invocation-types.ipynb').",
            )
        # An absolute path, or the server's path for it (the kernel starts in its folder).
        notebook = session if Path(session).is_absolute() else Path.cwd() / Path(session).name
    path = Path(notebook).expanduser().resolve()
    if not path.is_file():
        raise CannotGradeError(f"there is no notebook at {path}.", "Save it first (Ctrl+S).")
    found = find_workspace(path.parent)
    if found is None:
        raise CannotGradeError(
            f"{path.name} is not in a learner's copy of the course made here by `make lab`, "
            "so the instructor's tests are not at hand.",
            "Open the course with `make lab`; in a class, your instructor's autograder checks it.",
        )
    workspace, sources, config = found
    if not sources.is_dir() or not config.is_file():  # a class image (postBuild's .class-image)
        raise CannotGradeError(
            "your instructor turned self-study checks and model answers off in this copy of "
            "the course (it was built without the instructor's notebooks).",
            "Submit your work: your instructor's autograder checks it.",
        )
    relative = path.relative_to(workspace)  # a course update's copy checks as its notebook
    stem = re.sub(r"\.updated(-\d+)?$", "", relative.stem)
    source = sources / relative.parent / f"{stem}{relative.suffix}"
    if not source.is_file():
        raise CannotGradeError(f"{path.name} is not one of the course's notebooks.")
    return LearnerNotebook(path, workspace, source, config)
