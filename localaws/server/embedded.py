"""A private localaws, child of this process: started on a free loopback port, gone with it.

The port is bound here, before the server starts, and handed to it as an open socket: a port
picked and then released could be taken by any other connection on a busy machine in the
second or two the server needs to start.

nbgrader's autograder uses one per run (labcheck/autograde/server.py) so a submission's code runs
against a fresh, empty account and never a live one. The parent stops it at exit; if the parent
dies first, the server notices (``--exit-with-parent``) and stops too, and it removes its
temporary state directory itself as it stops (a parent killed outright cannot).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from localaws.config import HOST_AWS_VARIABLES
from localaws.errors import LocalAwsError
from localaws.server.client_env import client_environment
from localaws.server.daemon import serves

#: Dummy credentials and an empty AWS configuration: nothing of the host's can leak in. A
#: localaws refuses these credentials: its clients use ``client_environment()`` instead.
OFFLINE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
START_DEADLINE_SECONDS = 60.0


class EmbeddedServer:
    """``localaws serve`` as this process's child, with a temporary state directory."""

    def __init__(self) -> None:
        self.state_dir = Path(tempfile.mkdtemp(prefix="localaws-embedded-"))
        self._listener = loopback_listener()
        self.port = int(self._listener.getsockname()[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client_environment(self) -> dict[str, str]:
        """What a client of this server needs: its endpoint, credentials and region."""
        return client_environment(self.state_dir, self.endpoint)

    def start(self) -> EmbeddedServer:
        """Start the server and wait until it answers."""
        return self.launch().wait_ready()

    def launch(self) -> EmbeddedServer:
        """Start the server without waiting for it (it takes a few seconds to be ready)."""
        env = {key: value for key, value in os.environ.items() if key not in HOST_AWS_VARIABLES}
        command = [
            sys.executable,
            "-m",
            "localaws",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--listen-fd",
            str(self._listener.fileno()),
            "--no-persist",
            "--remove-state-dir-at-exit",
            "--exit-with-parent",
            str(os.getpid()),
        ]
        self.process = subprocess.Popen(
            [*command, "--state-dir", str(self.state_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**env, **OFFLINE_ENV},
            pass_fds=(self._listener.fileno(),),
        )
        self._listener.close()  # the server has its own copy now
        atexit.register(self.stop)
        return self

    def wait_ready(self) -> EmbeddedServer:
        """Return once the launched server answers; LocalAwsError if it never does."""
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while not serves(self.endpoint, self.process.pid):  # this server, not another's
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise LocalAwsError(
                    "the embedded localaws did not start; run `localaws serve` to see why"
                )
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._listener.close()
        shutil.rmtree(self.state_dir, ignore_errors=True)


def loopback_listener() -> socket.socket:
    """A socket listening on a free loopback port, for the server to take over."""
    sock = socket.socket()
    # As localaws sets it on its own sockets: a later server can bind the port again at once.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock
