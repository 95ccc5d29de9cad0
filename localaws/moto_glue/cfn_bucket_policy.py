"""CloudFormation's ``AWS::S3::BucketPolicy``, which moto's CloudFormation does not know.

SAM CLI's managed stack (``sam deploy --resolve-s3``) and CDK's bootstrap stack both attach
one to their artifact bucket. The resource puts the policy on the bucket through moto's S3
backend (as ``PutBucketPolicy``), an update replaces it and deleting the stack removes it.
moto finds CloudFormation resource types among the subclasses of its ``CloudFormationModel``
when it first parses a template, which is after this module is imported.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends

from localaws.moto_glue.cfn_resource import StackResource


def _policy_bytes(properties: dict[str, Any]) -> bytes:
    document = properties["PolicyDocument"]
    text = document if isinstance(document, str) else json.dumps(document)
    return text.encode()


def _backend(account_id: str) -> Any:
    return s3_backends[account_id]["global"]


class BucketPolicyResource(StackResource, CloudFormationModel):
    """One ``AWS::S3::BucketPolicy`` of a stack (its physical id is the bucket's name)."""

    def __init__(self, account_id: str, bucket: str) -> None:
        self.account_id = account_id
        self.bucket = bucket

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @property
    def physical_resource_id(self) -> str:
        return self.bucket

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> BucketPolicyResource:
        properties = cloudformation_json["Properties"]
        bucket = str(properties["Bucket"])
        _backend(account_id).put_bucket_policy(bucket, _policy_bytes(properties))
        return cls(account_id, bucket)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> BucketPolicyResource:
        properties = cloudformation_json["Properties"]
        bucket = str(properties["Bucket"])
        if bucket != original_resource.bucket:
            original_resource.delete(account_id, region_name)
        _backend(account_id).put_bucket_policy(bucket, _policy_bytes(properties))
        return cls(account_id, bucket)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> None:
        cls(account_id, str(cloudformation_json["Properties"]["Bucket"])).delete(
            account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        """A stack's deletion: the policy goes (a bucket already gone has none)."""
        with contextlib.suppress(MissingBucket):
            _backend(account_id).delete_bucket_policy(self.bucket)
