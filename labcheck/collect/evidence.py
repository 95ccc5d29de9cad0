"""Evidence files: the collected state and the results, versioned, redacted and checksummed.

An evidence file can be graded later with no network (``labcheck grade --evidence FILE``),
for example by nbgrader's autograder. Environment variable values other than RESIZED_BUCKET
are redacted; the file never holds credentials or presigned URLs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from labcheck import __version__
from labcheck.errors import CannotGradeError
from labcheck.model.results import TaskResult
from labcheck.model.state import AccountState

SCHEMA_VERSION = 1
KEPT_VARIABLES = ("RESIZED_BUCKET",)
REDACTED = "***redacted***"


def redact(state: AccountState) -> AccountState:
    """The state without the values of the function's variables (but the lab's own), in its
    settings and wherever an error line quotes one."""
    if state.function is None:
        return state
    hidden = [
        value
        for name, value in state.function.variables.items()
        if name not in KEPT_VARIABLES and value
    ]
    variables = {
        name: value if name in KEPT_VARIABLES else REDACTED
        for name, value in state.function.variables.items()
    }
    errors = tuple(_without(line, hidden) for line in state.errors)
    return replace(state, function=replace(state.function, variables=variables), errors=errors)


def _without(line: str, hidden: list[str]) -> str:
    for value in sorted(hidden, key=len, reverse=True):
        line = line.replace(value, REDACTED)
    return line


def _digest(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def save_evidence(path: Path, state: AccountState, results: list[TaskResult]) -> None:
    """Write what a live account showed (a state read back from evidence is not saved again:
    it would no longer say where it was collected)."""
    if state.backend == "evidence":
        raise CannotGradeError(
            "evidence is saved only from a live account, not from another evidence file.",
            "Leave out --evidence to read the account itself.",
        )
    safe = redact(state)
    document: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "labcheck": __version__,
        "backend": safe.backend,
        "account": safe.account,
        "region": safe.region,
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "state": safe.to_json(),
        "results": [result.to_json() for result in results],
    }
    document["digest"] = _digest(document)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(document, indent=2, sort_keys=True))
    tmp.replace(path)


def load_evidence(path: Path) -> AccountState:
    """The state recorded in ``path``; CannotGradeError if missing, corrupt, tampered or newer."""
    return replace(_checked_state(path)[0], backend="evidence")


def read_evidence_bytes(path: Path) -> bytes:
    """The file's bytes; CannotGradeError when there is none or it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise CannotGradeError(f"no evidence file at {path}.") from error
    except OSError as error:
        raise CannotGradeError(f"{path} is not a readable evidence file ({error}).") from error


def _checked_state(path: Path) -> tuple[AccountState, str]:
    """The state recorded in ``path`` and the backend it came from, once the file checks out."""
    return parse_evidence(read_evidence_bytes(path), path)


def parse_evidence(data: bytes, path: Path) -> tuple[AccountState, str]:
    """The state in an evidence file's ``data`` (read from ``path``) and the backend it was
    collected from; CannotGradeError if corrupt, tampered or newer."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise CannotGradeError(f"{path} is not a readable evidence file ({error}).") from error
    if not isinstance(document, dict) or "schema" not in document:
        raise CannotGradeError(f"{path} is not a labcheck evidence file.")
    schema = document["schema"]
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise CannotGradeError(
            f"{path} was written by a newer labcheck (evidence schema {schema}); this labcheck "
            f"({__version__}) reads schema {SCHEMA_VERSION}.",
            "Upgrade labcheck.",
        )
    if schema < SCHEMA_VERSION:
        raise CannotGradeError(f"{path} uses evidence schema {schema}, too old to grade.")
    claimed = document.pop("digest", None)
    if claimed != _digest(document):
        raise CannotGradeError(
            f"{path} does not match its checksum: it was edited or damaged.",
            "Collect the evidence again with 'labcheck grade --save-evidence FILE'.",
        )
    try:
        state = AccountState.from_json(document["state"])
    except (KeyError, TypeError) as error:
        raise CannotGradeError(f"{path} holds an incomplete state ({error}).") from error
    return state, str(document.get("backend", ""))
