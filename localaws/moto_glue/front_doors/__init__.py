"""The HTTP front doors: function URLs, REST APIs (API Gateway v1) and HTTP APIs (v2).

moto stores their configuration; here they answer over HTTP. A request is recognised by its
address (``addresses``), resolved against moto's state under the shared lock (the URL, the
route, the integration, the permissions), then the function runs outside the lock through the
executor, like any invocation, and its result becomes the HTTP answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors.addresses import DoorAddress, door_address, raw_path
from localaws.moto_glue.front_doors.api_metrics import ApiMetrics
from localaws.moto_glue.front_doors.authorizers import AuthorizerCache
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest

log = logging.getLogger("localaws")
Reading = Callable[[], AbstractContextManager[Any]]


def _header_name(key: str) -> str:
    return "-".join(part.capitalize() for part in key[5:].split("_"))


def http_request(environ: dict[str, Any], path: str) -> HttpRequest:
    """The request as a front door sees it (``path``: the part behind the door's prefix)."""
    headers = [(_header_name(k), str(v)) for k, v in environ.items() if k.startswith("HTTP_")]
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers.append((name, str(environ[key])))
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return HttpRequest(
        method=str(environ.get("REQUEST_METHOD", "GET")),
        path=path,
        query=str(environ.get("QUERY_STRING", "")),
        headers=tuple(headers),
        body=body,
        source_ip=str(environ.get("REMOTE_ADDR", "127.0.0.1")),
        protocol=str(environ.get("SERVER_PROTOCOL", "HTTP/1.1")),
    )


class FrontDoors:
    """Answers requests for function URLs and APIs (``address`` says which are theirs)."""

    def __init__(
        self, service: InvocationService, reading: Reading, metrics: ApiMetrics | None = None
    ) -> None:
        self.service = service
        self.reading = reading
        self.metrics = metrics
        self.authorizer_cache = AuthorizerCache()

    @staticmethod
    def address(environ: dict[str, Any]) -> DoorAddress | None:
        """The front door a request is for (TestInvokeMethod counts as one), or None."""
        from localaws.moto_glue.front_doors.console_test import is_test_invoke

        if is_test_invoke(environ):
            return DoorAddress("test-invoke", "", None, "")
        return door_address(environ)

    def answer(self, environ: dict[str, Any], address: DoorAddress) -> HttpAnswer:
        from localaws.moto_glue.front_doors.api_door import Resolved, run_resolved, serve_api
        from localaws.moto_glue.front_doors.console_test import answer_test_invoke
        from localaws.moto_glue.front_doors.url_door import serve_url

        if address.kind == "test-invoke":

            def run(outcome: Any, request: HttpRequest, request_id: str) -> HttpAnswer:
                resolved = Resolved(request, True, outcome=outcome)
                return run_resolved(self.service, resolved, request_id, self.authorizer_cache)

            return answer_test_invoke(self.service, self.reading, environ, run)
        request = http_request(environ, address.path)
        if address.kind == "url":
            signed_path = raw_path(environ)
            return serve_url(self.service, self.reading, address.door_id, request, signed_path)
        return serve_api(
            self.service, self.reading, address, request, self.metrics, self.authorizer_cache
        )
