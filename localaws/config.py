"""Every setting of localaws, typed and validated, with one precedence rule: argument >
environment variable > default.

A bad value is a ``SettingError`` that names the setting and what it allows (the CLI prints it
as one line and exits 2); nothing here is read at import time.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from localaws.errors import SettingError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_STATE_DIR = ".localaws"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

ENV_HOST = "LOCALAWS_HOST"
ENV_PORT = "LOCALAWS_PORT"
ENV_STATE_DIR = "LOCALAWS_STATE_DIR"
#: How long an idle execution environment stays warm (seconds).
ENV_IDLE_SECONDS = "LOCALAWS_LAMBDA_IDLE_SECONDS"
#: Scales the asynchronous retry waits (1 and 2 minutes on AWS); 0.01 makes them 0.6 and 1.2 s.
ENV_RETRY_SCALE = "LOCALAWS_ASYNC_RETRY_SCALE"
#: Scales the period of EventBridge ``rate(...)`` schedules.
ENV_SCHEDULE_SCALE = "LOCALAWS_SCHEDULE_SCALE"
#: How CPU is held to the memory size: auto, cgroup, duty-cycle or off (see executor/cpu.py).
ENV_CPU_THROTTLE = "LOCALAWS_CPU_THROTTLE"
ENV_LOG_RETENTION = "LOCALAWS_LOG_RETENTION_CHECK_SECONDS"
DEFAULT_LOG_RETENTION_SECONDS = 60.0
#: ``LOCALAWS_PYTHON_3_12=/path/to/python3.12``: the interpreter for a runtime.
ENV_PYTHON_PREFIX = "LOCALAWS_PYTHON_3_"
#: true: accept requests signed with any credentials, or none (a single-user machine only).
ENV_ALLOW_ANY_CREDENTIALS = "LOCALAWS_ALLOW_ANY_CREDENTIALS"
#: Set to 1 to see the traceback of an unexpected error of the CLI.
ENV_DEBUG = "LOCALAWS_DEBUG"

#: The host's AWS identity: localaws, and the functions it runs, never see any of these.
HOST_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
CPU_THROTTLE_MODES = ("auto", "cgroup", "duty-cycle", "off")
PYTHON_MINORS = range(9, 15)
DEFAULT_IDLE_SECONDS = 300.0
MAX_PORT = 65535

#: The AWS services the course uses; all are served by moto and persisted by localaws.
EMULATED_SERVICES = (
    "s3",
    "iam",
    "lambda",
    "logs",
    "cloudwatch",
    "sqs",
    "sns",
    "events",
    "stepfunctions",
    "cloudformation",
    "sts",
)

T = TypeVar("T")


def parse_port(text: str, name: str = "--port") -> int:
    """A TCP port number, 1-65535."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PORT:
        raise SettingError(
            f"{name}: {text!r} is not a port number.",
            f"Use a whole number from 1 to {MAX_PORT}, e.g. {DEFAULT_PORT}.",
        )
    return int(value)


def parse_port_or_auto(text: str, name: str = "--port") -> int:
    """A port number, or ``auto`` (0): localaws picks a free port and records it."""
    return 0 if text.strip().lower() == "auto" else parse_port(text, name)


def parse_count(text: str, name: str) -> int:
    """A whole number of at least 0."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise SettingError(f"{name}: {text!r} is not a whole number of 0 or more.")
    return int(value)


def parse_number(text: str, name: str, positive: bool = True) -> float:
    """A plain decimal number, greater than 0 (or at least 0 with ``positive=False``)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    low_ok = value > 0 if positive else value >= 0
    if not low_ok or value == float("inf"):
        bound = "greater than 0" if positive else "of 0 or more"
        raise SettingError(
            f"{name}: {text!r} is not a number {bound}.",
            "Use a plain number such as 0.5 or 300 (no units).",
        )
    return value


def parse_flag(text: str, name: str) -> bool:
    """true/false, 1/0, yes/no, on/off."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"{name}: {text!r} is not true or false.", "Use true or false.")


def parse_choice(text: str, name: str, choices: tuple[str, ...]) -> str:
    value = text.strip().lower()
    if value not in choices:
        raise SettingError(f"{name}: {text!r} is not one of: {', '.join(choices)}.")
    return value


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (localaws listens nowhere else by default)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def argparse_type(parse: Callable[[str, str], T], name: str) -> Callable[[str], T]:
    """``parse`` for an argparse option: a bad value is argparse's one-line usage error."""

    def convert(text: str) -> T:
        try:
            return parse(text, name)
        except SettingError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{name}: ")) from None

    convert.__name__ = name  # argparse names the type in its message
    return convert


def _from_environ(
    environ: Mapping[str, str], name: str, parse: Callable[[str], T], default: T
) -> T:
    text = environ.get(name, "")
    return parse(text) if text.strip() else default


@dataclass(frozen=True)
class ServerSettings:
    """Where localaws listens and keeps its state."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    state_dir: Path = Path(DEFAULT_STATE_DIR)
    #: Accept any credentials (no signature check): the opt-out for a single-user machine.
    allow_any_credentials: bool = False

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"


def resolve_settings(
    host: str | None,
    port: int | None,
    state_dir: str | None,
    environ: Mapping[str, str] = os.environ,
    allow_any_credentials: bool = False,
) -> ServerSettings:
    """Apply argument > environment variable > default to each setting."""
    env_port = _from_environ(
        environ, ENV_PORT, lambda t: parse_port_or_auto(t, ENV_PORT), DEFAULT_PORT
    )
    resolved_dir = state_dir or environ.get(ENV_STATE_DIR) or DEFAULT_STATE_DIR
    env_any = _from_environ(
        environ,
        ENV_ALLOW_ANY_CREDENTIALS,
        lambda t: parse_flag(t, ENV_ALLOW_ANY_CREDENTIALS),
        False,
    )
    return ServerSettings(
        host=host or environ.get(ENV_HOST) or DEFAULT_HOST,
        port=port if port is not None else env_port,
        state_dir=Path(resolved_dir).absolute(),
        allow_any_credentials=allow_any_credentials or env_any,
    )


@dataclass(frozen=True)
class ExecutorSettings:
    """How the Lambda executor runs functions and events."""

    idle_seconds: float = DEFAULT_IDLE_SECONDS
    retry_scale: float = 1.0
    schedule_scale: float = 1.0
    cpu_throttle: str = "auto"
    log_retention_seconds: float = DEFAULT_LOG_RETENTION_SECONDS

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> ExecutorSettings:
        """Every executor variable, validated: SettingError names the first bad one (the
        ``LOCALAWS_PYTHON_3_X`` paths are checked here and read by ``executor.runtimes``)."""
        check_python_overrides(environ)
        return cls(
            idle_seconds=_from_environ(
                environ,
                ENV_IDLE_SECONDS,
                lambda t: parse_number(t, ENV_IDLE_SECONDS),
                DEFAULT_IDLE_SECONDS,
            ),
            retry_scale=_from_environ(
                environ, ENV_RETRY_SCALE, lambda t: parse_number(t, ENV_RETRY_SCALE, False), 1.0
            ),
            schedule_scale=_from_environ(
                environ, ENV_SCHEDULE_SCALE, lambda t: parse_number(t, ENV_SCHEDULE_SCALE), 1.0
            ),
            cpu_throttle=_from_environ(
                environ,
                ENV_CPU_THROTTLE,
                lambda t: parse_choice(t, ENV_CPU_THROTTLE, CPU_THROTTLE_MODES),
                "auto",
            ),
            log_retention_seconds=_from_environ(
                environ,
                ENV_LOG_RETENTION,
                lambda t: parse_number(t, ENV_LOG_RETENTION),
                DEFAULT_LOG_RETENTION_SECONDS,
            ),
        )


def check_python_overrides(environ: Mapping[str, str]) -> None:
    """SettingError for a ``LOCALAWS_PYTHON_3_X`` that names no runtime or no interpreter."""
    for name, value in sorted(environ.items()):
        if not name.startswith(ENV_PYTHON_PREFIX) or not value:
            continue
        minor = name[len(ENV_PYTHON_PREFIX) :]
        if not (minor.isascii() and minor.isdigit()) or int(minor) not in PYTHON_MINORS:
            raise SettingError(
                f"{name} names no Lambda Python runtime.",
                f"Use {ENV_PYTHON_PREFIX}9 to {ENV_PYTHON_PREFIX}14.",
            )
        path = Path(value)
        if not path.is_file() or not os.access(path, os.X_OK):
            raise SettingError(
                f"{name}: {value!r} is not an executable file.",
                f"Give the full path of a Python 3.{minor} interpreter, or unset {name}.",
            )


def debug_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """True when ``LOCALAWS_DEBUG`` asks for tracebacks (1, true, yes, on)."""
    return environ.get(ENV_DEBUG, "").strip().lower() in ("1", "true", "yes", "on")
