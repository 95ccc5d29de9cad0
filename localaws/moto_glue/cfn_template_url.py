"""A ``TemplateURL`` names its bucket and key in any of S3's URL forms.

moto reads a URL as path-style (``http://host/bucket/key``) only when it contains "localhost";
with the endpoint ``http://127.0.0.1:4566`` that SAM and the CLI upload to, the template at
``http://127.0.0.1:4566/bucket/key`` was looked up in a bucket named "127". Here a host that is
an IP address, ``localhost`` or S3's own path-style host (``s3.amazonaws.com``,
``s3.<region>.amazonaws.com``, ``s3-<region>.amazonaws.com``) is path-style; otherwise the
bucket is the host's part before ``.s3.``/``.s3-`` (virtual-hosted style) or before
``.localhost``. A template that is not there is AWS's ``ValidationError``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import unquote, urlparse

import moto.cloudformation.responses as cfn_responses
from moto.cloudformation.exceptions import ValidationError
from moto.s3.exceptions import S3ClientError
from moto.s3.models import s3_backends

_VIRTUAL_HOSTED = re.compile(r"^(?P<bucket>.+?)\.s3[.-]")
_PATH_STYLE_HOST = re.compile(r"^s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")
NOT_FOUND = "TemplateURL must reference a valid S3 object to which you have access."


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def bucket_and_key(template_url: str) -> tuple[str, str]:
    """The bucket and key a TemplateURL names; ValueError when it names none."""
    url = urlparse(template_url)
    host = (url.hostname or "").lower()
    path = unquote(url.path).lstrip("/")
    if _is_ip(host) or host == "localhost" or _PATH_STYLE_HOST.match(host):
        bucket, _, key = path.partition("/")
    elif match := _VIRTUAL_HOSTED.match(host):
        bucket, key = match.group("bucket"), path
    elif host.endswith(".localhost"):
        bucket, key = host.removesuffix(".localhost"), path
    else:
        raise ValueError(template_url)
    if not bucket or not key:
        raise ValueError(template_url)
    return bucket, key


def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    try:
        bucket, key = bucket_and_key(template_url)
        found = s3_backends[account_id][partition].get_object(bucket, key)
    except (ValueError, S3ClientError):
        raise ValidationError(message=NOT_FOUND) from None
    if found is None:
        raise ValidationError(message=NOT_FOUND)
    body: Any = found.value
    return str(body.decode("utf-8"))


def install() -> None:
    cfn_responses.get_stack_from_s3_url = get_stack_from_s3_url
