"""labcheck inside notebooks: an HTML table for learners, assertions for graded cells.

Live in JupyterLab, a grade also saves ``labcheck-evidence.json`` beside the notebook, so a
submitted notebook carries its evidence; under nbgrader's autograder (``NBGRADER_EXECUTION``
set) that file is graded instead of a live account. Nothing is written to stderr: nbgrader
gives a graded cell with stderr output no points.
"""

from __future__ import annotations

import os
from pathlib import Path

from labcheck.checks import grade as run_checks
from labcheck.evidence import load_evidence, save_evidence
from labcheck.results import TaskResult
from labcheck.state import AccountState

EVIDENCE_FILE = Path("labcheck-evidence.json")


def _autograding() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _state(endpoint_url: str | None) -> AccountState:
    if _autograding():
        return load_evidence(EVIDENCE_FILE)
    from labcheck.collect_live import live_collector

    return live_collector(endpoint_url).collect()


def _graded(
    tasks: tuple[str, ...], endpoint_url: str | None
) -> tuple[AccountState, list[TaskResult]]:
    state = _state(endpoint_url)
    results = run_checks(state, tasks)
    if not _autograding():
        save_evidence(EVIDENCE_FILE, state, run_checks(state))
    return state, results


def grade(*tasks: str, endpoint_url: str | None = None) -> list[TaskResult]:
    """Grade ``tasks`` (all when none) and show the results as a table."""
    from labcheck.report import to_html

    state, results = _graded(tasks, endpoint_url)
    try:
        from IPython.display import HTML, display
    except ImportError:  # plain Python: a text table instead
        from labcheck.report import to_text

        print(to_text(state, results, color=False))
    else:
        display(HTML(to_html(results)))
    return results


def assert_passed(*tasks: str, endpoint_url: str | None = None) -> None:
    """For graded cells: AssertionError listing each failed check and what to do."""
    failures = [
        f"{check.title}: {check.message} Next: {check.hint}"
        for result in _graded(tasks, endpoint_url)[1]
        for check in result.checks
        if not check.passed
    ]
    if failures:
        raise AssertionError("\n".join(failures))
