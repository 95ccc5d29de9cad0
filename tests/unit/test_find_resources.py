"""find_resources: the lab's starting resources from the stack's outputs and the layer list."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from labcheck.provision.resources import LabTaskError, find_resources

ROLE = "arn:aws:iam::123456789012:role/ResizeImageLambdaRole"
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:PillowPythonLambdaLayer:"


class Recorded:
    """Fake clients answering as AWS does; every call is recorded as service:operation."""

    def __init__(self, outputs: dict[str, str], role_exists: bool = True) -> None:
        self.outputs = outputs
        self.role_exists = role_exists
        self.calls: list[str] = []

    def __call__(self, service: str) -> Any:
        recorded = self

        class Client:
            def __getattr__(self, operation: str) -> Any:
                def call(**params: Any) -> Any:
                    recorded.calls.append(f"{service}:{operation}")
                    return recorded.answer(operation)

                return call

        return Client()

    def answer(self, operation: str) -> Any:
        if operation == "describe_stacks":
            outputs = [{"OutputKey": k, "OutputValue": v} for k, v in self.outputs.items()]
            return {"Stacks": [{"StackName": "serverless-lab", "Outputs": outputs}]}
        if operation == "get_role":
            if not self.role_exists:
                error = {"Error": {"Code": "NoSuchEntity", "Message": "not found"}}
                raise ClientError(error, "GetRole")
            return {"Role": {"Arn": ROLE}}
        assert operation == "list_layer_versions"
        return {
            "LayerVersions": [{"Version": v, "LayerVersionArn": f"{LAYER}{v}"} for v in (1, 3, 2)]
        }


BUCKETS = {"OriginalBucketName": "original-b", "ResizedBucketName": "resized-b"}


def test_the_role_comes_from_the_stacks_output_without_asking_iam() -> None:
    clients = Recorded({**BUCKETS, "ResizeImageLambdaRoleArn": ROLE})
    found = find_resources(clients)
    assert (found.original_bucket, found.resized_bucket) == ("original-b", "resized-b")
    assert found.role_arn == ROLE and found.layer_arn == f"{LAYER}3"  # the newest version
    assert not [call for call in clients.calls if call.startswith("iam:")]


def test_a_stack_without_the_role_output_finds_the_role_by_name() -> None:
    clients = Recorded(BUCKETS)
    assert find_resources(clients).role_arn == ROLE
    assert "iam:get_role" in clients.calls


def test_a_missing_role_says_to_run_the_set_up() -> None:
    with pytest.raises(LabTaskError, match=r"NoSuchEntity.*labcheck setup"):
        find_resources(Recorded(BUCKETS, role_exists=False))
