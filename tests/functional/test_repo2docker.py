"""The repo2docker files (Binder, a JupyterHub single-user image): ``start`` runs the given
command with this user's localaws up and its settings exported; repo2docker accepts the
repository and the Dockerfile it writes runs ``postBuild``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PROJECT_ROOT, run_localaws

pytestmark = pytest.mark.server

#: Run by ``start`` in place of Jupyter: one signed call with what ``start`` exported.
CHECK = (
    "import os, boto3; "
    "print(os.environ['AWS_ENDPOINT_URL'], os.environ['JUPYTER_CONFIG_PATH'].split(':')[0], "
    "boto3.client('sts').get_caller_identity()['Account'])"
)


def test_start_runs_the_command_with_localaws_up_and_its_settings_exported(
    tmp_path: Path,
) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    setup_log = tmp_path / "setup.log"
    labcheck = stubs / "labcheck"  # `labcheck setup` builds the layer: tested elsewhere
    labcheck.write_text(f'#!/bin/sh\necho "$* $AWS_ENDPOINT_URL" >> {setup_log}\n')
    labcheck.chmod(0o755)
    state_dir = tmp_path / "home" / ".localaws"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "JUPYTER"))
    }
    env.update(
        HOME=str(tmp_path / "home"), PATH=f"{stubs}:{Path(sys.executable).parent}:/usr/bin:/bin"
    )
    env.update(LOCALAWS_STATE_DIR=str(state_dir), PYTHONPATH=str(PROJECT_ROOT))
    env["SERVERLESS_LAB_WORKSPACE"] = str(tmp_path)  # there already: no copy to make
    (tmp_path / "home").mkdir()
    try:
        done = subprocess.run(
            [str(PROJECT_ROOT / "start"), "python", "-c", CHECK],
            env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        endpoint, config, account = done.stdout.split()
        assert endpoint == f"http://127.0.0.1:{(state_dir / 'port').read_text().strip()}"
        assert config.endswith("labcheck/workspace/learner_jupyter") and account == "123456789012"
        assert setup_log.read_text().split() == ["setup", endpoint]
    finally:
        run_localaws("stop", "--state-dir", str(state_dir))


def test_repo2docker_accepts_the_repository_and_runs_our_steps(tmp_path: Path) -> None:
    repo2docker = shutil.which("jupyter-repo2docker") or str(
        Path(sys.executable).parent / "jupyter-repo2docker"
    )
    if not Path(repo2docker).exists():
        pytest.skip("jupyter-repo2docker is not installed")
    done = subprocess.run(
        [repo2docker, "--no-build", "--debug", "--no-run", str(PROJECT_ROOT)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    dockerfile = done.stdout + done.stderr
    assert '--file "environment.yml"' in dockerfile, dockerfile[-2000:]
    assert "RUN ./postBuild" in dockerfile, dockerfile[-2000:]
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/start"' in dockerfile, dockerfile[-2000:]
