"""labcheck setup and cleanup against localaws, and grading inside a notebook process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import AWS_TEST_ENV, PROJECT_ROOT, ServerProcess
from tests.lab_build import client

pytestmark = pytest.mark.server
THIS_PYTHON = f"3.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("setup")).start()
    yield process
    process.stop()


def labcheck(
    server: ServerProcess, *args: str, cwd: Path = PROJECT_ROOT
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **server.client_env}
    return subprocess.run(
        [sys.executable, "-m", "labcheck", *args],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def test_the_template_passes_cfn_lint() -> None:
    template = PROJECT_ROOT / "labcheck/provision/templates/serverless-lab.yaml"
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(template)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_setup_is_idempotent_and_cleanup_removes_everything(server: ServerProcess) -> None:
    first = labcheck(server, "setup", "--python-versions", THIS_PYTHON)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Creating stack serverless-lab" in first.stdout
    assert "OriginalBucketName: serverless-lab-original-123456789012-us-east-1" in first.stdout
    iam = client(server.endpoint, "iam")
    attached = iam.list_attached_role_policies(RoleName="ResizeImageLambdaRole")
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == [
        "AWSLambdaBasicExecutionRole"
    ]
    layers = client(server.endpoint, "lambda").list_layer_versions(
        LayerName="PillowPythonLambdaLayer"
    )["LayerVersions"]
    assert len(layers) == 1 and f"python{THIS_PYTHON}" in layers[0]["CompatibleRuntimes"]

    again = labcheck(server, "setup", "--python-versions", THIS_PYTHON)
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stdout and "is up to date" in again.stdout
    assert "Created: nothing (all there)" in again.stdout

    asked = labcheck(server, "cleanup")
    assert asked.returncode == 2 and "labcheck cleanup --yes" in asked.stderr
    done = labcheck(server, "cleanup", "--yes")
    assert done.returncode == 0, done.stderr
    assert "Deleted stack serverless-lab" in done.stdout
    assert client(server.endpoint, "s3").list_buckets()["Buckets"] == []
    assert labcheck(server, "cleanup", "--yes").stdout.strip() == "Nothing to clean up."


def test_offline_evidence_earns_nothing_under_nbgrader(
    server: ServerProcess, tmp_path: Path
) -> None:
    script = (
        "import labcheck\n"
        "try:\n"
        "    labcheck.assert_passed('task1')\n"
        "except AssertionError as error:\n"
        "    print('FAILED:', error)\n"
    )
    live = labcheck_python(server, script, tmp_path, {})
    assert "FAILED: The function resize_image exists" in live.stdout
    assert "Create a function named resize_image" in live.stdout
    assert live.stderr == ""
    evidence = json.loads((tmp_path / "labcheck-evidence.json").read_text())
    assert evidence["backend"] == "local"

    # Under the autograder that evidence earns nothing: it was recorded offline, where there
    # is no console (work done offline by code is replayed instead).
    offline = labcheck_python(
        None,
        script.replace("except AssertionError", "except Exception"),
        tmp_path,
        {"NBGRADER_EXECUTION": "autograde"},
    )
    assert "recorded offline (localaws), which earns no points" in offline.stdout
    assert offline.stderr == ""


def labcheck_python(
    server: ServerProcess | None, script: str, cwd: Path, extra: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **AWS_TEST_ENV, **extra, "PYTHONPATH": str(PROJECT_ROOT)}
    env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
    env.update(server.client_env if server else {})
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )
