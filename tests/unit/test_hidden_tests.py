"""Hidden tests fail plausible wrong answers, not only blanks (run on the source notebooks)."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest

from tests.helpers import PROJECT_ROOT

SERVICES = PROJECT_ROOT / "notebooks/09-serverless-services/09-serverless-services.ipynb"
SNS, SQS, FIFO = (
    "a new user must trigger a welcome e-mail, a CRM update and analytics at once",
    "image jobs arrive in bursts and one worker should process them at its own pace",
    "a bank account's transactions must be applied in order, never twice",
)


def cell(path: Any, grade_id: str) -> str:
    notebook = nbformat.read(path, as_version=4)
    [found] = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return str(found.source)


def passes(test_source: str, **answers: Any) -> bool:
    try:
        exec(test_source, dict(answers))  # the graded cell, hidden tests included
    except AssertionError:
        return False
    return True


def test_09_q1_grades_by_scenario_not_by_order() -> None:
    tests = cell(SERVICES, "q1-tests")
    assert passes(tests, choice={SNS: "sns", SQS: "sqs", FIFO: "sqs-fifo"})
    assert passes(tests, choice={FIFO: "sqs-fifo", SNS: "sns", SQS: "sqs"})  # another order


@pytest.mark.parametrize(
    "wrong",
    [
        {"x": "sns", "y": "sqs", "z": "sqs-fifo"},  # the right values under made-up keys
        {SNS: "sqs", SQS: "sns", FIFO: "sqs-fifo"},
        {SNS: "sns", SQS: "sqs-fifo", FIFO: "sqs"},
        {SNS: "sns", SQS: "sqs", FIFO: "sqs"},
    ],
)
def test_09_q1_fails_wrong_answers(wrong: dict[str, str]) -> None:
    assert not passes(cell(SERVICES, "q1-tests"), choice=wrong)


def test_09_q1_gives_the_learner_the_scenarios() -> None:
    answer = cell(SERVICES, "q1-answer")
    released = answer.split("### BEGIN SOLUTION")[0]  # what nbgrader leaves of the cell
    assert all(scenario in released for scenario in (SNS, SQS, FIFO))
