"""A self-study learner's verdict on their answers, from the instructor's own tests.

The learner's copy has no hidden tests. ``check_answers`` hands the saved notebook to
``nbgrader autograde`` in a scratch course made from the instructor's sources (the hidden tests
restored, the demos run again against a private localaws, as in class), then reports each
question as correct, not yet, or not answered. It shows only what the learner's copy already
shows: a failing test's message when that message is in the visible tests, never the hidden
tests' text or the model answer.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from labcheck.errors import CannotGradeError
from labcheck.quiz.feedback import written_messages
from labcheck.quiz.notebooks import LearnerNotebook
from labcheck.workspace.scratch_course import NbgraderFailed, make_course, run_nbgrader

STUDENT = "me"
#: What each verdict means for the learner, and what to do next.
CORRECT, NOT_YET, NOT_ANSWERED = "correct", "not yet", "not answered"
VERDICTS_FILE = ".self-check.json"
RUN_ALL = "Run every cell from the top once (Run > Run All Cells), save, and check again."


@dataclass(frozen=True)
class Verdict:
    question: str  # "q2"
    status: str  # CORRECT, NOT_YET or NOT_ANSWERED
    message: str = ""  # a visible test's message, when one explains the failure

    def line(self) -> str:
        number = self.question.lstrip("q")
        said = f"Question {number}: {self.status}"
        if self.status == NOT_YET:
            said += (
                f": {self.message.removeprefix('Not yet: ')}"
                if self.message
                else (
                    ": it passes the tests you can see, not all of the instructor's. Look again at "
                    "the question and at what the demo showed."
                )
            )
        elif self.status == NOT_ANSWERED:
            said += ": replace raise NotImplementedError() with your answer."
        return said


def check_answers(notebook: LearnerNotebook) -> list[Verdict]:
    """Grade the saved ``notebook`` with the instructor's tests; remember the verdicts."""
    visible = notebook.visible_tests()
    if not visible:
        return []  # no questions (a lab notebook: labcheck.grade checks those)
    with tempfile.TemporaryDirectory(prefix="self-check-") as scratch:
        course = make_course(notebook.config, [notebook.source.parent], Path(scratch))
        submitted = course / "submitted" / STUDENT / notebook.assignment
        submitted.mkdir(parents=True)
        shutil.copy(notebook.path, submitted / notebook.source.name)
        for step in (
            ("generate_assignment", notebook.assignment, "--force"),
            ("autograde", notebook.assignment, "--student", STUDENT, "--force"),
        ):
            try:
                run_nbgrader(course, *step)
            except NbgraderFailed as failure:
                raise CannotGradeError(
                    f"nbgrader {step[0]} could not run your notebook: {failure}", RUN_ALL
                ) from None
        graded = course / "autograded" / STUDENT / notebook.assignment / notebook.source.name
        if not graded.is_file():
            raise CannotGradeError(f"nbgrader did not grade {notebook.path.name}.", RUN_ALL)
        verdicts = _verdicts(nbformat.read(graded, as_version=4), visible)
    _remember(notebook, verdicts)
    return verdicts


def recorded_verdicts(notebook: LearnerNotebook) -> dict[str, str]:
    """Each question's last verdict for this notebook (question -> status)."""
    try:
        data = json.loads((notebook.workspace / VERDICTS_FILE).read_text())
        return {str(q): str(s) for q, s in data[notebook.key].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _verdicts(graded: nbformat.NotebookNode, visible: dict[str, str]) -> list[Verdict]:
    """Each question's verdict; ``visible``: its tests as the learner's copy shows them."""
    verdicts = []
    for cell in graded.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code" or not grade_id.endswith("-tests"):
            continue
        question = grade_id.removesuffix("-tests")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            verdicts.append(Verdict(question, CORRECT))
        elif _unanswered(graded, question, errors[0]):
            verdicts.append(Verdict(question, NOT_ANSWERED))
        else:
            message = str(errors[0].get("evalue", "")).strip()
            written = written_messages(visible.get(question, ""))
            shown = (
                message
                if message and (message in written or message in visible.get(question, ""))
                else ""
            )
            verdicts.append(Verdict(question, NOT_YET, shown))
    return verdicts


def _unanswered(graded: nbformat.NotebookNode, question: str, error: dict[str, object]) -> bool:
    """The answer cell still raises NotImplementedError (so the test cannot find the answer)."""
    if error.get("ename") == "NotImplementedError":
        return True
    for cell in graded.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{question}-answer":
            return any(o.get("ename") == "NotImplementedError" for o in cell.get("outputs", []))
    return False


def _remember(notebook: LearnerNotebook, verdicts: list[Verdict]) -> None:
    path = notebook.workspace / VERDICTS_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[notebook.key] = {verdict.question: verdict.status for verdict in verdicts}
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    partial.replace(path)  # whole or not at all, even with two kernels checking at once
