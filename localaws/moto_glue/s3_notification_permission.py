"""S3 refuses a Lambda notification the function's resource policy does not allow.

moto stores any notification configuration. AWS first checks that each Lambda destination's
resource policy lets ``s3.amazonaws.com`` invoke it for this bucket, and otherwise answers
InvalidArgument "Unable to validate the following destination configurations" (the console
adds that permission when it adds a trigger; by hand it takes ``aws lambda add-permission``).
"""

from __future__ import annotations

import fnmatch
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.s3.exceptions import S3ClientError
from moto.s3.models import S3Backend

_original_put = S3Backend.put_bucket_notification_configuration


def _allows(statement: dict[str, Any], source_arn: str) -> bool:
    principal = statement.get("Principal", {})
    service = principal.get("Service") if isinstance(principal, dict) else principal
    if service != "s3.amazonaws.com" or statement.get("Effect", "Allow") != "Allow":
        return False
    if statement.get("Action") not in ("lambda:InvokeFunction", "lambda:*"):
        return False
    conditions = statement.get("Condition", {})
    patterns = [value.get("AWS:SourceArn") for value in conditions.values()]
    patterns = [pattern for pattern in patterns if pattern]
    return not patterns or any(fnmatch.fnmatchcase(source_arn, p) for p in patterns)


def s3_may_invoke(function_arn: str, bucket: str) -> bool:
    parts = function_arn.split(":")
    if len(parts) < 7:
        return False
    qualifier = parts[7] if len(parts) > 7 else None
    try:
        function = lambda_backends[parts[4]][parts[3]].get_function(parts[6], qualifier)
    except Exception:  # moto's not-found error: no function, nothing allowed
        return False
    statements = function.policy.statements if function.policy else []
    return any(_allows(statement, f"arn:aws:s3:::{bucket}") for statement in statements)


def _put_checked(self: Any, bucket_name: str, notification_config: dict[str, Any]) -> None:
    configs = notification_config.get("CloudFunctionConfiguration") or []
    if isinstance(configs, dict):
        configs = [configs]
    if any(not s3_may_invoke(str(c.get("CloudFunction", "")), bucket_name) for c in configs):
        raise S3ClientError(
            "InvalidArgument", "Unable to validate the following destination configurations"
        )
    _original_put(self, bucket_name, notification_config)


def install() -> None:
    S3Backend.put_bucket_notification_configuration = _put_checked  # type: ignore[method-assign]
