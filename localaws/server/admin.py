"""localaws's own endpoints under ``/_localaws/``: health, status, reset, checkpoints and code
downloads.

Checkpoints: ``GET /_localaws/checkpoints`` lists them, ``POST /_localaws/checkpoints/NAME``
saves the current state as NAME, ``POST /_localaws/checkpoints/NAME/restore`` goes back to it
(404 if there is none). A name is saved once (409 after that), so what a checkpoint holds
never changes. They live in the server's memory and end with it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from threading import Event
from typing import Any

from localaws import __version__
from localaws.config import EMULATED_SERVICES, ServerSettings
from localaws.moto_glue import code_location
from localaws.state.checkpoints import NAME_PATTERN, Checkpoints
from localaws.state.persistence import Persistence

log = logging.getLogger("localaws.server.admin")
StartResponse = Callable[..., Any]
CHECKPOINTS_PATH = "/_localaws/checkpoints"
CHECKPOINT_USAGE = (
    "Use GET /_localaws/checkpoints, POST /_localaws/checkpoints/NAME (save) or "
    "POST /_localaws/checkpoints/NAME/restore; NAME is letters, digits and . _ + -"
)


@dataclass
class ServerInfo:
    """What ``/_localaws/status`` reports about the running server."""

    settings: ServerSettings
    started_at: float = field(default_factory=time.time)
    ready: Event = field(default_factory=Event)
    cpu_throttle_mode: str = "none (no Lambda executor installed)"
    notices: list[str] = field(default_factory=list)
    lambda_status: Callable[[], dict[str, Any]] = dict
    #: Called, with every request held off, before a reset or a restore replaces the state
    #: (the executor drops its environments) and after it (queued events are released).
    before_reset: list[Callable[[], None]] = field(default_factory=list)
    after_reset: list[Callable[[], None]] = field(default_factory=list)


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


OWNER_ONLY = (
    "Only this localaws's owner may use /_localaws/ (other than /_localaws/health): send the "
    "token in the state dir's credentials.json as X-Localaws-Token, or sign the request with "
    "the owner's credentials (`localaws env` prints them)."
)


def owner_only_answer(start_response: StartResponse) -> list[bytes]:
    return _json(start_response, "403 Forbidden", {"message": OWNER_ONLY})


class AdminApp:
    """Answers ``/_localaws/*``; everything else is moto's."""

    def __init__(self, info: ServerInfo, persistence: Persistence) -> None:
        self.info = info
        self.persistence = persistence
        self.checkpoints = Checkpoints(persistence)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._answer(environ, start_response)
        except Exception as error:  # a JSON answer a client can read, never an HTML page
            log.exception("localaws: %s failed", environ.get("PATH_INFO"))
            message = f"localaws could not do that: {type(error).__name__}: {error}"
            return _json(start_response, "500 Internal Server Error", {"message": message})

    def _answer(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_localaws/health":
            if not self.info.ready.is_set():
                return _json(start_response, "503 Service Unavailable", {"status": "starting"})
            ready = {"status": "ready", "version": __version__, "pid": os.getpid()}
            ready["state_dir"] = str(self.info.settings.state_dir)
            return _json(start_response, "200 OK", ready)
        if path == "/_localaws/status":
            return _json(start_response, "200 OK", self.status())
        if path == "/_localaws/reset" and method == "POST":
            self._replace_state(self.persistence.reset)
            return _json(start_response, "200 OK", {"status": "reset"})
        if path == CHECKPOINTS_PATH or path.startswith(CHECKPOINTS_PATH + "/"):
            return self._checkpoint(path[len(CHECKPOINTS_PATH) :], method, start_response)
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

    def _replace_state(self, replace: Callable[[], None]) -> None:
        """Reset or restore with every request held off; the executor lets go of what it ran
        first, so nothing begun before can write into the new state."""
        with self.persistence.lock.exclusive():
            for hook in self.info.before_reset:
                hook()
            replace()
            for hook in self.info.after_reset:
                hook()

    def _checkpoint(self, rest: str, method: str, start_response: StartResponse) -> list[bytes]:
        name, _, action = rest.strip("/").partition("/")
        if not name and method == "GET":
            return _json(start_response, "200 OK", {"checkpoints": self.checkpoints.names()})
        if method != "POST" or action not in ("", "restore") or not NAME_PATTERN.fullmatch(name):
            return _json(start_response, "400 Bad Request", {"message": CHECKPOINT_USAGE})
        if action == "":
            if not self.checkpoints.save(name):
                message = (
                    f"A checkpoint named {name} exists already; checkpoints are kept as saved."
                )
                return _json(start_response, "409 Conflict", {"message": message})
            return _json(start_response, "200 OK", {"saved": name})
        if name not in self.checkpoints.names():
            message = f"No checkpoint named {name}; saved: {self.checkpoints.names()}"
            return _json(start_response, "404 Not Found", {"message": message})
        self._replace_state(lambda: self.checkpoints.restore(name))
        return _json(start_response, "200 OK", {"restored": name})

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
                "records_written": store.records_written if store else 0,
                "bytes_written": store.bytes_written if store else 0,
                "journal_bytes": store.journal_size() if store else 0,
                "compactions": store.compactions if store else 0,
                "last_written_at": store.last_written_at if store else None,
            },
            "checkpoints": self.checkpoints.names(),
            "cpu_throttle_mode": self.info.cpu_throttle_mode,
            "lambda": self.info.lambda_status(),
            "notices": self.info.notices,
        }
