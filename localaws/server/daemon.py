"""Running localaws in the background: start (and wait until healthy), stop, status."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from localaws.config import ServerSettings
from localaws.errors import LocalAwsError, NotRunningError
from localaws.server.client_env import admin_token as owner_admin_token
from localaws.state.statedir import StateDirLayout, read_pid_file

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


def fetch_json(
    url: str, timeout: float = 2.0, method: str = "GET", token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """GET (or POST) a localaws admin endpoint; (status, body). ``token``: the owner's admin
    token (``admin_token`` in the state dir's credentials), needed for all but the health check.

    Raises OSError when nothing answers, or when what answers breaks off or is not HTTP (a
    server shutting down, or another program on the port).
    """
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if token:
        request.add_header("X-Localaws-Token", token)
    try:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
    except http.client.HTTPException as error:
        # Also when an error answer's body breaks off: a server that stops while it answers.
        raise ConnectionError(f"{url} answered with a broken response: {error!r}") from error


def is_healthy(endpoint: str) -> bool:
    try:
        status, body = fetch_json(f"{endpoint}/_localaws/health", timeout=1.0)
    except (OSError, ValueError):
        return False
    return status == 200 and body.get("status") == "ready"


def pid_alive(pid: int) -> bool:
    """True while the process runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[-1].split()[0] == "Z":
                return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_for(
    condition: Callable[[], bool], deadline_seconds: float, interval: float = 0.05
) -> bool:
    """Poll ``condition`` until it holds or the deadline passes."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def running_endpoint(layout: StateDirLayout) -> tuple[int, str] | None:
    """(pid, endpoint) of the server using this state directory, if one runs."""
    record = read_pid_file(layout)
    if not record or not pid_alive(int(record["pid"])):
        return None
    return int(record["pid"]), f"http://{record['host']}:{record['port']}"


def start_background(settings: ServerSettings, extra_args: list[str]) -> tuple[int, bool]:
    """Start ``localaws serve`` detached; (pid, already_running). Waits until it is healthy."""
    layout = StateDirLayout(settings.state_dir)
    running = running_endpoint(layout)
    if running and is_healthy(running[1]):
        return running[0], True
    if is_healthy(settings.endpoint):
        raise LocalAwsError(
            f"port {settings.port} is already used by another localaws"
            f"{_state_dir_of(settings.endpoint)}.",
            "Stop it, or choose another port with --port.",
        )
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "localaws", "serve",
        "--host", settings.host, "--port", str(settings.port),
        "--state-dir", str(settings.state_dir), *extra_args,
    ]  # fmt: skip
    with open(layout.log_file, "ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    healthy = wait_for(
        lambda: process.poll() is not None or serves(settings.endpoint, process.pid),
        START_TIMEOUT_SECONDS,
    )
    if process.poll() is not None:
        raise LocalAwsError(_last_error_line(layout), f"(server log: {layout.log_file})")
    if not healthy:
        process.terminate()
        raise LocalAwsError(
            f"localaws did not become healthy within {START_TIMEOUT_SECONDS:.0f} s.",
            f"See {layout.log_file}.",
        )
    return process.pid, False


def serves(endpoint: str, pid: int) -> bool:
    """True once the server answering at ``endpoint`` is process ``pid`` and is ready."""
    if not is_healthy(endpoint):
        return False
    try:
        return bool(fetch_json(f"{endpoint}/_localaws/health", timeout=1.0)[1].get("pid") == pid)
    except (OSError, ValueError):
        return False


def admin_token(layout: StateDirLayout) -> str | None:
    """The owner's admin token kept in this state dir, or None."""
    return owner_admin_token(layout.root)


def _state_dir_of(endpoint: str) -> str:
    try:
        state_dir = fetch_json(f"{endpoint}/_localaws/health", timeout=1.0)[1].get("state_dir")
    except (OSError, ValueError):
        return ""
    return f" (state dir {state_dir})" if state_dir else ""


def _last_error_line(layout: StateDirLayout) -> str:
    lines = layout.log_file.read_text(errors="replace").strip().splitlines()
    errors = [line for line in lines if line.startswith("localaws: error:")]
    line = errors[-1] if errors else (lines[-1] if lines else "localaws exited at start-up")
    return line.removeprefix("localaws: error: ")


def stop_background(settings: ServerSettings) -> int:
    """Stop the server using this state directory; its pid. NotRunningError if none runs."""
    layout = StateDirLayout(settings.state_dir)
    running = running_endpoint(layout)
    if running is None:
        raise NotRunningError(f"no localaws is running for {settings.state_dir}.")
    pid = running[0]
    os.kill(pid, signal.SIGTERM)
    if not wait_for(lambda: not pid_alive(pid), STOP_TIMEOUT_SECONDS):
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not pid_alive(pid), STOP_TIMEOUT_SECONDS)
    return pid


def server_status(settings: ServerSettings) -> dict[str, Any]:
    """The running server's status document; NotRunningError if none answers."""
    layout = StateDirLayout(settings.state_dir)
    running = running_endpoint(layout)
    if running is None:
        raise NotRunningError(
            f"localaws is not running for {settings.state_dir}.", "Start it with 'localaws start'."
        )
    try:
        _, body = fetch_json(f"{running[1]}/_localaws/status", token=admin_token(layout))
    except (OSError, ValueError) as error:
        raise NotRunningError(
            f"localaws (pid {running[0]}) does not answer at {running[1]}: {error}."
        ) from error
    body["pid"] = running[0]
    return body
