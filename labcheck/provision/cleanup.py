"""``labcheck cleanup``: remove what the lab created (function, trigger, objects, stack, layer)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from labcheck.model.state import FUNCTION_NAME, LAYER_NAME, STACK_NAME

Step = tuple[str, Callable[[], object]]
NOT_FOUND = ("ResourceNotFoundException", "NoSuchBucket", "ValidationError", "404")


def _exists(call: Callable[[], Any]) -> Any:
    """The call's answer, or None when the resource is not there."""
    try:
        return call()
    except ClientError as error:
        if error.response["Error"]["Code"] in NOT_FOUND:
            return None
        raise


def _delete_objects(s3: Any, bucket: str, keys: list[str]) -> None:
    for key in keys:
        s3.delete_object(Bucket=bucket, Key=key)


def _delete_stack(cloudformation: Any) -> None:
    cloudformation.delete_stack(StackName=STACK_NAME)
    cloudformation.get_waiter("stack_delete_complete").wait(
        StackName=STACK_NAME, WaiterConfig={"Delay": 2, "MaxAttempts": 150}
    )


def plan_cleanup(clients: Callable[[str], Any]) -> list[Step]:
    """What exists and would be deleted, each with the call that deletes it."""
    lam, s3, cloudformation = clients("lambda"), clients("s3"), clients("cloudformation")
    steps: list[Step] = []
    if _exists(partial(lam.get_function, FunctionName=FUNCTION_NAME)):
        steps.append(
            (f"function {FUNCTION_NAME}", partial(lam.delete_function, FunctionName=FUNCTION_NAME))
        )
    stacks = _exists(partial(cloudformation.describe_stacks, StackName=STACK_NAME))
    outputs = stacks["Stacks"][0].get("Outputs", []) if stacks else []
    for bucket in [o["OutputValue"] for o in outputs if o["OutputKey"].endswith("BucketName")]:
        listing = _exists(partial(s3.list_objects_v2, Bucket=bucket))
        if listing is None:
            continue
        notify = partial(
            s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration={}
        )
        steps.append((f"the trigger on {bucket}", notify))
        keys = [item["Key"] for item in listing.get("Contents", [])]
        if keys:
            steps.append(
                (f"{len(keys)} object(s) in {bucket}", partial(_delete_objects, s3, bucket, keys))
            )
    if stacks:
        steps.append(
            (f"stack {STACK_NAME} (buckets and role)", partial(_delete_stack, cloudformation))
        )
    for version in lam.list_layer_versions(LayerName=LAYER_NAME).get("LayerVersions", []):
        delete = partial(
            lam.delete_layer_version, LayerName=LAYER_NAME, VersionNumber=version["Version"]
        )
        steps.append((f"layer {LAYER_NAME} version {version['Version']}", delete))
    return steps
