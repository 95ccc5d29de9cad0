"""What a client needs to use a localaws: its endpoint, its owner's credentials and the region.

The one source for ``localaws env``, ``make lab``, the notebooks, labcheck, the autograder's
private localaws and the tests: each reads the state dir of the localaws it uses.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from localaws.config import DEFAULT_REGION
from localaws.errors import LocalAwsError
from localaws.state.owner import read_credentials

#: Nothing of the host's AWS configuration may leak into a client of localaws.
NO_HOST_CONFIG = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def client_environment(state_dir: Path, endpoint: str) -> dict[str, str]:
    """The variables an AWS SDK or the AWS CLI reads, for the localaws using ``state_dir``."""
    credentials = read_credentials(Path(state_dir))
    if credentials is None:
        raise LocalAwsError(
            f"there are no credentials in {state_dir} yet (or they cannot be read).",
            "localaws makes them when it first starts: run 'localaws start', as the user who "
            "owns that state dir.",
        )
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_REGION": DEFAULT_REGION,
        "AWS_DEFAULT_REGION": DEFAULT_REGION,
        **NO_HOST_CONFIG,
    }


def export_lines(environment: dict[str, str]) -> str:
    """``export NAME=value`` lines a POSIX shell can ``eval``; AWS_SESSION_TOKEN and
    AWS_PROFILE are unset (a token or profile left from elsewhere would be sent along)."""
    lines = [f"export {name}={shlex.quote(value)}" for name, value in environment.items()]
    return "\n".join([*lines, "unset AWS_SESSION_TOKEN AWS_PROFILE"]) + "\n"


def admin_token(state_dir: Path | str) -> str | None:
    """The owner's token for the admin endpoints (``X-Localaws-Token``), or None."""
    credentials = read_credentials(Path(state_dir))
    return credentials.admin_token if credentials else None
