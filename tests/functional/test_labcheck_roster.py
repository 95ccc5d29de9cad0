"""Class grading: several accounts in one localaws, reached through STS AssumeRole."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.helpers import PROJECT_ROOT, ServerProcess, aws_client
from tests.lab_fixtures import TRUST_POLICY, zip_bytes

pytestmark = pytest.mark.server


def session_in(server: ServerProcess, account: str) -> Any:
    sts = aws_client(server.endpoint, "sts")
    role = f"arn:aws:iam::{account}:role/LabGrader"
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="setup")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


def start_the_lab(server: ServerProcess, account: str) -> None:
    """Most of task 1: buckets, role and the function (no layer, trigger or upload)."""
    session = session_in(server, account)
    s3 = session.client("s3", endpoint_url=server.endpoint)
    for kind in ("original", "resized"):
        s3.create_bucket(Bucket=f"lab-{kind}-{account}")
    role = session.client("iam", endpoint_url=server.endpoint).create_role(
        RoleName="ResizeImageLambdaRole", AssumeRolePolicyDocument=TRUST_POLICY
    )["Role"]["Arn"]
    handler = (PROJECT_ROOT / "solutions/resize_image/lambda_function.py").read_text()
    session.client("lambda", endpoint_url=server.endpoint).create_function(
        FunctionName="resize_image",
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zip_bytes({"lambda_function.py": handler})},
        MemorySize=512,
        Environment={"Variables": {"RESIZED_BUCKET": f"lab-resized-{account}"}},
    )


def run_roster(server: ServerProcess, roster: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labcheck", "grade", "--roster", str(roster),
         "--assume-role", "LabGrader", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
        env={**os.environ, **server.client_env},
    )  # fmt: skip


def test_a_class_is_graded_account_by_account(server: ServerProcess, tmp_path: Path) -> None:
    start_the_lab(server, "111111111111")
    roster = tmp_path / "accounts.csv"
    roster.write_text("account_id,name\n111111111111,Ada\n222222222222,Grace\n")
    result = run_roster(server, roster, tmp_path / "grades")
    assert result.returncode == 0, result.stdout + result.stderr
    with (tmp_path / "grades" / "scores.csv").open() as handle:
        scores = {row["account_id"]: row for row in csv.DictReader(handle)}
    assert scores["111111111111"]["name"] == "Ada"
    assert int(scores["111111111111"]["score"]) == 9  # task 1 but its layer
    assert int(scores["222222222222"]["score"]) == 0  # nothing yet
    report = json.loads((tmp_path / "grades" / "111111111111.json").read_text())
    assert report["account"] == "111111111111"
    task1 = next(task for task in report["tasks"] if task["task"] == "task1")
    assert [c["id"] for c in task1["checks"] if not c["passed"]] == ["task1.layer"]


def test_a_bad_roster_is_one_clear_line(server: ServerProcess, tmp_path: Path) -> None:
    roster = tmp_path / "accounts.csv"
    roster.write_text("account_id\n12345\n")
    result = run_roster(server, roster, tmp_path / "grades")
    assert result.returncode == 2
    assert "line 2: '12345' is not a 12-digit account id" in result.stderr


def test_handed_in_evidence_is_compared_with_each_live_account(
    server: ServerProcess, tmp_path: Path
) -> None:
    from dataclasses import replace

    from labcheck.checks import grade
    from labcheck.collect.evidence import save_evidence
    from tests.unit.test_labcheck_checks import complete_state

    start_the_lab(server, "444444444444")
    submitted = tmp_path / "submitted"
    # Ada hands in what labcheck saw in her own account.
    ada = submitted / "Ada" / "lab" / "labcheck-evidence.json"
    ada.parent.mkdir(parents=True)
    credentials = session_in(server, "444444444444").get_credentials()
    saved = subprocess.run(
        [sys.executable, "-m", "labcheck", "grade", "--save-evidence", str(ada)],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
        env={**os.environ, **server.client_env,
             "AWS_ACCESS_KEY_ID": credentials.access_key,
             "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
             "AWS_SESSION_TOKEN": credentials.token},
    )  # fmt: skip
    assert saved.returncode == 1 and ada.is_file(), saved.stderr  # some checks fail: saved
    # Grace hands in a complete lab her account does not show.
    grace = submitted / "Grace" / "lab" / "labcheck-evidence.json"
    grace.parent.mkdir(parents=True)
    forged = replace(complete_state(), account="555555555555")
    save_evidence(grace, forged, grade(forged))
    roster = tmp_path / "accounts.csv"
    roster.write_text("account_id,name\n444444444444,Ada\n555555555555,Grace\n666666666666,Lin\n")
    result = subprocess.run(
        [sys.executable, "-m", "labcheck", "grade", "--roster", str(roster),
         "--assume-role", "LabGrader", "--out", str(tmp_path / "grades"),
         "--compare-evidence", str(submitted)],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
        env={**os.environ, **server.client_env},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    with (tmp_path / "grades" / "scores.csv").open() as handle:
        evidence = {row["name"]: row["evidence"] for row in csv.DictReader(handle)}
    assert evidence["Ada"] == ""  # her evidence agrees with her account
    assert evidence["Grace"].startswith("passes in the evidence but not in the account: ")
    assert "task1.function-exists" in evidence["Grace"]
    assert evidence["Lin"] == "no evidence file handed in"
    assert "Grace: 0/" in result.stdout and "evidence: passes in the evidence" in result.stdout
