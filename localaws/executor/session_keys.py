"""Temporary credentials for execution environments, as Lambda gives each its role's session.

Every environment gets its own access key, secret and session token when it is made; localaws
accepts them (with the token) until the environment is destroyed or the keys expire, so a
handler's boto3 calls to localaws are signed like any other client's. They never leave this
machine and open nothing but this localaws.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from localaws.state.owner import new_access_key_id, new_secret

#: How long a session's keys are accepted (Lambda's role sessions last up to 12 hours).
LIFETIME_SECONDS = 12 * 3600.0


@dataclass(frozen=True)
class SessionKey:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: float  # time.time()

    def environment(self) -> dict[str, str]:
        """The variables a handler's SDK reads them from."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
        }


class SessionKeys:
    """The keys handed out and not yet revoked; thread-safe."""

    def __init__(
        self, lifetime: float = LIFETIME_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.lifetime = lifetime
        self.clock = clock
        self._keys: dict[str, SessionKey] = {}
        self._lock = threading.Lock()

    def issue(self, expires: bool = True) -> SessionKey:
        """New keys; with ``expires=False``, localaws's own (its calls back to itself)."""
        key = SessionKey(
            new_access_key_id("ASIA"),
            new_secret(),
            secrets.token_urlsafe(48),
            self.clock() + self.lifetime if expires else float("inf"),
        )
        with self._lock:
            self._keys[key.access_key_id] = key
        return key

    def revoke(self, access_key_id: str) -> None:
        with self._lock:
            self._keys.pop(access_key_id, None)

    def find(self, access_key_id: str) -> SessionKey | None:
        """The key with this id, None when unknown, revoked or expired."""
        with self._lock:
            key = self._keys.get(access_key_id)
        if key is None or key.expires_at <= self.clock():
            return None
        return key
