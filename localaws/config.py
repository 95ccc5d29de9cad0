"""Settings, with one precedence rule: argument > environment variable > default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_STATE_DIR = ".localaws"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

ENV_HOST = "LOCALAWS_HOST"
ENV_PORT = "LOCALAWS_PORT"
ENV_STATE_DIR = "LOCALAWS_STATE_DIR"

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


@dataclass(frozen=True)
class ServerSettings:
    """Where localaws listens and keeps its state."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    state_dir: Path = Path(DEFAULT_STATE_DIR)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"


def resolve_settings(
    host: str | None,
    port: int | None,
    state_dir: str | None,
    environ: Mapping[str, str] = os.environ,
) -> ServerSettings:
    """Apply argument > environment variable > default to each setting."""
    env_host = environ.get(ENV_HOST)
    env_port = environ.get(ENV_PORT)
    resolved_port = port if port is not None else int(env_port) if env_port else DEFAULT_PORT
    resolved_dir = state_dir or environ.get(ENV_STATE_DIR) or DEFAULT_STATE_DIR
    return ServerSettings(
        host=host or env_host or DEFAULT_HOST,
        port=resolved_port,
        state_dir=Path(resolved_dir).absolute(),
    )
