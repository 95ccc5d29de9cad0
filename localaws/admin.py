"""localaws's own endpoints under ``/_localaws/``: health, status, reset and code downloads."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from threading import Event
from typing import Any

from localaws import __version__
from localaws.config import EMULATED_SERVICES, ServerSettings
from localaws.extensions import code_location
from localaws.state.persistence import Persistence

StartResponse = Callable[..., Any]


@dataclass
class ServerInfo:
    """What ``/_localaws/status`` reports about the running server."""

    settings: ServerSettings
    started_at: float = field(default_factory=time.time)
    ready: Event = field(default_factory=Event)
    cpu_throttle_mode: str = "none (no Lambda executor installed)"
    notices: list[str] = field(default_factory=list)
    lambda_status: Callable[[], dict[str, Any]] = dict
    #: Called after a reset has emptied every service (the executor drops its environments).
    on_reset: list[Callable[[], None]] = field(default_factory=list)


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


class AdminApp:
    """Answers ``/_localaws/*``; everything else is moto's."""

    def __init__(self, info: ServerInfo, persistence: Persistence) -> None:
        self.info = info
        self.persistence = persistence

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_localaws/health":
            if not self.info.ready.is_set():
                return _json(start_response, "503 Service Unavailable", {"status": "starting"})
            return _json(start_response, "200 OK", {"status": "ready", "version": __version__})
        if path == "/_localaws/status":
            return _json(start_response, "200 OK", self.status())
        if path == "/_localaws/reset" and method == "POST":
            self.persistence.reset()
            for hook in self.info.on_reset:
                hook()
            return _json(start_response, "200 OK", {"status": "reset"})
        if path.startswith(code_location.CODE_PATH_PREFIX) and method in ("GET", "HEAD"):
            with self.persistence.reading():
                package = code_location.find_package(path)
            if package is None:
                return _json(start_response, "404 Not Found", {"message": "No such code package"})
            start_response(
                "200 OK",
                [("Content-Type", "application/zip"), ("Content-Length", str(len(package)))],
            )
            return [package] if method == "GET" else []
        return _json(start_response, "404 Not Found", {"message": f"Unknown path {path}"})

    def status(self) -> dict[str, Any]:
        store = self.persistence.store
        return {
            "version": __version__,
            "endpoint": self.info.settings.endpoint,
            "state_dir": str(self.info.settings.state_dir),
            "pid": os.getpid(),
            "started_at": self.info.started_at,
            "uptime_seconds": round(time.time() - self.info.started_at, 1),
            "ready": self.info.ready.is_set(),
            "services": list(EMULATED_SERVICES),
            "persistence": {
                "enabled": store is not None,
                "snapshots_written": store.snapshots_written if store else 0,
                "last_written_at": store.last_written_at if store else None,
            },
            "cpu_throttle_mode": self.info.cpu_throttle_mode,
            "lambda": self.info.lambda_status(),
            "notices": self.info.notices,
        }
