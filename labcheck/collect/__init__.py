"""Where an account's state comes from: a live account (read-only clients) or an evidence
file. ``read_state`` is the one place that chooses; ``endpoint_url`` the one place that says
which endpoint a live account is reached at."""

from __future__ import annotations

import os
from pathlib import Path

from labcheck.model.state import AccountState


def endpoint_url(explicit: str | None = None) -> str | None:
    """``explicit``, else ``$AWS_ENDPOINT_URL`` (localaws), else None (real AWS)."""
    return explicit or os.environ.get("AWS_ENDPOINT_URL") or None


def read_state(
    evidence: Path | None = None, endpoint: str | None = None, region: str | None = None
) -> AccountState:
    """The evidence file's state when one is given, else the live account's."""
    if evidence is not None:
        from labcheck.collect.evidence import load_evidence

        return load_evidence(evidence)
    from labcheck.collect.live import live_collector

    return live_collector(endpoint, region).collect()
