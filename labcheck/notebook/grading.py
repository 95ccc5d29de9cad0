"""labcheck inside notebooks: an HTML table for learners, assertions for graded cells.

Where the account state comes from:
- a learner's run: the live account (localaws or AWS). Each grade also saves
  ``labcheck-evidence.json`` beside the notebook, so a submission carries its evidence.
- nbgrader's autograder, work done **by code** or **with the AWS CLI**: the private localaws
  that ``labcheck.connect()`` started for this run, where the submission's own cells (boto3
  calls, or the CLI commands ``Lab.run_cli`` runs) just ran.
- nbgrader's autograder, work done **in the console**: the saved evidence file.

Nothing is written to stderr: nbgrader gives a graded cell with stderr output no points.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from labcheck.autograde.ownership import check_own_evidence
from labcheck.autograde.server import private_endpoint
from labcheck.checks import TASKS
from labcheck.checks import grade as run_checks
from labcheck.collect import read_state
from labcheck.collect.evidence import parse_evidence, read_evidence_bytes, save_evidence
from labcheck.errors import CannotGradeError
from labcheck.model.results import CheckResult, TaskResult
from labcheck.model.state import AccountState
from labcheck.notebook.account import autograding
from labcheck.notebook.one_look import SharedLook
from labcheck.spec import WAYS

EVIDENCE_FILE = Path("labcheck-evidence.json")
#: Ways whose work is in the notebook itself, so the autograder runs it again (REPLAYED), and
#: the way whose work is graded from the evidence saved beside the notebook.
REPLAYED = ("code", "cli")
FROM_EVIDENCE = "console"


def check_way(way: str) -> str:
    """``way``, if it is one of the lab's; CannotGradeError saying which are otherwise."""
    if way not in WAYS:
        raise CannotGradeError(
            f"WAY is {way!r}, which is not a way of doing the lab.",
            'Set WAY = "code" (boto3), WAY = "cli" (the AWS CLI) or WAY = "console" (the AWS '
            "console) and run the cell again.",
        )
    return way


def _state(endpoint_url: str | None, way: str) -> AccountState:
    check_way(way)
    if autograding() and (way == FROM_EVIDENCE or private_endpoint() is None):
        return graded_evidence(EVIDENCE_FILE)
    if autograding():
        endpoint_url = private_endpoint()
    return read_state(endpoint=endpoint_url)


def graded_evidence(path: Path) -> AccountState:
    """The evidence the autograder may grade: from a real AWS account, registered to this
    learner in the class roster, handed in by nobody else (``autograde.ownership``). Offline
    there is no console, so evidence that localaws recorded earns no points (code is replayed
    instead)."""
    data = read_evidence_bytes(path)  # read once: the bytes checked are the bytes graded
    state, backend = parse_evidence(data, path)
    if backend != "aws":
        raise CannotGradeError(
            "this evidence was recorded offline (localaws), which earns no points: offline "
            "there is no console to do the lab in.",
            'Do the lab by code (WAY = "code") or with the AWS CLI (WAY = "cli"): the autograder '
            "runs your cells again.",
        )
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":  # validate: the learner's own look
        check_own_evidence(data)
    return replace(state, backend="evidence")


def collect_and_save(way: str, endpoint_url: str | None = None) -> AccountState:
    """The state to grade; from a live account it is also saved as the evidence file."""
    state = _state(endpoint_url, way)
    if not autograding():
        save_evidence(EVIDENCE_FILE, state, run_checks(state))
    return state


_shared_look: SharedLook[AccountState] = SharedLook()
_watching_cells: bool | None = None  # None: not asked IPython yet


def shared_state(way: str, endpoint_url: str | None = None) -> AccountState:
    """``collect_and_save``, shared by consecutive reading cells in IPython (one_look.py)."""
    global _watching_cells
    if _watching_cells is None:
        _watching_cells = _on_each_cell(lambda info: _shared_look.on_cell(info.raw_cell or ""))
    if not _watching_cells:
        return collect_and_save(way, endpoint_url)
    return _shared_look.get((way, endpoint_url), lambda: collect_and_save(way, endpoint_url))


def _on_each_cell(callback: Callable[[Any], None]) -> bool:
    """Call ``callback`` before each cell IPython runs; False outside IPython."""
    shell = _ipython()
    if shell is None:
        return False
    shell.events.register("pre_run_cell", callback)
    return True


def _graded(
    tasks: tuple[str, ...], endpoint_url: str | None, way: str
) -> tuple[AccountState, list[TaskResult]]:
    state = shared_state(way, endpoint_url)
    return state, run_checks(state, tasks)


def _show_html(markup: str, text: Callable[[], str]) -> None:
    """HTML in IPython (Jupyter), the plain text anywhere else (made only then)."""
    if _ipython() is None:
        print(text())
        return
    from IPython.display import HTML, display

    display(HTML(markup))


def _ipython() -> Any:
    """The running IPython shell, or None (plain Python, or IPython not installed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def grade(*tasks: str, endpoint_url: str | None = None, way: str = "code") -> None:
    """Grade ``tasks`` (all when none) and show the results as a table."""
    from labcheck.render.report import to_html, to_text

    state, results = _graded(tasks, endpoint_url, way)
    _show_html(to_html(results, way), lambda: to_text(state, results, color=False, way=way))


def assert_passed(*tasks: str, endpoint_url: str | None = None, way: str = "code") -> None:
    """For graded cells: AssertionError listing each failed check and what to do."""
    failures = [
        _failure_text(check, way)
        for result in _graded(tasks, endpoint_url, way)[1]
        for check in result.checks
        if not check.passed
    ]
    if failures:
        raise AssertionError("\n".join(failures))


class CheckFailed(AssertionError):
    """A graded check cell that failed: the check, what is wrong and what to do next."""

    def _render_traceback_(self) -> list[str]:
        """How IPython shows it: the one line, not a traceback through labcheck."""
        return [f"FAIL {self}"]


def assert_check(
    check_id: str,
    endpoint_url: str | None = None,
    way: str = "code",
) -> None:
    """For a graded cell worth one check's points: show it, with its hint when it fails.

    Under nbgrader (autograde, or the learner's Validate) a failed check raises, which is
    how nbgrader counts it. In a learner's own run it does not: "Run All" goes on to the
    other checks and the summary instead of stopping at the first failure.
    """
    task = check_id.split(".", 1)[0]
    if task not in TASKS or check_id not in {check.id for check in TASKS[task]}:
        raise ValueError(f"labcheck has no check {check_id!r}")
    results = _graded((task,), endpoint_url, way)[1]
    check = next(c for r in results for c in r.checks if c.id == check_id)
    mark = "PASS" if check.passed else "FAIL"
    summary = f"{mark} {check.title} ({check.points}/{check.max_points}): {check.message}"
    colour = "#1a7f37" if check.passed else "#cf222e"
    markup = f"<p><b style='color:{colour}'>{mark}</b> {html.escape(summary[5:])}"
    if not check.passed and not autograding():  # under nbgrader the error says it
        summary += f"\nNext: {check.hint.text(way)}"
        markup += f"<br><b>Next:</b> {html.escape(check.hint.text(way))}"
    _show_html(markup + "</p>", lambda: summary)
    if not check.passed and autograding():
        raise CheckFailed(_failure_text(check, way))


def _failure_text(check: CheckResult, way: str) -> str:
    """A failed check for a learner working ``way``: what was found and their next step."""
    return f"{check.title}: {check.message} Next: {check.hint.text(way)}"
