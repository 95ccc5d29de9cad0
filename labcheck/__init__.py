"""labcheck: the Serverless Lab grader (account state -> checks -> report).

In a notebook: ``aws = labcheck.connect()`` says which account the demos use;
``labcheck.Sandbox(aws)`` creates demo resources and cleans them up;
``labcheck.grade("task2")`` shows a table; ``labcheck.assert_passed("task2")`` fails a graded
cell with the hints; a knowledge check's test cell calls
``labcheck.check(condition, wrong=..., right=...)``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from labcheck.notebook.account import Account, connect
from labcheck.notebook.lab import Lab
from labcheck.notebook.sandbox import Invocation, Sandbox
from labcheck.quiz.feedback import NotYet, answer_key, check, is_answer

__all__ = [
    "Account",
    "Invocation",
    "Lab",
    "NotYet",
    "Sandbox",
    "answer_key",
    "assert_check",
    "assert_passed",
    "check",
    "check_answers",
    "connect",
    "grade",
    "is_answer",
    "memory_table",
    "reveal",
]


def grade(*tasks: str, endpoint_url: str | None = None, way: str = "code") -> None:
    """Show the checks of ``tasks`` (all when none) as a table, with hints for ``way``
    ("code", "cli" or "console")."""
    from labcheck.notebook.grading import grade as notebook_grade

    notebook_grade(*tasks, endpoint_url=endpoint_url, way=way)


def assert_passed(*tasks: str, endpoint_url: str | None = None, way: str = "code") -> None:
    """For graded cells: fail, with each failed check's hint, unless every check passes."""
    from labcheck.notebook.grading import assert_passed as notebook_assert

    notebook_assert(*tasks, endpoint_url=endpoint_url, way=way)


def assert_check(check_id: str, endpoint_url: str | None = None, way: str = "code") -> None:
    """For a graded cell worth one check's points: show it and fail with its hint."""
    from labcheck.notebook.grading import assert_check as notebook_check

    notebook_check(check_id, endpoint_url=endpoint_url, way=way)


def check_answers(notebook: str | None = None) -> None:
    """Self-study: the instructor's tests (hidden ones too) on this notebook as last saved, in
    a scratch copy of the course; each question correct, not yet, or not answered. Shows no
    hidden test and no model answer."""
    from labcheck.quiz.notebooks import this_notebook
    from labcheck.quiz.selfcheck import check_answers as run_check

    learner = this_notebook(notebook)
    print(f"Checking {learner.path.name} as last saved (save first if you changed it)...")
    verdicts = run_check(learner)
    print("\n".join(verdict.line() for verdict in verdicts) or "This notebook has no questions.")


def reveal(question: int | str, notebook: str | None = None) -> None:
    """Self-study: the model answer to ``question`` of this notebook, with why, once
    ``check_answers()`` has judged an answer of yours to it."""
    from labcheck.quiz.notebooks import this_notebook
    from labcheck.quiz.reveal import model_answer

    print(model_answer(this_notebook(notebook), question))


def plot_memory_curve(function: str = "resize_image", endpoint_url: str | None = None) -> Any:
    """Duration and cost against memory from the function's REPORT lines (a Figure)."""
    from labcheck.collect.live import live_collector
    from labcheck.render.plot import memory_curve

    return memory_curve(live_collector(endpoint_url).reports(function), function)


def memory_table(way: str = "code", endpoint_url: str | None = None) -> Any:
    """Task 4's numbers: per memory size the median warm duration and cost per invocation,
    and the speed-up from each size to the next, from what the checks grade (way as in grade).
    Too few sizes yet: says which to run, and returns None."""
    from labcheck.errors import CannotGradeError
    from labcheck.notebook.grading import shared_state
    from labcheck.render.plot import memory_table as table

    try:
        return table(shared_state(way, endpoint_url).reports)
    except CannotGradeError as error:
        print(f"No numbers yet: {error.message} {error.hint}")
        return None
