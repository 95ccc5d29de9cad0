"""Whether S3 serves an object to anyone, signed or not: an object ACL granting AllUsers READ,
or a bucket policy allowing ``s3:GetObject`` to ``"*"``. (Block Public Access settings and
policy conditions are not consulted: a difference from AWS.)"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
ACCOUNT_ID = "123456789012"


def _acl_public(acl: Any) -> bool:
    for grant in getattr(acl, "grants", None) or []:
        uris = [getattr(grantee, "uri", "") for grantee in grant.grantees]
        if ALL_USERS in uris and ({"READ", "FULL_CONTROL"} & set(grant.permissions)):
            return True
    return False


def _policy_public(policy: Any, bucket: str, key: str) -> bool:
    try:
        document = json.loads(policy) if policy else {}
    except (TypeError, ValueError):
        return False
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        arn = f"arn:aws:s3:::{bucket}/{key}"
        if (
            statement.get("Effect") == "Allow"
            and anyone
            and "Condition" not in statement
            and any(fnmatchcase("s3:GetObject", a) for a in actions)
            and any(fnmatchcase(arn, r) for r in resources)
        ):
            return True
    return False


def is_public_object(bucket_name: str, key_name: str) -> bool:
    """Whether an unsigned GET of this object is answered on AWS."""
    from moto.s3.models import s3_backends

    bucket = s3_backends[ACCOUNT_ID]["aws"].buckets.get(bucket_name)
    if bucket is None:
        return False
    key = bucket.keys.get(key_name)
    if key is not None and _acl_public(key.acl):
        return True
    return _policy_public(bucket.policy, bucket_name, key_name)
