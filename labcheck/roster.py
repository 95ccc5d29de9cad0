"""Class grading: many learners' AWS accounts, graded in parallel through STS AssumeRole.

The roster is a CSV with a column ``account_id`` (and optionally ``name``). For each account
labcheck assumes ``arn:aws:iam::<account>:role/<role>``, grades it read-only, writes
``<account>.json`` (the report as ``labcheck grade --json`` prints it) and a row of
``scores.csv``. An account that cannot be graded gets its reason in the CSV; the others go on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labcheck.checks import grade
from labcheck.errors import CannotGradeError
from labcheck.model.state import AccountState
from labcheck.render.report import to_json

ACCOUNT_ID = re.compile(r"^\d{12}$")
MAX_PARALLEL = 8


@dataclass(frozen=True)
class Learner:
    account_id: str
    name: str


@dataclass(frozen=True)
class RosterRow:
    learner: Learner
    score: int | None
    max_score: int | None
    error: str = ""
    #: How the evidence the learner handed in differs from their live account ("" if it
    #: agrees, or when no comparison was asked for).
    evidence: str = ""


def compare_with_evidence(live: AccountState, evidence: Path) -> str:
    """What the evidence file claims that the live account does not show ("" if nothing)."""
    from labcheck.collect.evidence import load_evidence

    if not evidence.is_file():
        return "no evidence file handed in"
    try:
        recorded = load_evidence(evidence)
    except CannotGradeError as error:
        return f"the evidence file cannot be read: {error}"
    if recorded.account != live.account:
        return f"the evidence is from account {recorded.account}, not {live.account}"
    passing_live = {c.id for result in grade(live) for c in result.checks if c.passed}
    claimed = [
        c.id
        for result in grade(recorded)
        for c in result.checks
        if c.passed and c.id not in passing_live
    ]
    if claimed:
        return "passes in the evidence but not in the account: " + ", ".join(claimed)
    return ""


def read_roster(path: Path) -> list[Learner]:
    try:
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise CannotGradeError(f"cannot read the roster {path}: {error.strerror}.") from error
    if not rows or "account_id" not in rows[0]:
        raise CannotGradeError(
            f"{path} has no account_id column.", "The first line should be: account_id,name"
        )
    learners = []
    for number, row in enumerate(rows, start=2):
        account = (row.get("account_id") or "").strip()
        if not ACCOUNT_ID.match(account):
            raise CannotGradeError(
                f"{path} line {number}: {account!r} is not a 12-digit account id."
            )
        learners.append(Learner(account, (row.get("name") or "").strip()))
    return learners


class RosterGrader:
    """Grades each learner's account with a session from ``assume`` (account -> session)."""

    def __init__(
        self,
        assume: Callable[[str], Any],
        collect: Callable[[Any], AccountState],
        out_dir: Path,
        evidence_dir: Path | None = None,
    ) -> None:
        self.assume = assume
        self.collect = collect
        self.out_dir = out_dir
        #: nbgrader's submitted/ folder: each learner's evidence is compared with their account.
        self.evidence_dir = evidence_dir

    def grade_one(self, learner: Learner) -> RosterRow:
        try:
            state = self.collect(self.assume(learner.account_id))
        except CannotGradeError as error:
            return RosterRow(learner, None, None, str(error))
        report = to_json(state, grade(state))
        (self.out_dir / f"{learner.account_id}.json").write_text(json.dumps(report, indent=2))
        differs = ""
        if self.evidence_dir is not None:
            handed_in = self.evidence_dir / learner.name / "lab" / "labcheck-evidence.json"
            differs = compare_with_evidence(state, handed_in)
        return RosterRow(learner, report["score"], report["max_score"], evidence=differs)

    def grade_all(self, learners: list[Learner]) -> list[RosterRow]:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(learners) or 1)) as pool:
            rows = list(pool.map(self.grade_one, learners))
        with (self.out_dir / "scores.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["account_id", "name", "score", "max_score", "error", "evidence"])
            for row in rows:
                learner = row.learner
                writer.writerow(
                    [learner.account_id, learner.name, row.score, row.max_score, row.error,
                     row.evidence]
                )  # fmt: skip
        return rows


def assume_role_sessions(
    base: Any, role_name: str, endpoint_url: str | None
) -> Callable[[str], Any]:
    """A function giving a boto3 session inside each account, through STS AssumeRole."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from labcheck.errors import describe_aws_error

    settings = {"endpoint_url": endpoint_url} if endpoint_url else {}
    sts = base.client("sts", **settings)

    def session_for(account_id: str) -> Any:
        role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
        try:
            credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="labcheck")[
                "Credentials"
            ]
        except (BotoCoreError, ClientError) as error:
            raise describe_aws_error(error) from error
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=base.region_name,
        )

    return session_for
