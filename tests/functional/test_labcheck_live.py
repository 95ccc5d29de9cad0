"""labcheck grades the lab done by code against localaws: full marks, mistakes, evidence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import nbformat
import pytest

from labcheck.collect.live import LiveCollector
from labcheck.collect.readonly import is_read_operation
from labcheck.notebook.lab import Lab
from labcheck.provision.resources import LabResources
from tests.helpers import AWS_TEST_ENV, PROJECT_ROOT, ServerProcess
from tests.lab_build import (
    ORIGINAL,
    RESIZED,
    client,
    do_task_4,
    do_tasks_1_to_3,
    report_lines,
    wait_for_runs,
)
from tests.lab_fixtures import allow_s3_to_invoke

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A localaws on which the whole lab has been done with the reference solution."""
    server = ServerProcess(tmp_path_factory.mktemp("graded-lab")).start()
    do_tasks_1_to_3(server.endpoint)
    do_task_4(server.endpoint)
    yield server
    server.stop()


def labcheck(server: ServerProcess | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **AWS_TEST_ENV}
    if server is not None:
        env.update(server.client_env)
    return subprocess.run(
        [sys.executable, "-m", "labcheck", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=PROJECT_ROOT,
    )


def failed_checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for t in report["tasks"] for c in t["checks"] if not c["passed"]}


def test_the_reference_lab_gets_full_marks(lab: ServerProcess, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.json"
    result = labcheck(lab, "grade", "--json", "--save-evidence", str(evidence))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["backend"] == "local" and report["account"] == "123456789012"
    assert report["score"] == report["max_score"] > 0
    assert [task["task"] for task in report["tasks"]] == ["task1", "task2", "task3", "task4"]

    offline = labcheck(None, "grade", "--json", "--evidence", str(evidence))
    assert offline.returncode == 0, offline.stderr
    replayed = json.loads(offline.stdout)
    assert replayed["backend"] == "evidence"
    assert replayed["tasks"] == report["tasks"]
    assert "testing" not in evidence.read_text()  # no credentials in the file
    assert lab.client_env["AWS_SECRET_ACCESS_KEY"] not in evidence.read_text()

    text = labcheck(lab, "grade", "task2")
    assert text.returncode == 0
    assert "task2: 4/4" in text.stdout and "PASS" in text.stdout


def test_a_tampered_evidence_file_cannot_be_graded(lab: ServerProcess, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.json"
    assert labcheck(lab, "grade", "--json", "--save-evidence", str(evidence)).returncode == 0
    document = json.loads(evidence.read_text())
    document["state"]["function"]["memory_mb"] = 128
    evidence.write_text(json.dumps(document))
    result = labcheck(None, "grade", "--evidence", str(evidence))
    assert result.returncode == 2
    assert "does not match its checksum" in result.stderr and "Traceback" not in result.stderr


def test_the_grader_only_reads(lab: ServerProcess) -> None:
    called: list[str] = []
    env = lab.client_env
    session = boto3.Session(
        region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    session.events.register(
        "before-call",
        lambda model, **_: called.append(f"{model.service_model.service_name}:{model.name}"),
    )
    LiveCollector(session, lab.endpoint).collect()
    assert called and all(is_read_operation(name.split(":")[1]) for name in called)
    policy = json.loads((PROJECT_ROOT / "labcheck/policies/grader-readonly.json").read_text())
    allowed = set(policy["Statement"][0]["Action"])
    needed = {IAM_ACTION[name] for name in called}
    assert needed <= allowed, needed - allowed


IAM_ACTION = {
    "sts:GetCallerIdentity": "sts:GetCallerIdentity",
    "cloudformation:DescribeStacks": "cloudformation:DescribeStacks",
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "s3:GetObject": "s3:GetObject",
    "lambda:GetFunction": "lambda:GetFunction",
    "lambda:GetPolicy": "lambda:GetPolicy",
    "logs:FilterLogEvents": "logs:FilterLogEvents",
}


TASK4 = PROJECT_ROOT / "notebooks/lab/task4-tune-memory.ipynb"


def task4_cells(*ids: str) -> str:
    cells = {cell.get("id"): cell.source for cell in nbformat.read(TASK4, as_version=4).cells}
    return "\n\n".join(cells[cell_id] for cell_id in ids)


@dataclass(frozen=True)
class NotebookAccount:
    """The notebook's ``aws``: clients for the test's localaws, signed with its keys (not
    through boto3's default session, which later tests use with other servers' keys)."""

    endpoint: str

    def client(self, service: str) -> Any:
        return client(self.endpoint, service)


def test_task4_extension_leaves_the_curve_and_the_checks_as_they_were(
    lab: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    """The extension times the learner's handler and the fast variant on functions of its own:
    resize_image's memory, its REPORT lines, the task 4 checks and the curve's numbers stay."""
    s3, lam = client(lab.endpoint, "s3"), client(lab.endpoint, "lambda")
    runs = len(report_lines(lab.endpoint))
    s3.copy_object(Bucket=ORIGINAL, Key="lab-image.jpg", CopySource=f"{ORIGINAL}/photos/big.jpg")
    wait_for_runs(lab.endpoint, runs + 1)  # the extension's event names the lab's key
    before = labcheck(lab, "grade", "task4", "--json")
    reports = LiveCollector(boto3.Session(**session_keys(lab)), lab.endpoint).reports
    lines, memory = reports("resize_image"), lam.get_function(FunctionName="resize_image")
    learner_lab = Lab.__new__(Lab)  # the notebook's lab without the set-up it runs first
    learner_lab.account = NotebookAccount(lab.endpoint)
    learner_lab.resources = LabResources(ORIGINAL, RESIZED, "", "")
    notebook = {"aws": learner_lab.account, "lab": learner_lab}
    exec(task4_cells("task4-19", "task4-20"), notebook)  # the course's own cells, as they are
    assert reports("resize_image") == lines
    said = capsys.readouterr().out
    assert "At 1,024 MB: your handler takes" in said and "x faster" in said, said
    after = labcheck(lab, "grade", "task4", "--json")
    assert json.loads(after.stdout)["tasks"] == json.loads(before.stdout)["tasks"]
    configuration = lam.get_function(FunctionName="resize_image")["Configuration"]
    assert configuration["MemorySize"] == memory["Configuration"]["MemorySize"]
    exec(task4_cells("task4-22"), notebook)
    assert "Deleted resize_image_copy.\nDeleted resize_image_fast." in capsys.readouterr().out
    names = [function["FunctionName"] for function in lam.list_functions()["Functions"]]
    assert names == ["resize_image"]


def session_keys(server: ServerProcess) -> dict[str, str]:
    env = server.client_env
    return {
        "region_name": "us-east-1",
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
    }


def test_common_mistakes_are_caught_with_a_hint(lab: ServerProcess) -> None:
    lam = client(lab.endpoint, "lambda")
    lam.update_function_configuration(
        FunctionName="resize_image", Environment={"Variables": {"RESIZED_BUCKET": ORIGINAL}}
    )
    lam.remove_permission(FunctionName="resize_image", StatementId="s3-trigger")
    try:
        result = labcheck(lab, "grade", "task1", "task2", "--json")
        assert result.returncode == 1
        failures = failed_checks(json.loads(result.stdout))
        assert set(failures) == {"task1.resized-bucket", "task2.permission"}
        assert "endless loop that costs money" in failures["task1.resized-bucket"]["message"]
        assert RESIZED in failures["task1.resized-bucket"]["hint"]
        assert "add-permission" in failures["task2.permission"]["hint"]
        # an instructor's report lists every way's step; --way words it for one learner
        console = labcheck(lab, "grade", "task2", "--json", "--way", "console")
        hint = failed_checks(json.loads(console.stdout))["task2.permission"]["hint"]
        assert "Resource-based policy statements" in hint and "add-permission" not in hint
        text = labcheck(lab, "grade", "task2", "--way", "cli").stdout
        assert "add-permission" in text and "Resource-based" not in text
    finally:
        lam.update_function_configuration(
            FunctionName="resize_image", Environment={"Variables": {"RESIZED_BUCKET": RESIZED}}
        )
        allow_s3_to_invoke(lam, "resize_image", ORIGINAL)


def test_unreachable_endpoint_and_unknown_task_are_one_clear_line(tmp_path: Path) -> None:
    unreachable = labcheck(None, "grade", "--endpoint-url", "http://127.0.0.1:9")
    assert unreachable.returncode == 2
    assert unreachable.stderr.startswith("labcheck: error: cannot reach")
    assert "localaws start" in unreachable.stderr and "Traceback" not in unreachable.stderr
    unknown = labcheck(None, "grade", "task9", "--evidence", str(tmp_path / "none.json"))
    assert unknown.returncode == 2 and "labcheck: error:" in unknown.stderr


def test_missing_credentials_are_one_clear_line(lab: ServerProcess) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL=lab.endpoint,
    )
    result = subprocess.run(
        [sys.executable, "-m", "labcheck", "grade"],
        capture_output=True, text=True, timeout=120, env=env, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("labcheck: error: no AWS credentials were found.")
    assert "Traceback" not in result.stderr


def test_plot_draws_the_labs_memory_curve(lab: ServerProcess, tmp_path: Path) -> None:
    out = tmp_path / "curve.png"
    result = labcheck(lab, "plot", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Memory curve of resize_image" in result.stdout and str(out) in result.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    missing = labcheck(lab, "plot", "--function", "nobody", "--out", str(tmp_path / "n.png"))
    assert missing.returncode == 2 and "a curve needs two" in missing.stderr


def test_a_failed_resize_is_explained_by_the_cause_its_logs_name(
    lab: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last in the module: it leaves failed runs in resize_image's logs.

    Without the Pillow layer every run fails on its import; labcheck reads that line from the
    logs and the failing check says to attach the layer, worded for the learner's way."""
    from dataclasses import replace

    from labcheck.checks.task3 import resized_copy
    from tests.helpers import eventually
    from tests.lab_fixtures import wait_until_ready

    lam, s3 = client(lab.endpoint, "lambda"), client(lab.endpoint, "s3")
    layers = [layer["Arn"] for layer in lam.get_function(FunctionName="resize_image")[
        "Configuration"]["Layers"]]  # fmt: skip
    lam.update_function_configuration(FunctionName="resize_image", Layers=[])
    wait_until_ready(lam, "resize_image")
    try:
        s3.put_object(Bucket=ORIGINAL, Key="no-layer.jpg", Body=tiny_jpeg())
        collector = LiveCollector(boto3.Session(**session_keys(lab)), lab.endpoint)
        assert eventually(
            lambda: any("No module named 'PIL'" in line for line in collector.collect().errors),
            deadline=60,
        )
        state = collector.collect()
        assert state.original is not None
        failed_upload = tuple(item for item in state.original.objects if item.key == "no-layer.jpg")
        only_the_failed_upload = replace(
            state, original=replace(state.original, objects=failed_upload)
        )
        verdict = resized_copy(only_the_failed_upload)
        assert not verdict.passed
        assert "No module named 'PIL'" in verdict.message
        assert "--layers $LAYER_ARN" in verdict.hint.text("cli")
        assert "Add a layer" in verdict.hint.text("console")
        assert "Layers=[lab.resources.layer_arn]" in verdict.hint.text("code")
        # The notebook's picture cell says the same when the copy is missing.
        learner_lab = Lab.__new__(Lab)  # the notebook's lab without the set-up it runs first
        learner_lab.account = NotebookAccount(lab.endpoint)
        learner_lab.resources = LabResources(ORIGINAL, RESIZED, "", "")
        learner_lab.way = "console"
        assert learner_lab.compare_images("no-layer.jpg") is None
        said = capsys.readouterr().out
        assert "no-layer.jpg has no copy" in said and "No module named 'PIL'" in said
        assert "Add a layer" in said and "--layers" not in said
    finally:
        lam.update_function_configuration(FunctionName="resize_image", Layers=layers)
        wait_until_ready(lam, "resize_image")


def tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(output, format="JPEG")
    return output.getvalue()
