"""The WSGI application: localaws's endpoints, then moto under the persistence lock."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from localaws.executor.tracing import set_request_trace
from localaws.moto_glue import before_request, extra_routes
from localaws.moto_glue import errors as aws_errors
from localaws.moto_glue.front_doors import FrontDoors
from localaws.server.access import AccessGate
from localaws.server.admin import AdminApp, ServerInfo, owner_only_answer
from localaws.server.operations import is_read_only
from localaws.state.persistence import Persistence, PersistenceError

log = logging.getLogger("localaws")
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

NOT_SAVED = (
    "localaws could not save its state; the request was not acknowledged. See the server log."
)


def _run_to_completion(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[Any], bytes]:
    """Call a WSGI app and collect its whole response, so it can be sent after the commit."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        captured["status"], captured["headers"] = status, headers

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return captured["status"], captured["headers"], body


def _answer_aws(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[Any], bytes]:
    """moto's answer, or an AWS-shaped error where moto has none or fails (aws_errors)."""
    try:
        status, headers, body = _run_to_completion(app, environ)
    except NotImplementedError as error:
        log.warning("localaws: unsupported: %s (%s)", aws_errors.operation_name(environ), error)
        return aws_errors.unsupported_operation(environ)
    except Exception as error:
        log.exception("localaws: %s failed", aws_errors.operation_name(environ))
        return aws_errors.internal_failure(environ, error)
    if aws_errors.is_unrouted(status, body):
        log.warning("localaws: unsupported: %s", aws_errors.operation_name(environ))
        return aws_errors.unsupported_operation(environ)
    return status, headers, body


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status a function chose that has no name
        return "Unknown"


class LocalAwsApp:
    """Routes ``/_localaws/*`` to the admin app; runs AWS API calls through moto durably."""

    def __init__(
        self, moto_app: WsgiApp, persistence: Persistence, info: ServerInfo, gate: AccessGate
    ) -> None:
        self.moto_app = moto_app
        self.gate = gate
        self.persistence = persistence
        self.info = info
        self.admin = AdminApp(info, persistence)
        #: Function URLs and APIs; set once the executor exists (before the server is ready).
        self.front_doors: FrontDoors | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/_localaws/"):
            if not self.gate.admin_allowed(environ):
                return owner_only_answer(start_response)
            return self.admin(environ, start_response)
        self.info.ready.wait()
        address = FrontDoors.address(environ)
        if address is not None and self.front_doors is not None:
            return self._front_door(environ, start_response, address)
        try:
            refused = self.gate.check(environ)
            status, headers, body = refused or self._answer(environ)
        except PersistenceError:
            log.exception("localaws: %s was not saved", aws_errors.operation_name(environ))
            status, headers, body = aws_errors.error_answer(
                environ, 500, "InternalFailure", NOT_SAVED
            )
        except Exception as error:  # outside moto (our own request handling): still AWS-shaped
            log.exception("localaws: %s failed", aws_errors.operation_name(environ))
            status, headers, body = aws_errors.internal_failure(environ, error)
        start_response(status, headers)
        return [body]

    def _front_door(
        self, environ: dict[str, Any], start_response: StartResponse, address: Any
    ) -> Iterable[bytes]:
        """A function URL's or an API's answer (never moto's)."""
        assert self.front_doors is not None
        try:
            answer = self.front_doors.answer(environ, address)
        except Exception:
            log.exception("localaws: the front door %s failed", address.door_id)
            status, headers, body = "500 Internal Server Error", [], b"Internal Server Error"
        else:
            status = f"{answer.status} {_phrase(answer.status)}"
            headers, body = answer.headers, answer.body
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[Any], bytes]:
        """moto's answer (or ours), under the persistence lock in the right mode."""
        before_request(environ)
        set_request_trace(environ.get("HTTP_X_AMZN_TRACE_ID"))
        app = extra_routes.route(environ) or self.moto_app
        if is_read_only(environ):
            with self.persistence.reading():
                return _answer_aws(app, environ)
        with self.persistence.writing():
            return _answer_aws(app, environ)
