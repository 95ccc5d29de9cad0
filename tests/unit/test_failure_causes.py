"""A failed resize is explained by the cause its logs name (labcheck/checks/causes.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from labcheck.checks.task3 import clean_run, resized_copy
from labcheck.model.reports import error_lines, parse_error
from labcheck.model.state import AccountState, BucketState
from tests.unit.test_labcheck_checks import complete_state, report

IMPORT_ERROR = (
    "[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': "
    "No module named 'PIL'\rTraceback (most recent call last):"
)


def without_a_copy(errors: tuple[str, ...]) -> AccountState:
    state = complete_state()
    return replace(state, resized=BucketState("lab-resized"), errors=errors)


def test_error_lines_are_the_failures_first_lines_newest_kept() -> None:
    messages = [
        "START RequestId: 1 Version: $LATEST\n",
        IMPORT_ERROR,
        "[ERROR]\t2026-11-30T07:00:00Z\t1\ta message the handler logged\n",
        "2026-11-30T07:00:00Z 2 Task timed out after 3.00 seconds\n",
    ] + [f"[ERROR] KeyError: 'n{number}'\n" for number in range(6)]
    assert parse_error(IMPORT_ERROR) == IMPORT_ERROR.split("\r")[0]
    assert parse_error("REPORT RequestId: 1\tDuration: 2.00 ms") is None
    kept = error_lines(messages)
    assert len(kept) == 5 and kept[-1] == "[ERROR] KeyError: 'n5'"
    assert error_lines(messages[:4]) == (
        IMPORT_ERROR.split("\r")[0],
        "Task timed out after 3.00 seconds",
    )


@pytest.mark.parametrize(
    ("line", "meaning", "cli", "console"),
    [
        (IMPORT_ERROR, "cannot import Pillow", "--layers $LAYER_ARN", "Add a layer"),
        (
            "[ERROR] KeyError: 'RESIZED_BUCKET'",
            "no RESIZED_BUCKET",
            "RESIZED_BUCKET=",
            "Environment",
        ),
        (
            "[ERROR] NoSuchBucket: An error occurred (NoSuchBucket) when calling the PutObject",
            "does not exist",
            "RESIZED_BUCKET=",
            "Environment variables",
        ),
        (
            "[ERROR] ClientError: An error occurred (AccessDenied) when calling the GetObject",
            "execution role",
            "--role $ROLE_ARN",
            "Execution role",
        ),
        ("Task timed out after 3.00 seconds", "timeout", "--timeout 60", "Timeout"),
    ],
)
def test_a_missing_copy_names_the_cause_and_its_fix_for_each_way(
    line: str, meaning: str, cli: str, console: str
) -> None:
    verdict = resized_copy(without_a_copy((line,)))
    assert not verdict.passed
    assert meaning in verdict.message and line[:40] in verdict.message
    assert cli in verdict.hint.text("cli") and cli not in verdict.hint.text("console")
    assert console in verdict.hint.text("console")


def test_the_newest_known_error_wins_and_unknown_ones_point_to_the_logs() -> None:
    newest = resized_copy(without_a_copy((IMPORT_ERROR, "[ERROR] KeyError: 'RESIZED_BUCKET'")))
    assert "RESIZED_BUCKET" in newest.message and "Pillow" not in newest.message
    unknown = resized_copy(without_a_copy(("[ERROR] ZeroDivisionError: division by zero",)))
    assert "localaws logs resize_image" in unknown.hint.text("code")
    assert "localaws logs resize_image" in resized_copy(without_a_copy(())).hint.text("cli")


def test_every_run_failing_names_the_cause_too() -> None:
    state = replace(complete_state(), reports=(report(512, 3000, "timeout"),))
    verdict = clean_run(replace(state, errors=("Task timed out after 60.00 seconds",)))
    assert not verdict.passed and "--timeout 60" in verdict.hint.text("cli")
