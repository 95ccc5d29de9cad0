"""The autograder's localaws: one per nbgrader run, emptied for each notebook it runs.

nbgrader_config.py calls ``start_for_nbgrader()`` in nbgrader's own process: the server starts
in the background while nbgrader gets going. Each notebook's ``labcheck.connect()`` calls
``endpoint_for_this_notebook()``, which waits for it and empties it (once per kernel), so every
notebook run meets a fresh account without paying for a server start. A notebook run some other
way under ``NBGRADER_EXECUTION`` (no such server) starts its own.

The lab's starting point (set-up plus the tasks a notebook builds on) is kept as a named
checkpoint in that server: the first lab notebook of a run builds it, the next ones restore it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Any

from labcheck.autograde.isolation import use_offline_settings

#: How nbgrader's process tells its kernels where their localaws is, and which process it is.
ENDPOINT_VARIABLE = "LABCHECK_AUTOGRADE_ENDPOINT"
PID_VARIABLE = "LABCHECK_AUTOGRADE_PID"
#: ... and where it keeps its state (its owner's credentials: ``localaws env``'s source).
STATE_DIR_VARIABLE = "LABCHECK_AUTOGRADE_STATE_DIR"
_own_server: Any = None  # a localaws this process started (nbgrader's, or a kernel's own)
_chosen: str | None = None  # the endpoint this kernel was given, once connect() has run
_state_dir: str | None = None  # and the state dir of that localaws


def start_for_nbgrader() -> None:
    """In nbgrader's process: start the localaws for every notebook of this run (once)."""
    global _own_server
    from localaws.api import EmbeddedServer

    if _own_server is None:
        _own_server = EmbeddedServer().launch()
        os.environ[ENDPOINT_VARIABLE] = _own_server.endpoint
        os.environ[PID_VARIABLE] = str(_own_server.process.pid)
        os.environ[STATE_DIR_VARIABLE] = str(_own_server.state_dir)


def kernel_socket_prefix() -> str:
    """A private folder for this nbgrader process's kernel sockets (the "ipc" transport, see
    nbgrader_config.py), removed when nbgrader exits."""
    folder = tempfile.mkdtemp(prefix="nbgrader-kernels-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return os.path.join(folder, "kernel")


def endpoint_for_this_notebook() -> str:
    """The localaws this notebook run is graded against, emptied for it the first time."""
    global _own_server, _chosen
    from localaws.api import EmbeddedServer

    global _state_dir
    if _chosen is None:
        _chosen = _emptied_run_server()
        _state_dir = os.environ.get(STATE_DIR_VARIABLE)
        if _chosen is None:  # none for this run, or it failed: this kernel's own
            _own_server = EmbeddedServer().start()
            _chosen, _state_dir = str(_own_server.endpoint), str(_own_server.state_dir)
    use_offline_settings(_chosen, _state_dir)
    return _chosen


def _emptied_run_server() -> str | None:
    """The run's localaws once it is up and emptied; None if there is none or it failed."""
    from localaws.api import START_DEADLINE_SECONDS, pid_alive, serves, wait_for

    endpoint, pid = os.environ.get(ENDPOINT_VARIABLE), os.environ.get(PID_VARIABLE, "")
    if not endpoint or not (pid.isascii() and pid.isdigit()):
        return None
    # The process nbgrader started, not whatever else may answer on that port; give up at once
    # if it has died.
    up = wait_for(
        lambda: serves(endpoint, int(pid)) or not pid_alive(int(pid)), START_DEADLINE_SECONDS
    )
    state_dir = os.environ.get(STATE_DIR_VARIABLE)
    if not up or not serves(endpoint, int(pid)) or _admin(endpoint, "reset", state_dir) != 200:
        return None
    return endpoint


def private_endpoint() -> str | None:
    """The autograder's localaws for this notebook, once ``connect()`` has chosen it."""
    return _chosen


def restore_checkpoint(name: str) -> bool:
    """Go back to the checkpoint ``name`` in this notebook's localaws; False if it has none."""
    if _chosen is None:
        return False
    return _admin(_chosen, f"checkpoints/{name}/restore", _state_dir) == 200


def save_checkpoint(name: str) -> None:
    """Keep this notebook's localaws state as ``name`` for the run's later notebooks."""
    if _chosen is not None:
        _admin(_chosen, f"checkpoints/{name}", _state_dir)


def _admin(endpoint: str, path: str, state_dir: str | None) -> int:
    """POST to a localaws admin endpoint as its owner; its HTTP status, 0 if it could not be
    reached."""
    from localaws.api import admin_token, fetch_json

    token = admin_token(state_dir) if state_dir else None
    try:
        status, _ = fetch_json(f"{endpoint}/_localaws/{path}", 60, "POST", token)
    except (OSError, ValueError):
        return 0
    return status
