"""Test helpers: a real localaws server process, free ports, and waiting with deadlines."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from localaws.server.client_env import admin_token, client_environment
from localaws.server.daemon import fetch_json, is_healthy, wait_for
from localaws.server.embedded import OFFLINE_ENV, loopback_listener
from localaws.state.owner import read_credentials

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Dummy credentials so no test can ever reach (or use) a real AWS account. A test server
#: refuses them: clients of a test server use its owner's credentials (``client_env``).
AWS_TEST_ENV = dict(OFFLINE_ENV)
#: The state dir of each test server, by endpoint: where its owner's credentials are.
_STATE_DIRS: dict[str, Path] = {}


def client_env(endpoint: str) -> dict[str, str]:
    """The variables a client of the test server at ``endpoint`` needs (endpoint, its owner's
    credentials read from its state dir, region): the one place tests take credentials from.
    An endpoint no test server of this process answers at gets the dummy ones."""
    state_dir = _STATE_DIRS.get(endpoint.rstrip("/"))
    if state_dir is None or read_credentials(state_dir) is None:
        return {**AWS_TEST_ENV, "AWS_ENDPOINT_URL": endpoint}
    return {**AWS_TEST_ENV, **client_environment(state_dir, endpoint)}


def remember_state_dir(endpoint: str, state_dir: Path) -> None:
    """Tell ``client_env`` where the server at ``endpoint`` (not a ServerProcess) keeps state."""
    _STATE_DIRS[endpoint.rstrip("/")] = Path(state_dir)


def admin_json(
    endpoint: str, path: str, method: str = "GET", timeout: float = 30
) -> tuple[int, dict[str, Any]]:
    """An admin endpoint (``status``, ``reset``, ``checkpoints/...``) of a test server, as its
    owner (the admin token in its state dir)."""
    state_dir = _STATE_DIRS.get(endpoint.rstrip("/"))
    token = admin_token(state_dir) if state_dir else None
    return fetch_json(f"{endpoint}/_localaws/{path}", timeout, method, token)


def server_status(endpoint: str) -> dict[str, Any]:
    """``/_localaws/status`` of a test server."""
    return admin_json(endpoint, "status")[1]


#: Test servers check after each commit that no service changed without being saved.
VERIFIED_COMMITS = {"LOCALAWS_VERIFY_COMMITS": "1"}


def aws_client(endpoint: str, service: str, **config: Any) -> Any:
    """A boto3 client for a test's localaws: the one place tests say how they authenticate.

    ``config`` goes to botocore's ``Config`` (retries, read_timeout, ...).
    """
    import boto3
    from botocore.config import Config

    env = client_env(endpoint)
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        config=Config(**config),
    )


def function_log_messages(endpoint: str, function: str) -> list[str]:
    """Every message in the function's log group (none when it has none yet)."""
    logs = aws_client(endpoint, "logs")
    try:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [event["message"] for event in events]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str) -> int:
    """The HTTP status ``url`` answers with; 0 when nothing answers."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def localaws_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "localaws", *args]


def run_localaws(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run one ``localaws`` command to completion and capture its output (a ``start`` with
    ``--port`` and ``--state-dir`` is remembered for ``client_env``)."""
    if args and args[0] == "start" and "--port" in args and "--state-dir" in args:
        port, state_dir = args[args.index("--port") + 1], args[args.index("--state-dir") + 1]
        remember_state_dir(f"http://127.0.0.1:{port}", Path(state_dir))
    return subprocess.run(
        localaws_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **AWS_TEST_ENV, **(env or {})},
        cwd=PROJECT_ROOT,
    )


class ServerProcess:
    """``localaws serve`` as a child process on a free port with its own state directory."""

    def __init__(
        self,
        state_dir: Path,
        port: int | None = None,
        *extra: str,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.state_dir = state_dir
        # Where the server's output goes (default: in the state directory, so that what the
        # commit check found can be read).
        if log_path is None:
            state_dir.mkdir(parents=True, exist_ok=True)
            log_path = state_dir / "serve-output.log"
        self.log_path = log_path
        # Without a given port, the server takes over a socket bound here (no race for it).
        self._listener: socket.socket | None = None
        if port is None:
            self._listener = loopback_listener()
            port = int(self._listener.getsockname()[1])
        self.port = port
        self.extra = extra
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        remember_state_dir(self.endpoint, state_dir)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def client_env(self) -> dict[str, str]:
        """What a client process of this server needs (see ``client_env``)."""
        return client_env(self.endpoint)

    def admin(self, path: str, method: str = "GET", timeout: float = 30) -> dict[str, Any]:
        """The JSON of one of this server's admin endpoints, as its owner."""
        return admin_json(self.endpoint, path, method, timeout)[1]

    def start(self, deadline: float = 60) -> ServerProcess:
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        args += ["--state-dir", str(self.state_dir), *self.extra]
        inherited = () if self._listener is None else (self._listener.fileno(),)
        if inherited:
            args += ["--listen-fd", str(inherited[0])]
        output = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                localaws_command(*args),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, **AWS_TEST_ENV, **VERIFIED_COMMITS, **self.env},
                pass_fds=inherited,
            )
        finally:
            if self.log_path:
                output.close()  # type: ignore[union-attr]
        if self._listener is not None:  # the server has it now; a restart binds the port itself
            self._listener.close()
            self._listener = None
        process = self.process
        ok = wait_for(lambda: process.poll() is not None or is_healthy(self.endpoint), deadline)
        if not ok or process.poll() is not None:
            raise RuntimeError(f"localaws did not start (exit {process.poll()})")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def eventually(condition: Callable[[], bool], deadline: float = 10) -> bool:
    return wait_for(condition, deadline)


@contextmanager
def busy_machine(processes: int, seconds: float = 120) -> Iterator[None]:
    """``processes`` CPU-bound processes beside the test (each ends after ``seconds``)."""
    spinning = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import time\nend = time.time() + {seconds}\nwhile time.time() < end: pass",
            ],
            start_new_session=True,  # each its own scheduling group, as separate kernels are
        )
        for _ in range(processes)
    ]
    try:
        yield
    finally:
        for process in spinning:
            process.kill()
            process.wait()
