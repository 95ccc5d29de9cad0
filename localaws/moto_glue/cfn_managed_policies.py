"""CloudFormation ``AWS::IAM::Role`` honours ``ManagedPolicyArns``, on create and on delete.

moto creates the role and its inline ``Policies`` but ignores ``ManagedPolicyArns``; AWS
attaches each listed managed policy (the lab's role relies on AWSLambdaBasicExecutionRole to
write logs), and detaches them again when the stack is deleted.
"""

from __future__ import annotations

from typing import Any

from moto.iam.models import Role, iam_backends
from moto.utilities.utils import get_partition

_original = Role.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
_original_delete = Role.delete_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _create_with_managed_policies(
    cls: Any,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    role = _original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    backend = iam_backends[account_id][get_partition(region_name)]
    for policy_arn in cloudformation_json["Properties"].get("ManagedPolicyArns", []):
        backend.attach_role_policy(policy_arn, role.name)
    return role


def _delete_detaching_managed_policies(
    cls: Any,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> None:
    backend = iam_backends[account_id][get_partition(region_name)]
    for role in list(backend.roles.values()):
        if role.name == resource_name:
            for policy_arn in list(role.managed_policies):
                backend.detach_role_policy(policy_arn, role.name)
    _original_delete(cls, resource_name, cloudformation_json, account_id, region_name)


def install() -> None:
    Role.create_from_cloudformation_json = classmethod(_create_with_managed_policies)  # type: ignore[method-assign,assignment]
    Role.delete_from_cloudformation_json = classmethod(_delete_detaching_managed_policies)  # type: ignore[method-assign,assignment]
