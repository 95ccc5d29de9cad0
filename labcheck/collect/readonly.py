"""boto3 clients that can only read: any other operation is refused before it is sent."""

from __future__ import annotations

from typing import Any

from labcheck.errors import ReadOnlyViolation

READ_PREFIXES = ("Get", "List", "Describe", "Head", "Filter")


def is_read_operation(name: str) -> bool:
    return name.startswith(READ_PREFIXES)


def _refuse_writes(model: Any, **kwargs: Any) -> None:
    if not is_read_operation(model.name):
        raise ReadOnlyViolation(
            f"labcheck refused to call {model.service_model.service_name}:{model.name}, "
            "which could change the account; the grader only reads."
        )


def read_only_client(session: Any, service: str, **settings: Any) -> Any:
    """A client of ``session`` whose every call must be a read."""
    client = session.client(service, **settings)
    client.meta.events.register("before-call", _refuse_writes)
    return client
