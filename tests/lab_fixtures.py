"""Small AWS resources used by several tests."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from labcheck.notebook.sandbox import TRUST_POLICY

HANDLER_SOURCE = "def lambda_handler(event, context):\n    return {'ok': True}\n"


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def handler_zip() -> bytes:
    return zip_bytes({"lambda_function.py": HANDLER_SOURCE})


def create_role(iam: Any, name: str = "LambdaTestRole") -> str:
    """The role's ARN, creating it on first use."""
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"]
        )


def deploy(
    lam: Any,
    iam: Any,
    name: str,
    source: str,
    handler: str = "lambda_function.lambda_handler",
    **config: Any,
) -> dict[str, Any]:
    """Create a Python function whose ``lambda_function.py`` is ``source``."""
    settings = {"Runtime": "python3.12", "MemorySize": 256, "Timeout": 30, **config}
    created = dict(
        lam.create_function(
            FunctionName=name,
            Role=create_role(iam),
            Handler=handler,
            Code={"ZipFile": zip_bytes({"lambda_function.py": source})},
            **settings,
        )
    )
    wait_until_ready(lam, name)
    return created


#: Waiters poll often here: localaws gets a function ready in milliseconds.
QUICK_WAITER = {"Delay": 0.05, "MaxAttempts": 600}


def wait_until_ready(lam: Any, name: str) -> None:
    """Wait as a client on AWS must: until the function is Active and its last update done."""
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig=QUICK_WAITER)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig=QUICK_WAITER)


def allow_s3_to_invoke(lam: Any, function_name: str, bucket: str) -> None:
    """The resource policy statement the console adds with an S3 trigger."""
    lam.add_permission(
        FunctionName=function_name,
        StatementId="s3-trigger",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket}",
    )


def trigger_on_uploads(s3: Any, bucket: str, function_arn: str) -> None:
    """Every object created in ``bucket`` invokes the function."""
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": function_arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
