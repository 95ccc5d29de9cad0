"""The owner's credentials: made on a server's first start, kept in the state dir (mode 0600).

A localaws belongs to the Unix user whose state dir it uses. Every AWS request must be signed
with these keys (or keys derived from them: STS sessions, a function's session keys), and
``localaws env`` prints them as ``export`` lines. ``admin_token`` opens the ``/_localaws/``
admin endpoints to a client that does not sign (the CLI reads it from this file).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from localaws.errors import StateDirError

FILE_NAME = "credentials.json"
#: The characters AWS uses in access key ids (upper-case letters and digits 2-7).
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_access_key_id(prefix: str = "AKIA") -> str:
    """An id shaped as AWS's: AKIA (long-term) or ASIA (temporary) and 16 characters."""
    return prefix + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def new_secret() -> str:
    """40 characters, as AWS secret access keys are."""
    return secrets.token_urlsafe(30)[:40]


@dataclass(frozen=True)
class OwnerCredentials:
    access_key_id: str
    secret_access_key: str
    admin_token: str

    @classmethod
    def generate(cls) -> OwnerCredentials:
        return cls(new_access_key_id(), new_secret(), secrets.token_urlsafe(24))


def credentials_path(state_dir: Path) -> Path:
    return Path(state_dir) / FILE_NAME


def read_credentials(state_dir: Path) -> OwnerCredentials | None:
    """The owner's credentials, or None when this state dir has none (yet) or is not ours."""
    try:
        record = json.loads(credentials_path(state_dir).read_text())
        return OwnerCredentials(**{k: str(record[k]) for k in OwnerCredentials.__annotations__})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_or_create(state_dir: Path) -> OwnerCredentials:
    """The credentials kept in ``state_dir``, made (mode 0600, never readable by others) when
    there are none. A file others may read is made private again."""
    path = credentials_path(state_dir)
    existing = read_credentials(state_dir)
    if existing is not None:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return existing
    credentials = OwnerCredentials.generate()
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(credentials), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        raise StateDirError(
            f"cannot write the owner's credentials to {path}: {error.strerror}.",
            "Fix the state directory's permissions or choose another with --state-dir.",
        ) from error
    return credentials
