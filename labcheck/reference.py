"""The lab's tasks done by code with the course's reference handler.

The autograder runs each lab notebook in a fresh, empty localaws, so before grading task N
of a submission worked by code, the tasks before it are done here the reference way; a
learner's notebook only ever earns points for its own task.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from importlib import resources

from labcheck.account import Account
from labcheck.state import FUNCTION_NAME

TASK_ORDER = ("task1", "task2", "task3", "task4")
#: What each task builds on.
NEEDS: dict[str, tuple[str, ...]] = {
    "task1": (),
    "task2": ("task1",),
    "task3": ("task1", "task2"),
    "task4": ("task1", "task2"),
}
IMAGE_KEY = "lab-image.jpg"
RESIZE_DEADLINE_SECONDS = 120.0


@dataclass(frozen=True)
class LabResources:
    """The starting resources of ``labcheck setup`` and the runtime to use with the layer."""

    original_bucket: str
    resized_bucket: str
    role_arn: str
    layer_arn: str
    runtime: str


def reference_handler_source() -> str:
    """The course's resize handler (solutions/resize_image/lambda_function.py)."""
    return resources.files("solutions").joinpath("resize_image/lambda_function.py").read_text()


def handler_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", source)
    return buffer.getvalue()


def create_function(account: Account, lab: LabResources, source: str) -> str:
    """Task 1: resize_image with the layer, role, 512 MB and RESIZED_BUCKET; its ARN."""
    lam = account.client("lambda")
    arn = lam.create_function(
        FunctionName=FUNCTION_NAME,
        Runtime=lab.runtime,
        Role=lab.role_arn,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": handler_zip(source)},
        MemorySize=512,
        Timeout=60,
        Layers=[lab.layer_arn],
        Environment={"Variables": {"RESIZED_BUCKET": lab.resized_bucket}},
    )["FunctionArn"]
    lam.get_waiter("function_active_v2").wait(FunctionName=FUNCTION_NAME)
    return str(arn)


def add_s3_trigger(account: Account, lab: LabResources) -> None:
    """Task 2: S3 may invoke the function, and every object created invokes it."""
    lam = account.client("lambda")
    function_arn = lam.get_function(FunctionName=FUNCTION_NAME)["Configuration"]["FunctionArn"]
    lam.add_permission(
        FunctionName=FUNCTION_NAME,
        StatementId="s3-invoke-resize-image",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{lab.original_bucket}",
        SourceAccount=account.account_id,
    )
    account.client("s3").put_bucket_notification_configuration(
        Bucket=lab.original_bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": function_arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )


def upload_and_wait(
    account: Account, lab: LabResources, image: bytes, key: str = IMAGE_KEY
) -> None:
    """Task 3: upload the image and wait until its resized copy appears."""
    s3 = account.client("s3")
    s3.put_object(Bucket=lab.original_bucket, Key=key, Body=image)
    s3.get_waiter("object_exists").wait(
        Bucket=lab.resized_bucket,
        Key=key,
        WaiterConfig={"Delay": 1, "MaxAttempts": int(RESIZE_DEADLINE_SECONDS)},
    )


def catch_up(account: Account, lab: LabResources, task: str) -> list[str]:
    """Do, the reference way, what ``task`` builds on and is not done yet; what was done.

    Task 4 reruns the function with uploads of its own, so it needs tasks 1 and 2 only.
    """
    done: list[str] = []
    needed = NEEDS[task]
    if "task1" in needed and not _function_exists(account.client("lambda")):
        create_function(account, lab, reference_handler_source())
        done.append("task1 (created resize_image)")
    if "task2" in needed and not _has_trigger(account, lab):
        add_s3_trigger(account, lab)
        done.append("task2 (S3 trigger)")
    return done


def _function_exists(lam: object) -> bool:
    try:
        lam.get_function(FunctionName=FUNCTION_NAME)  # type: ignore[attr-defined]
    except lam.exceptions.ResourceNotFoundException:  # type: ignore[attr-defined]
        return False
    return True


def _has_trigger(account: Account, lab: LabResources) -> bool:
    configuration = account.client("s3").get_bucket_notification_configuration(
        Bucket=lab.original_bucket
    )
    return bool(configuration.get("LambdaFunctionConfigurations"))
