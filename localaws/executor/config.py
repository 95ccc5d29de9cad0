"""What an execution environment needs to know about one function version."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FunctionConfig:
    """A function version's settings, read from moto's model when it is invoked."""

    name: str
    version: str
    arn: str
    account: str
    region: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_seconds: int
    ephemeral_mb: int
    variables: tuple[tuple[str, str], ...]
    code_sha: str
    layer_arns: tuple[str, ...]
    reserved_concurrency: int | None
    code_zip: bytes = field(repr=False, compare=False)
    layer_zips: tuple[bytes, ...] = field(repr=False, compare=False)
    #: Where its logs go (``LoggingConfig.LogGroup``); empty: ``/aws/lambda/<name>``.
    log_group: str = ""
    #: ``TracingConfig: Active``: invocations are sampled and REPORT names the trace.
    tracing_active: bool = False

    @property
    def own_arn(self) -> str:
        """The ARN an invocation that names no qualifier sees: unqualified for ``$LATEST``
        (moto's model of it may end in ``:$LATEST``), the version's ARN otherwise."""
        return self.arn.removesuffix(":$LATEST")

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Which function version this is (environments are pooled per key)."""
        return (self.account, self.region, self.name, self.version)

    @property
    def fingerprint(self) -> str:
        """Changes whenever code or configuration changes, retiring old environments."""
        settings = [
            self.runtime,
            self.handler,
            self.memory_mb,
            self.timeout_seconds,
            self.ephemeral_mb,
            self.variables,
            self.code_sha,
            self.layer_arns,
            self.log_group,
        ]
        return hashlib.sha256(json.dumps(settings).encode()).hexdigest()[:16]
