"""AccountState: a typed, read-only view of what the lab is about in one AWS account.

Collectors build it (from a live account or an evidence file); checks only read it. It turns
into plain JSON and back for evidence files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from labcheck.spec import FUNCTION_NAME, LAYER_NAME, ROLE_NAME, STACK_NAME  # noqa: F401


@dataclass(frozen=True)
class FunctionState:
    name: str
    runtime: str
    role_arn: str
    handler: str
    memory_mb: int
    timeout_seconds: int
    layer_arns: tuple[str, ...]
    variables: dict[str, str]
    code_files: dict[str, str]
    policy_statements: tuple[dict[str, Any], ...]

    @property
    def layer_names(self) -> list[str]:
        """Layer names from ARNs like arn:aws:lambda:us-east-1:123:layer:NAME:1."""
        return [arn.split(":")[6] for arn in self.layer_arns if arn.count(":") >= 7]


@dataclass(frozen=True)
class ImageObject:
    key: str
    size: int
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class BucketState:
    name: str
    lambda_notifications: tuple[dict[str, Any], ...] = ()
    objects: tuple[ImageObject, ...] = ()

    def object(self, key: str) -> ImageObject | None:
        return next((item for item in self.objects if item.key == key), None)


@dataclass(frozen=True)
class ReportLine:
    """One REPORT line of the function's logs."""

    request_id: str
    duration_ms: float
    billed_ms: int
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class AccountState:
    account: str
    region: str
    backend: str  # local | aws | evidence
    function: FunctionState | None
    original: BucketState | None
    resized: BucketState | None
    reports: tuple[ReportLine, ...] = ()
    stack_outputs: dict[str, str] = field(default_factory=dict)
    #: The first line of each failed run's error in the function's logs (its type and
    #: message, as "[ERROR] ..." or "Task timed out ..."), the last few, oldest first.
    errors: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountState:
        function = data.get("function")
        return cls(
            account=data["account"],
            region=data["region"],
            backend=data["backend"],
            function=_function(function) if function else None,
            original=_bucket(data.get("original")),
            resized=_bucket(data.get("resized")),
            reports=tuple(ReportLine(**line) for line in data.get("reports", [])),
            stack_outputs=dict(data.get("stack_outputs", {})),
            errors=tuple(data.get("errors", [])),
        )


def _function(data: dict[str, Any]) -> FunctionState:
    return FunctionState(
        **{
            **data,
            "layer_arns": tuple(data["layer_arns"]),
            "policy_statements": tuple(data["policy_statements"]),
        }
    )


def _bucket(data: dict[str, Any] | None) -> BucketState | None:
    if not data:
        return None
    return BucketState(
        name=data["name"],
        lambda_notifications=tuple(data.get("lambda_notifications", [])),
        objects=tuple(ImageObject(**item) for item in data.get("objects", [])),
    )
