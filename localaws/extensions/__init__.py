"""Small fixes to moto where a learner would meet a difference from AWS; one module each."""

from __future__ import annotations

from localaws.extensions import code_location


def install_all(endpoint: str) -> None:
    """Apply every extension; ``endpoint`` is the address clients reach localaws at."""
    code_location.install(endpoint)
