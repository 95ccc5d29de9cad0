"""Whose evidence is it? Console-way work is graded from an evidence file only when it belongs
to the learner who handed it in.

The class roster is the CSV ``labcheck grade --roster`` reads (``account_id,name``), with each
learner's nbgrader student id as the name; ``LABCHECK_ROSTER`` names it (nbgrader_config.py
sets it to ``roster.csv`` beside the course when there is one). Evidence belongs to a learner
when its account is the one registered for them, and no other learner handed in the same file.
An evidence file is only as trustworthy as its checksum: it catches edits made by mistake, not
forgery, so graded work in learners' own accounts is best checked live
(``labcheck grade --roster``).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from labcheck.errors import CannotGradeError

ROSTER_VARIABLE = "LABCHECK_ROSTER"
EVIDENCE_FILE = "labcheck-evidence.json"


@dataclass(frozen=True)
class HandedIn:
    """One learner's evidence file in nbgrader's ``submitted/`` folder."""

    student: str
    path: Path
    account: str
    digest: str


def class_roster(path: Path) -> dict[str, str]:
    """Student id -> registered AWS account id; CannotGradeError for a name or an account
    listed twice (one of them would silently win)."""
    from labcheck.roster import read_roster

    learners = [learner for learner in read_roster(path) if learner.name]
    for kind, values in (
        ("name", [learner.name for learner in learners]),
        ("account", [learner.account_id for learner in learners]),
    ):
        twice = sorted({value for value in values if values.count(value) > 1})
        if twice:
            raise CannotGradeError(f"{path} lists the {kind} {', '.join(twice)} more than once.")
    return {learner.name: learner.account_id for learner in learners}


def handed_in(submitted: Path, assignment: str = "lab") -> list[HandedIn]:
    """Every readable evidence file under ``submitted/<student>/<assignment>/``."""
    found = []
    for path in sorted(submitted.glob(f"*/{assignment}/{EVIDENCE_FILE}")):
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(document, dict):
            account, digest = str(document.get("account", "")), str(document.get("digest", ""))
            found.append(HandedIn(path.parent.parent.name, path, account, digest))
    return found


def audit(evidence: list[HandedIn], roster: dict[str, str]) -> dict[str, list[str]]:
    """What is wrong with each learner's evidence (learners with none left out)."""
    owner_of = {account: student for student, account in roster.items()}
    by_digest: dict[str, list[str]] = defaultdict(list)
    for item in evidence:
        by_digest[item.digest].append(item.student)
    problems: dict[str, list[str]] = defaultdict(list)
    for item in evidence:
        others = sorted(s for s in by_digest[item.digest] if s != item.student)
        if others:
            problems[item.student].append(
                f"the same evidence file was handed in by {', '.join(others)}"
            )
        registered = roster.get(item.student)
        if registered is None:
            problems[item.student].append(f"{item.student} is not in the class roster")
        elif item.account != registered:
            holder = owner_of.get(item.account)
            whose = f"registered to {holder}" if holder else "not registered to anyone"
            problems[item.student].append(
                f"its account {item.account} is {whose}, not {registered} ({item.student}'s)"
            )
    return dict(problems)


#: Where this process started: nbgrader starts each kernel in the notebook's folder,
#: ``autograded/<student>/<assignment>/``, before any of the learner's code runs.
STARTED_IN = Path.cwd().resolve()


def check_own_evidence(data: bytes, started_in: Path | None = None) -> None:
    """CannotGradeError saying why, unless the evidence ``data`` (the very bytes that will be
    graded) is this learner's own, under nbgrader's autograder.

    The student and the assignment come from the folder the kernel started in, and the file
    graded is the one checked: it must be the file this learner handed in (the same digest as
    their ``submitted/`` copy), from the account the roster registers for them, and nobody
    else may have handed in the same file. This runs beside the learner's own code, so it
    stops mistakes and casual copying; ``labcheck audit`` after autograding is the check
    instructors rely on.
    """
    started_in = started_in or STARTED_IN
    if started_in.parent.parent.name != "autograded":
        raise CannotGradeError(
            "console-way work is graded only by nbgrader's autograder, against the class roster."
        )
    student, assignment = started_in.parent.name, started_in.name
    course = started_in.parent.parent.parent
    roster = _roster()
    try:
        document = json.loads(data)
        digest = str(document["digest"])
    except (ValueError, KeyError, TypeError) as error:
        raise CannotGradeError("the evidence is not a labcheck evidence file.") from error
    class_evidence = handed_in(course / "submitted", assignment)
    mine = [item for item in class_evidence if item.student == student]
    if not mine or mine[0].digest != digest:
        raise CannotGradeError("the evidence graded here is not the file this learner handed in.")
    # Same digest: the graded file is the submitted one, whose account audit compares.
    problems = audit(class_evidence, roster).get(student)
    if problems:
        raise CannotGradeError(
            "this evidence does not count: " + "; ".join(problems) + ".",
            "Hand in the evidence labcheck saved in your own AWS account, or do the lab by code.",
        )


def _roster() -> dict[str, str]:
    roster_path = os.environ.get(ROSTER_VARIABLE)
    if not roster_path:
        raise CannotGradeError(
            "there is no class roster, so this evidence cannot be matched to its learner.",
            "The instructor puts roster.csv (account_id,name) beside the course "
            f"(or sets {ROSTER_VARIABLE}).",
        )
    return class_roster(Path(roster_path))
