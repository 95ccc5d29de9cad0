"""moto's configuration endpoint (``POST /moto-api/config``), signed as any AWS request.

localaws serves ``/moto-api/`` (moto's own reset, configuration and data endpoints) to its
owner only, like ``/_localaws/``: a request signed with credentials localaws accepts, or
carrying the owner's admin token. Notebooks use ``moto_config`` to switch on Step Functions
executions offline, with the credentials they already have.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from localaws.config import DEFAULT_REGION
from localaws.errors import LocalAwsError


def moto_config(endpoint: str, config: dict[str, Any], region: str = DEFAULT_REGION) -> None:
    """POST ``config`` to moto's configuration endpoint of the localaws at ``endpoint``,
    signed with the credentials boto3 finds (those ``localaws env`` exports)."""
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise LocalAwsError(
            "no AWS credentials to sign with.", 'Run `eval "$(localaws env)"` first.'
        )
    body = json.dumps(config).encode()
    request = AWSRequest(
        "POST", f"{endpoint}/moto-api/config", data=body,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    SigV4Auth(credentials.get_frozen_credentials(), "localaws", region).add_auth(request)
    prepared = urllib.request.Request(
        request.url, data=body, headers=dict(request.headers.items()), method="POST"
    )
    urllib.request.urlopen(prepared, timeout=30).close()
