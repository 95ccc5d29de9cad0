"""`make lab` as the README gives it: the learner's copy, localaws, the lab's resources and
JupyterLab, whose terminals have the project's tools and reach the offline AWS."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from localaws.api import wait_for
from tests.helpers import PROJECT_ROOT, free_port, http_status

pytestmark = pytest.mark.server

TOKEN = "make-lab-test-token"
DONE = "__TERMINAL_DONE__"


@dataclass
class RunningLab:
    base: str
    workspace: Path
    localaws_port: int

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={TOKEN}"


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLab]:
    home = tmp_path_factory.mktemp("learner-home")
    # The learner's own shell settings put another `aws` first; the project's still wins.
    (home / "other-bin").mkdir()
    (home / "other-bin" / "aws").write_text("#!/bin/sh\necho not the project's aws\n")
    (home / "other-bin" / "aws").chmod(0o755)
    (home / ".bashrc").write_text(f'export PATH="{home}/other-bin:$PATH"\nexport FROM_BASHRC=yes\n')
    workspace, state = home / "workspace", home / "localaws-state"
    port, lab_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JUPYTER"))},
        "HOME": str(home),
        "LOCALAWS_STATE_DIR": str(state),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "SHELL": "/bin/bash",
    }
    arguments = f"--no-browser --port={lab_port} --IdentityProvider.token={TOKEN}"
    process = subprocess.Popen(
        ["make", "lab", f"PORT={port}", f"WORKSPACE={workspace}", f"JUPYTER_ARGS={arguments}"],
        cwd=PROJECT_ROOT, env=env, stdout=(home / "make-lab.log").open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    lab = RunningLab(f"http://127.0.0.1:{lab_port}", workspace, port)
    try:
        up = wait_for(lambda: http_status(lab.url("api")) == 200 or process.poll() is not None, 180)
        assert up and process.poll() is None, (home / "make-lab.log").read_text()[-3000:]
        yield lab
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        subprocess.run(
            ["make", "stop", f"PORT={port}"], cwd=PROJECT_ROOT, env=env, capture_output=True,
            timeout=60, check=False,
        )  # fmt: skip


def in_terminal(lab: RunningLab, command: str, deadline: float = 60) -> str:
    """Run ``command`` in a new JupyterLab terminal; what the terminal printed."""
    from tornado.websocket import websocket_connect

    request = urllib.request.Request(lab.url("api/terminals"), method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        name = json.loads(response.read())["name"]

    async def talk() -> str:
        socket_url = lab.url(f"terminals/websocket/{name}").replace("http://", "ws://")
        connection = await websocket_connect(socket_url)
        await connection.write_message(json.dumps(["stdin", f"{command}; echo {DONE}\r"]))
        printed = ""
        while printed.count(DONE) < 2:  # the echo of the command line, then the output
            message = await asyncio.wait_for(connection.read_message(), deadline)
            assert message is not None, printed
            kind, *data = json.loads(message)
            if kind == "stdout":
                printed += str(data[0])
        connection.close()
        return printed

    return asyncio.run(talk())


def test_make_lab_opens_the_learners_copy(make_lab: RunningLab) -> None:
    welcome = make_lab.workspace / "00-welcome" / "00-welcome.ipynb"
    assert "raise NotImplementedError()" in welcome.read_text()
    assert "### BEGIN SOLUTION" not in welcome.read_text()
    assert http_status(make_lab.url("api/contents/00-welcome/00-welcome.ipynb")) == 200
    assert http_status(make_lab.url("formgrader")) == 404


def test_a_terminal_has_the_projects_tools_and_reaches_localaws(make_lab: RunningLab) -> None:
    printed = in_terminal(
        make_lab,
        "command -v labcheck localaws aws; echo endpoint=$AWS_ENDPOINT_URL bashrc=$FROM_BASHRC;"
        " aws s3 ls",
    )
    venv_bin = str(PROJECT_ROOT / ".venv" / "bin")
    for tool in ("labcheck", "localaws", "aws"):
        assert f"{venv_bin}/{tool}" in printed, printed
    assert f"endpoint=http://127.0.0.1:{make_lab.localaws_port} bashrc=yes" in printed
    assert "serverless-lab-original-" in printed  # the lab's bucket, made by labcheck setup
