"""JupyterLab as a child process for the browser test: free port, random token, own config."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from localaws.server.daemon import wait_for
from tests.helpers import client_env, free_port

#: Page config: no build check (it runs node for seconds and may offer a rebuild dialog).
PAGE_CONFIG = {"buildCheck": False, "buildAvailable": False}

#: JupyterLab settings for a quiet, reproducible page: no news or update toasts.
QUIET_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


class JupyterLabProcess:
    """``jupyter lab`` on 127.0.0.1 serving ``notebook_dir``, its kernels talking to localaws.

    Settings, workspaces and runtime files live under ``home`` so that neither the user's own
    JupyterLab state nor an earlier run changes what the page shows.
    """

    def __init__(self, notebook_dir: Path, home: Path, aws_endpoint: str) -> None:
        self.notebook_dir = notebook_dir
        self.home = home
        self.aws_endpoint = aws_endpoint
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = home / "jupyterlab.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook: str = "") -> str:
        """JupyterLab's page, opening ``notebook`` (relative to the notebook dir) if given."""
        tree = f"/tree/{notebook}" if notebook else ""
        return f"{self.base_url}/lab{tree}?token={self.token}"

    def start(self, deadline: float = 60) -> JupyterLabProcess:
        return self.launch().wait_ready(deadline)

    def launch(self) -> JupyterLabProcess:
        """Start the process without waiting (``wait_ready`` waits), to overlap other set-up."""
        settings_dir = self.home / "settings"
        for name, values in QUIET_SETTINGS.items():
            path = settings_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        page_config = self.home / "config" / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(json.dumps(PAGE_CONFIG))
        env = {
            **os.environ,
            **client_env(self.aws_endpoint),  # its owner's credentials, from its state dir
            "JUPYTER_CONFIG_DIR": str(self.home / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings_dir),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
            "IPYTHONDIR": str(self.home / "ipython"),
        }
        env.pop("AWS_PROFILE", None)
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.token={self.token}",
            f"--notebook-dir={self.notebook_dir}",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                # nbgrader's server extension takes its course root from the working directory.
                cwd=self.notebook_dir,
            )
        return self

    def wait_ready(self, deadline: float = 60) -> JupyterLabProcess:
        process = self.process
        assert process is not None, "launch() first"
        ok = wait_for(lambda: process.poll() is not None or self._api_ok("/api/status"), deadline)
        if not ok or process.poll() is not None:
            self.stop()
            raise RuntimeError(
                f"JupyterLab did not start within {deadline:.0f} s (exit {process.poll()}); "
                f"its log ({self.log_path}) ends:\n{self.log_tail()}"
            )
        return self

    def stop(self, deadline: float = 20) -> None:
        """Shut down through the API (kernels included), then by signal if it lingers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        self._api_ok("/api/shutdown", method="POST")
        if wait_for(lambda: process.poll() is not None, deadline):
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=deadline)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _api_ok(self, path: str, method: str = "GET") -> bool:
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return bool(response.status < 300)
        except (OSError, urllib.error.URLError):
            return False
