"""The model answer to a question, shown only after the learner's own judged attempt."""

from __future__ import annotations

import nbformat

from labcheck.errors import CannotGradeError
from labcheck.quiz.notebooks import LearnerNotebook
from labcheck.quiz.selfcheck import CORRECT, NOT_YET, recorded_verdicts

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def question_id(question: int | str) -> str:
    """``2``, ``"2"``, ``"q2"`` or ``"Question 2"`` -> ``"q2"``."""
    text = str(question).strip().lower().removeprefix("question").strip().removeprefix("q")
    if not text.isdigit():
        raise CannotGradeError(f"{question!r} is not a question number.", "Give one, e.g. 2.")
    return f"q{int(text)}"


def model_answer(notebook: LearnerNotebook, question: int | str) -> str:
    """The model answer (and why) to ``question``, once the learner's answer was judged."""
    wanted = question_id(question)
    status = recorded_verdicts(notebook).get(wanted)
    if status not in (CORRECT, NOT_YET):
        raise CannotGradeError(
            f"the model answer to question {wanted[1:]} opens after your own attempt.",
            "Write your answer, save (Ctrl+S), run labcheck.check_answers(), then ask again.",
        )
    for cell in nbformat.read(notebook.source, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{wanted}-answer":
            solution = cell.source.split(BEGIN, 1)[1].split(END, 1)[0]
            lines = solution.strip("\n").splitlines()
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            shown = "\n".join(line[indent:] for line in lines)
            return f"Question {wanted[1:]} (yours: {status}). The model answer:\n\n{shown}"
    raise CannotGradeError(f"this notebook has no question {wanted[1:]}.")
