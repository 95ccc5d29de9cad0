"""A lab check cell: in the learner's run a failure shows its hint and lets Run All go on;
under nbgrader it raises (how nbgrader counts it), as one line without labcheck's traceback."""

from __future__ import annotations

from dataclasses import replace

import pytest

from labcheck.checks import grade
from labcheck.notebook import grading
from labcheck.notebook.grading import CheckFailed, assert_check
from tests.unit.test_labcheck_checks import complete_state


@pytest.fixture
def no_function(monkeypatch: pytest.MonkeyPatch) -> None:
    state = replace(complete_state(), function=None)
    monkeypatch.setattr(
        grading, "_graded", lambda tasks, endpoint, way: (state, grade(state, tasks))
    )
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def test_in_the_learners_run_a_failed_check_shows_the_hint_and_does_not_stop_run_all(
    no_function: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_check("task1.function-exists")  # no exception: the next cells still run
    shown = capsys.readouterr().out
    assert shown.startswith("FAIL The function resize_image exists (0/2)")
    assert "\nNext: Create a function named resize_image" in shown


@pytest.mark.parametrize("step", ["autograde", "validate"])
def test_under_nbgrader_a_failed_check_raises_one_line(
    no_function: None, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", step)
    with pytest.raises(CheckFailed) as failed:
        assert_check("task1.function-exists")
    assert isinstance(failed.value, AssertionError)
    [line] = failed.value._render_traceback_()
    assert line.startswith("FAIL The function resize_image exists:")
    assert "Next: Create a function named resize_image" in line


def test_a_passing_check_says_pass(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = complete_state()
    monkeypatch.setattr(
        grading, "_graded", lambda tasks, endpoint, way: (state, grade(state, tasks))
    )
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert_check("task1.function-exists")
    assert capsys.readouterr().out.startswith("PASS The function resize_image exists (2/2)")
