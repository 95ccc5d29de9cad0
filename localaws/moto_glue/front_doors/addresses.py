"""Where a front door answers, and which one a request is for.

On AWS each front door has a host name of its own (``<url-id>.lambda-url.<region>.on.aws``,
``<api-id>.execute-api.<region>.amazonaws.com``), which no machine resolves offline. localaws
answers at path-style addresses on its own port, which every client reaches unchanged, and at
host-style ``*.localhost`` names, which curl and browsers resolve to loopback by themselves:

- function URLs: ``/lambda-url/<url-id>/<path>`` and ``<url-id>.lambda-url.<region>.localhost``
- REST and HTTP APIs: ``/restapis/<api-id>/<stage>/_user_request_/<path>``,
  ``/execute-api/<api-id>/<stage>/<path>`` and ``<api-id>.execute-api.localhost/<stage>/<path>``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from localaws.moto_glue.protocol import credential_scope

URL_PREFIX = "/lambda-url/"
API_PREFIX = "/execute-api/"
_URL_PATH = re.compile(r"^/lambda-url/(?P<id>[a-z0-9]+)(?P<rest>/.*)?$")
_USER_REQUEST = re.compile(
    r"^/restapis/(?P<id>[a-z0-9]+)/(?P<stage>[^/]+)/_user_request_(?P<rest>/.*)?$"
)
_API_PATH = re.compile(r"^/execute-api/(?P<id>[a-z0-9]+)(?P<rest>/.*)?$")
_URL_HOST = re.compile(r"^(?P<id>[a-z0-9]+)\.lambda-url\.[a-z0-9-]+\.localhost(:\d+)?$")
_API_HOST = re.compile(r"^(?P<id>[a-z0-9]+)\.execute-api\.localhost(:\d+)?$")


@dataclass(frozen=True)
class DoorAddress:
    """A request for a front door: ``kind`` "url" or "api", the id, the stage when the
    address names it apart from the path (``_user_request_``), and the path behind it."""

    kind: str
    door_id: str
    stage: str | None
    path: str


def raw_path(environ: dict[str, Any]) -> str:
    """The path as the client sent it (still percent-encoded)."""
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if uri:
        return str(uri).split("?", 1)[0].split("#", 1)[0] or "/"
    return str(environ.get("PATH_INFO", "/")) or "/"


def door_address(environ: dict[str, Any]) -> DoorAddress | None:
    """The front door a request is for, or None when it is an AWS API call.

    A path-style address is a front door's unless the request is signed for S3 (a bucket
    may be named ``lambda-url``)."""
    host = str(environ.get("HTTP_HOST", "")).lower()
    path = raw_path(environ)
    if match := _URL_HOST.match(host):
        return DoorAddress("url", match["id"], None, path)
    if match := _API_HOST.match(host):
        return DoorAddress("api", match["id"], None, path)
    if not path.startswith(("/lambda-url/", "/restapis/", "/execute-api/")):
        return None
    scope = credential_scope(environ)
    if scope is not None and scope[1] == "s3":
        return None
    if match := _URL_PATH.match(path):
        return DoorAddress("url", match["id"], None, match["rest"] or "/")
    if match := _USER_REQUEST.match(path):
        return DoorAddress("api", match["id"], match["stage"], match["rest"] or "/")
    if match := _API_PATH.match(path):
        return DoorAddress("api", match["id"], None, match["rest"] or "/")
    return None


def function_url(endpoint: str, url_id: str) -> str:
    """The ``FunctionUrl`` localaws returns: path-style, with AWS's trailing slash."""
    return f"{endpoint.rstrip('/')}{URL_PREFIX}{url_id}/"


def api_endpoint(endpoint: str, api_id: str) -> str:
    """An HTTP API's ``ApiEndpoint``: path-style (stage and path follow it)."""
    return f"{endpoint.rstrip('/')}{API_PREFIX}{api_id}"
