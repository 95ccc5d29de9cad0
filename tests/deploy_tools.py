"""The deploy tools' installs (``make samcli``, ``make cdk``) and running them at a server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import PROJECT_ROOT, client_env

SAM = PROJECT_ROOT / ".venv-samcli" / "bin" / "sam"
CDK_DIR = PROJECT_ROOT / ".cdk-cli"
CDK = CDK_DIR / "node_modules" / ".bin" / "cdk"
CDK_PYTHON = CDK_DIR / "venv" / "bin" / "python"


def require(tool: Path, target: str) -> None:
    """Skip (with what to run) when ``make TARGET`` has not installed ``tool``."""
    if not tool.exists():
        pytest.skip(f"{tool.relative_to(PROJECT_ROOT)} is missing: run `make {target}` first")


def tool_env(endpoint: str, home: Path) -> dict[str, str]:
    """The environment a user sets to point a deploy tool at localaws (``localaws env``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env.update(client_env(endpoint))
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        HOME=str(home),  # SAM CLI and CDK keep their settings and caches under it
        SAM_CLI_TELEMETRY="0",
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
        # The CDK library's runtime warns about Debian's Node.js version on every run.
        JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION="1",
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1",
    )
    return env


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run a deploy tool's command; fail the test with its output when it fails."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(command[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done
