"""``labcheck setup``: the lab's starting resources, on AWS or localaws, idempotently.

One CloudFormation template (package data) makes the two buckets and the execution role; the
Pillow layer is built from wheels for the target and published by set-up, since a template
would need it in S3 first. A rerun reports what exists and changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from botocore.exceptions import ClientError

from labcheck.model.state import LAYER_NAME, STACK_NAME
from labcheck.provision.layer import pillow_layer
from labcheck.spec import LAYER_PYTHON_VERSIONS

AWS_RUNTIMES = LAYER_PYTHON_VERSIONS


@dataclass
class SetupResult:
    outputs: dict[str, str]
    layer_arn: str
    created: list[str]


def template_body() -> str:
    template = resources.files("labcheck.provision").joinpath("templates/serverless-lab.yaml")
    return template.read_text()


def local_python_versions() -> list[str]:
    """Python versions localaws can run here (the layer needs a Pillow for each)."""
    from localaws.api import find_python

    return [f"3.{minor}" for minor in range(9, 15) if find_python(minor, os.environ)]


class LabSetup:
    def __init__(self, clients: Callable[[str], Any], target: str, say: Callable[[str], None]):
        self.clients = clients
        self.target = target
        self.say = say

    def run(self, python_versions: Sequence[str]) -> SetupResult:
        created: list[str] = []
        outputs = self._stack(created)
        layer_arn = self._layer(python_versions, created)
        return SetupResult(outputs, layer_arn, created)

    def _stack(self, created: list[str]) -> dict[str, str]:
        cloudformation = self.clients("cloudformation")
        try:
            stack = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
            self.say(f"Stack {STACK_NAME} already exists ({stack['StackStatus']}).")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ValidationError":
                raise
            self.say(f"Creating stack {STACK_NAME} (buckets and ResizeImageLambdaRole)...")
            cloudformation.create_stack(
                StackName=STACK_NAME,
                TemplateBody=template_body(),
                Capabilities=["CAPABILITY_NAMED_IAM"],
            )
            cloudformation.get_waiter("stack_create_complete").wait(
                StackName=STACK_NAME, WaiterConfig={"Delay": 2, "MaxAttempts": 150}
            )
            stack = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
            created.append(f"stack {STACK_NAME}")
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def _layer(self, python_versions: Sequence[str], created: list[str]) -> str:
        lam = self.clients("lambda")
        versions = lam.list_layer_versions(LayerName=LAYER_NAME).get("LayerVersions", [])
        layer = pillow_layer(python_versions, self.target, self.say)
        fingerprint = layer.fingerprint
        for version in versions:
            if fingerprint in version.get("Description", ""):
                self.say(f"Layer {LAYER_NAME} version {version['Version']} is up to date.")
                return str(version["LayerVersionArn"])
        content = layer.content(self.say)
        self.say(f"Publishing layer {LAYER_NAME} ({len(content) / 1e6:.1f} MB)...")
        published = lam.publish_layer_version(
            LayerName=LAYER_NAME,
            Description=f"Pillow for Python {', '.join(python_versions)} [{fingerprint}]",
            Content={"ZipFile": content},
            CompatibleRuntimes=[f"python{version}" for version in python_versions][:15],
        )
        created.append(f"layer {published['LayerVersionArn']}")
        return str(published["LayerVersionArn"])
