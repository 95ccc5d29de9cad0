"""Keys the emulated account itself issued, accepted as on AWS: an IAM user's active access
keys (``CreateAccessKey``) and the temporary keys of an assumed role (``AssumeRole``, as
``cdk deploy`` uses it) until they expire.

moto keeps both in its IAM and STS backends, secrets included. ``GetSessionToken`` and
``GetFederationToken`` answer with moto's fixed example keys, which are published and so are
never accepted (a difference from AWS, in the README).
"""

from __future__ import annotations

from datetime import datetime, timezone


def _assumed_role(access_key_id: str) -> tuple[str, str] | None:
    from moto.sts.models import sts_backends

    now = datetime.now(timezone.utc).replace(tzinfo=None)  # moto keeps naive UTC times
    for account_id in list(sts_backends.keys()):
        for backend in list(sts_backends[account_id].values()):
            for role in list(backend.assumed_roles):
                if role.access_key_id == access_key_id and role.expiration > now:
                    return str(role.secret_access_key), str(role.session_token)
    return None


def _iam_user(access_key_id: str) -> str | None:
    from moto.iam.models import iam_backends

    for account_id in list(iam_backends.keys()):
        for backend in list(iam_backends[account_id].values()):
            for user in list(backend.users.values()):
                for key in list(user.access_keys):
                    if key.access_key_id == access_key_id and key.status == "Active":
                        return str(key.secret_access_key)
    return None


def issued_keys(access_key_id: str) -> tuple[str, str | None] | None:
    """(secret, session token or None) of a key the account issued and still honours."""
    user_secret = _iam_user(access_key_id)
    if user_secret is not None:
        return user_secret, None
    return _assumed_role(access_key_id)
