"""Console-way work counts only with the learner's own evidence from a real AWS account."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from labcheck.checks import grade
from labcheck.collect.evidence import save_evidence
from labcheck.errors import CannotGradeError
from tests.helpers import PROJECT_ROOT
from tests.unit.test_labcheck_checks import complete_state

ALICE, BOB = "111111111111", "222222222222"


def hand_in(
    course: Path, student: str, account: str, backend: str = "aws", region: str = "us-east-1"
) -> Path:
    """The learner's evidence in submitted/, and nbgrader's copy in autograded/."""
    state = replace(complete_state(), backend=backend, account=account, region=region)
    submitted = course / "submitted" / student / "lab" / "labcheck-evidence.json"
    submitted.parent.mkdir(parents=True)
    save_evidence(submitted, state, grade(state))
    autograded = course / "autograded" / student / "lab" / "labcheck-evidence.json"
    autograded.parent.mkdir(parents=True)
    shutil.copy(submitted, autograded)
    return autograded.parent


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "roster.csv").write_text(f"account_id,name\n{ALICE},alice\n{BOB},bob\n")
    monkeypatch.setenv("LABCHECK_ROSTER", str(tmp_path / "roster.csv"))
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    return tmp_path


def grade_console(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A console-way check, as in a kernel nbgrader started in ``folder``."""
    from labcheck.autograde import ownership
    from labcheck.notebook.grading import assert_check

    monkeypatch.chdir(folder)
    monkeypatch.setattr(ownership, "STARTED_IN", folder.resolve())
    assert_check("task1.function-exists", way="console")


def test_the_learners_own_aws_evidence_counts(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grade_console(hand_in(course, "alice", ALICE), monkeypatch)


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        (lambda c: hand_in(c, "alice", ALICE, backend="local"), r"recorded offline \(localaws\)"),
        (lambda c: hand_in(c, "alice", BOB), "registered to bob"),
        (lambda c: hand_in(c, "alice", "333333333333"), "not registered to anyone"),
        (lambda c: hand_in(c, "carol", ALICE), "carol is not in the class roster"),
    ],
    ids=["offline", "another-learners-account", "unknown-account", "not-in-roster"],
)
def test_evidence_that_is_not_the_learners_own_earns_nothing(
    course: Path, monkeypatch: pytest.MonkeyPatch, setup: object, says: str
) -> None:
    folder = setup(course)  # type: ignore[operator]
    with pytest.raises(CannotGradeError, match=says):
        grade_console(folder, monkeypatch)


def test_the_same_file_handed_in_twice_counts_for_neither(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = hand_in(course, "alice", ALICE)
    copied = course / "submitted" / "bob" / "lab"
    copied.mkdir(parents=True)
    shutil.copy(alice / "labcheck-evidence.json", copied / "labcheck-evidence.json")
    with pytest.raises(CannotGradeError, match="handed in by bob"):
        grade_console(alice, monkeypatch)


def test_without_a_roster_console_work_cannot_be_matched(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABCHECK_ROSTER")
    with pytest.raises(CannotGradeError, match="no class roster"):
        grade_console(hand_in(course, "alice", ALICE), monkeypatch)


def test_labcheck_audit_flags_the_class(course: Path) -> None:
    hand_in(course, "alice", ALICE)
    hand_in(course, "bob", ALICE, region="eu-west-1")  # from alice's account, collected apart
    result = subprocess.run(
        [sys.executable, "-m", "labcheck", "audit", str(course / "submitted"),
         "--roster", str(course / "roster.csv")],
        capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"bob: its account {ALICE} is registered to alice, not {BOB}" in result.stdout
    assert "alice:" not in result.stdout
    assert "2 evidence files, 1 flagged." in result.stdout


def test_another_learners_file_swapped_in_after_the_start_does_not_count(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Learner code may replace the file beside the notebook with a classmate's: the graded
    file must be the one this learner handed in."""
    alice = hand_in(course, "alice", ALICE)
    bob = hand_in(course, "bob", BOB, region="eu-west-1")
    shutil.copy(bob / "labcheck-evidence.json", alice / "labcheck-evidence.json")
    with pytest.raises(CannotGradeError, match="not the file this learner handed in"):
        grade_console(alice, monkeypatch)


def test_evidence_read_back_from_evidence_is_not_saved_again(tmp_path: Path) -> None:
    """Saving again would drop where it was recorded (offline evidence passing as AWS's)."""
    from labcheck.collect.evidence import load_evidence

    state = replace(complete_state(), backend="local")
    save_evidence(tmp_path / "offline.json", state, grade(state))
    read_back = load_evidence(tmp_path / "offline.json")
    with pytest.raises(CannotGradeError, match="only from a live account"):
        save_evidence(tmp_path / "laundered.json", read_back, grade(read_back))


def test_under_validate_the_learner_sees_their_own_aws_evidence_graded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labcheck.notebook.grading import EVIDENCE_FILE, assert_check

    state = replace(complete_state(), backend="aws")
    save_evidence(tmp_path / EVIDENCE_FILE, state, grade(state))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")  # no roster, not in autograded/
    assert_check("task1.function-exists", way="console")
