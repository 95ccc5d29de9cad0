"""``HTTP_PROXY`` integrations, to addresses on this machine only.

The request goes on as it came (method, headers, query, body) to the integration's URI, with
``{name}`` in it replaced by the route's path parameter of that name (AWS asks for a
``requestParameters`` mapping to do that; the names are matched here). The answer comes back
as the endpoint gave it. localaws reaches only loopback addresses: any other host is refused
(500, with a line in the localaws log), since an offline AWS must not reach the network.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host",
              "content-length", "proxy-connection", "te", "trailer"}  # fmt: skip
_PARAMETER = re.compile(r"\{([A-Za-z0-9_.]+)\+?\}")


class NotLoopback(ValueError):
    """The integration's URI names a host that is not this machine."""


@dataclass(frozen=True)
class ProxyTarget:
    """Where an HTTP_PROXY integration forwards a request, and how long it waits."""

    url: str
    timeout_seconds: float


def proxy_target(uri: str, params: dict[str, str], timeout_seconds: float) -> ProxyTarget:
    """The integration URI with the path parameters put in; NotLoopback for another host."""
    url = _PARAMETER.sub(lambda m: quote(params.get(m[1], ""), safe="/"), uri)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _is_loopback(parts.hostname or ""):
        raise NotLoopback(f"{uri!r} is not an http(s) address on this machine")
    return ProxyTarget(url, timeout_seconds)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def forward(request: HttpRequest, target: ProxyTarget) -> HttpAnswer | None:
    """The endpoint's answer, or None when it did not answer within the timeout; a 502
    ``HttpAnswer`` when nothing listens there."""
    parts = urlsplit(target.url)
    path = parts.path or "/"
    query = "&".join(q for q in (parts.query, request.query) if q)
    connection_type = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_type(parts.hostname or "", parts.port, timeout=target.timeout_seconds)
    headers = {k: v for k, v in request.headers if k.lower() not in HOP_BY_HOP}
    try:
        connection.request(
            request.method, path + (f"?{query}" if query else ""), request.body or None, headers
        )
        response = connection.getresponse()
        body = response.read()
    except TimeoutError:
        return None
    except OSError:
        return HttpAnswer.json(502, {"message": "Internal server error"})
    finally:
        connection.close()
    kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
    return HttpAnswer(response.status, kept, body)
