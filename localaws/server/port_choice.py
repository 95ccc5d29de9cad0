"""Which port a localaws listens on, so that several users of one host can each run one.

An explicit ``--port N`` (or ``LOCALAWS_PORT``) is used as given. Without one, localaws takes
the port it used last time (recorded in the state dir, so a learner's endpoint stays the same
across restarts) or 4566, whichever is free first; when neither is, or with ``--port auto``,
the kernel picks a free port. The port in use is recorded in the state dir, where
``localaws env`` and ``localaws status`` find it.
"""

from __future__ import annotations

import contextlib
import socket
from dataclasses import replace
from pathlib import Path

from localaws.config import DEFAULT_PORT, ServerSettings

RECORD = "port"
#: ``ServerSettings.port`` for "choose one" (``--port auto``, or no port given).
AUTO = 0


def recorded_port(state_dir: Path) -> int | None:
    """The port this state dir's localaws used last, or None."""
    with contextlib.suppress(OSError, ValueError):
        port = int((Path(state_dir) / RECORD).read_text().strip())
        return port if 0 < port < 65536 else None
    return None


def record_port(state_dir: Path, port: int) -> None:
    (Path(state_dir) / RECORD).write_text(f"{port}\n")


def is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def choose_port(settings: ServerSettings, explicit: bool) -> ServerSettings:
    """``settings`` with a concrete port (see the module's docstring)."""
    if explicit and settings.port != AUTO:
        return settings
    candidates = [recorded_port(settings.state_dir)]
    if settings.port != AUTO:  # nothing given: 4566 is the default
        candidates.append(DEFAULT_PORT)
    for port in candidates:
        if port is not None and is_free(settings.host, port):
            return replace(settings, port=port)
    try:
        return replace(settings, port=free_port(settings.host))
    except OSError:  # an address not of this machine: binding says so, with what to do
        return replace(settings, port=DEFAULT_PORT)
