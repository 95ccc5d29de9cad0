"""Bad input to either command line is one clear line on stderr and exit 2, never a traceback.

Each case runs the real command in its own process (no server is needed: a dead endpoint is a
loopback port nobody listens on). They run a few at a time, once, before the assertions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import AWS_TEST_ENV, free_port

DEAD = f"http://127.0.0.1:{free_port()}"


@dataclass(frozen=True)
class Case:
    id: str
    program: str  # localaws or labcheck
    args: tuple[str, ...]
    says: str  # a fragment of the one line
    env: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()


def la(id: str, *args: str, says: str, **env: str) -> Case:
    return Case(id, "localaws", args, says, env)


def lc(id: str, *args: str, says: str, **env: str) -> Case:
    return Case(id, "labcheck", args, says, env)


SERVE = ("serve", "--state-dir", "{tmp}/state")
TUNE = ("tune", "--function", "f", "--endpoint-url", DEAD)
CASES = [
    # localaws: options and numbers
    la("port-too-big", *SERVE, "--port", "99999", says="--port: '99999' is not a port number"),
    la("port-zero", *SERVE, "--port", "0", says="not a port number"),
    la("port-word", *SERVE, "--port", "http", says="not a port number"),
    la("port-negative", *SERVE, "--port", "-1", says="not a port number"),
    la("start-port", "start", "--port", "70000", says="not a port number"),
    la("status-port", "status", "--port", "4x", says="not a port number"),
    la("tail-negative", "logs", "f", "--tail", "-3", says="--tail"),
    la("tail-word", "logs", "f", "--tail", "all", says="not a whole number"),
    la("listen-fd-word", *SERVE, "--listen-fd", "sock", says="--listen-fd"),
    la("listen-fd-closed", *SERVE, "--port", "4999", "--listen-fd", "999", says="not an open"),
    la("exit-with-parent-word", *SERVE, "--exit-with-parent", "me", says="--exit-with-parent"),
    la("exit-with-parent-other", *SERVE, "--exit-with-parent", "1", says="is not the process"),
    la("unknown-command", "launch", says="invalid choice"),
    la("unknown-option", "start", "--detach", says="unrecognized arguments"),
    # localaws: settings
    la("env-port", *SERVE, says="LOCALAWS_PORT: 'http' is not", LOCALAWS_PORT="http"),
    la("env-port-range", "status", says="LOCALAWS_PORT", LOCALAWS_PORT="65536"),
    la("env-port-superscript", "status", says="not a port number", LOCALAWS_PORT="\u00b2"),
    la("retry-units", *SERVE, says="LOCALAWS_ASYNC_RETRY_SCALE", LOCALAWS_ASYNC_RETRY_SCALE="5m"),
    la("retry-negative", *SERVE, says="of 0 or more", LOCALAWS_ASYNC_RETRY_SCALE="-1"),
    la("start-retry", "start", says="LOCALAWS_ASYNC_RETRY_SCALE", LOCALAWS_ASYNC_RETRY_SCALE="x"),
    la("idle-zero", *SERVE, says="greater than 0", LOCALAWS_LAMBDA_IDLE_SECONDS="0"),
    la("idle-words", *SERVE, says="no units", LOCALAWS_LAMBDA_IDLE_SECONDS="5 minutes"),
    la("schedule", *SERVE, says="LOCALAWS_SCHEDULE_SCALE", LOCALAWS_SCHEDULE_SCALE="fast"),
    la("schedule-inf", *SERVE, says="LOCALAWS_SCHEDULE_SCALE", LOCALAWS_SCHEDULE_SCALE="inf"),
    la(
        "log-retention",
        *SERVE,
        says="LOCALAWS_LOG_RETENTION_CHECK_SECONDS",
        LOCALAWS_LOG_RETENTION_CHECK_SECONDS="-1",
    ),
    la("cpu-mode", *SERVE, says="duty-cycle", LOCALAWS_CPU_THROTTLE="sometimes"),
    la("python-path", *SERVE, says="not an executable", LOCALAWS_PYTHON_3_12="/no/python3.12"),
    la("python-minor", *SERVE, says="no Lambda Python runtime", LOCALAWS_PYTHON_3_99="/bin/sh"),
    la("host-from-env", *SERVE, says="refusing to listen", LOCALAWS_HOST="10.1.2.3"),
    # localaws: state dir, files, a server that is not there
    la("state-dir-file", "serve", "--state-dir", "{tmp}/a-file", says="state"),
    la("logs-not-running", "logs", "f", "--state-dir", "{tmp}/none", says="not running"),
    la("stop-not-running", "stop", "--state-dir", "{tmp}/none", says="no localaws is running"),
    la("reset-unconfirmed", "reset", "--state-dir", "{tmp}/none", says="--yes"),
    # labcheck: endpoints and credentials
    lc("grade-dead", "grade", "--endpoint-url", DEAD, says="localaws is not running there"),
    lc("setup-dead", "setup", "--endpoint-url", DEAD, says="localaws is not running there"),
    lc("plot-dead", "plot", "--endpoint-url", DEAD, says="localaws is not running there"),
    lc("cleanup-dead", "cleanup", "--yes", "--endpoint-url", DEAD, says="not running there"),
    lc("tune-dead", *TUNE, says="localaws is not running there"),
    lc("grade-dead-env", "grade", says="not running there", AWS_ENDPOINT_URL=DEAD),
    Case(
        "no-credentials",
        "labcheck",
        ("grade", "--endpoint-url", DEAD),
        "no AWS credentials",
        {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull},
        ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"),
    ),
    # labcheck: files
    lc("evidence-missing", "grade", "--evidence", "{tmp}/none.json", says="none.json"),
    lc("evidence-not-json", "grade", "--evidence", "{tmp}/a-file", says="a-file"),
    lc("evidence-schema", "grade", "--evidence", "{tmp}/future.json", says="future.json"),
    lc("roster-missing", "grade", "--roster", "{tmp}/none.csv", "--assume-role", "R", says="csv"),
    lc("roster-no-role", "grade", "--roster", "{tmp}/none.csv", says="--assume-role"),
    lc("audit-no-folder", "audit", "{tmp}/none", "--roster", "{tmp}/a-file", says="not a folder"),
    lc("audit-bad-roster", "audit", "{tmp}", "--roster", "{tmp}/a-file", says="account_id"),
    lc("payload-missing", *TUNE, "--payload", "{tmp}/none.json", says="--payload"),
    lc("payload-not-json", *TUNE, "--payload", "{tmp}/a-file", says="not JSON"),
    lc("plot-extension", *TUNE, "--out", "{tmp}/curve.txt", says=".txt"),
    # labcheck: commands and numbers
    lc("unknown-task", "grade", "task9", "--evidence", "{tmp}/none.json", says="task9"),
    lc("memory-small", *TUNE, "--memory", "64", says="64 MB"),
    lc("memory-word", *TUNE, "--memory", "lots", says="not a whole number"),
    lc("runs-zero", *TUNE, "--runs", "0", says="--runs"),
    lc("parallel-big", *TUNE, "--parallel", "1000", says="--parallel"),
    lc("weight", *TUNE, "--weight", "2", says="--weight"),
    lc("strategy", *TUNE, "--strategy", "cheapest", says="invalid choice"),
    lc("unknown-subcommand", "score", says="invalid choice"),
]


def run(case: Case, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **AWS_TEST_ENV, **case.env}
    for name in case.unset:
        env.pop(name, None)
    args = [arg.replace("{tmp}", str(tmp)) for arg in case.args]
    return subprocess.run(
        [sys.executable, "-m", case.program, *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=tmp,
    )


@pytest.fixture(scope="module")
def results(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("bad-inputs")
    (tmp / "a-file").write_text("not json, not a directory")
    (tmp / "future.json").write_text('{"schema": 99, "labcheck_version": "9.0"}')
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = pool.map(lambda case: (case.id, run(case, tmp)), CASES)
        return dict(done)


def test_there_are_at_least_forty_cases() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_one_clear_line_and_exit_2(
    case: Case, results: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    result = results[case.id]
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(case.program), lines[0]
    assert "error:" in lines[0], lines[0]
    assert case.says in lines[0], lines[0]
