"""The lab's starting resources as labcheck setup made them: found by their names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from labcheck.spec import LAYER_NAME, ROLE_NAME, STACK_NAME

Clients = Callable[[str], Any]
#: The stack's output naming the execution role (templates/serverless-lab.yaml).
ROLE_OUTPUT = "ResizeImageLambdaRoleArn"


class LabTaskError(Exception):
    """A task cannot be done; the message says what to do first."""


@dataclass(frozen=True)
class LabResources:
    """What ``labcheck setup`` made: the two buckets, the execution role and the layer."""

    original_bucket: str
    resized_bucket: str
    role_arn: str
    layer_arn: str


def find_resources(clients: Clients) -> LabResources:
    """Read the serverless-lab stack's outputs (the role's ARN among them; a stack made before
    that output existed: the role by its name) and the newest layer version."""
    try:
        stack = clients("cloudformation").describe_stacks(StackName=STACK_NAME)["Stacks"][0]
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        role = outputs.get(ROLE_OUTPUT) or _role_by_name(clients)
    except ClientError as error:
        raise LabTaskError(
            f"the lab's starting resources are missing ({error.response['Error']['Code']}); "
            "run 'labcheck setup' first."
        ) from error
    layers = clients("lambda").list_layer_versions(LayerName=LAYER_NAME)["LayerVersions"]
    if not layers:
        raise LabTaskError(f"there is no layer {LAYER_NAME}; run 'labcheck setup' first.")
    newest = max(layers, key=lambda layer: layer["Version"])
    return LabResources(
        outputs["OriginalBucketName"], outputs["ResizedBucketName"], role, newest["LayerVersionArn"]
    )


def _role_by_name(clients: Clients) -> str:
    return str(clients("iam").get_role(RoleName=ROLE_NAME)["Role"]["Arn"])
