"""Keeping autograded notebooks away from every real AWS account."""

from __future__ import annotations

import os
from pathlib import Path

#: A loopback port nothing listens on (9, "discard"): calls fail at once, locally.
UNREACHABLE_ENDPOINT = "http://127.0.0.1:9"


def isolate_from_aws() -> None:
    """Make this process (and the kernels it starts) unable to reach any real AWS account.

    For nbgrader's autograde and validate runs: a notebook that calls AWS before (or
    without) ``labcheck.connect()`` meets dummy credentials and a closed local port.
    """
    use_offline_settings(UNREACHABLE_ENDPOINT)


def use_offline_settings(endpoint: str, state_dir: str | None = None) -> None:
    """No host profile or config files, and ``endpoint`` for every call: with the credentials
    of the localaws keeping ``state_dir``, or dummy ones (which no localaws accepts)."""
    from localaws.api import HOST_AWS_VARIABLES, OFFLINE_ENV, client_environment

    for name in HOST_AWS_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(OFFLINE_ENV)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    if state_dir is not None:
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.update(client_environment(Path(state_dir), endpoint))
