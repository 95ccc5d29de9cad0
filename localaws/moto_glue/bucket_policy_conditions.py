"""A bucket policy's statements with a ``Condition`` do not apply to S3 requests.

moto enforces bucket policies on object requests but ignores every ``Condition``, so a
conditional ``Deny`` denies everything. SAM CLI's and CDK's artifact buckets carry exactly
that (deny when ``aws:SecureTransport`` is false), and every upload of theirs then failed
with 403. AWS evaluates the condition; localaws, which cannot, leaves such statements out
when it decides (the unconditional ones still apply). ``GetBucketPolicy`` shows the policy
as it was put.
"""

from __future__ import annotations

import json
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket


def unconditional(policy: bytes) -> str:
    """The policy document without the statements that carry a ``Condition``."""
    document = json.loads(policy.decode())
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    document["Statement"] = [s for s in statements if not s.get("Condition")]
    return json.dumps(document)


def get_permission(self: Any, action: str, resource: str) -> Any:
    """As moto decides, over the unconditional statements of the bucket's policy."""
    if self.policy is None:
        return PermissionResult.NEUTRAL
    return IAMPolicy(unconditional(self.policy)).is_action_permitted(action, resource)


def install() -> None:
    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
