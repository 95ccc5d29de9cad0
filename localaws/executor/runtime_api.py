"""The Lambda Runtime API for one execution environment, served on its own loopback port.

The runtime (our bootstrap) pulls work with ``GET /2018-06-01/runtime/invocation/next`` and
answers with ``.../invocation/<id>/response`` or ``.../error``; a failed start is reported with
``/init/error``. Headers, status codes and error bodies are those of AWS's OpenAPI spec for
the 2018-06-01 API: a response over 6,291,556 bytes is refused with 413 and the invocation
fails with ``Function.ResponseSizeTooLarge``; an answer for a request that is not the one in
progress gets 400 ``InvalidRequestID``. Bodies may be sent with a length or chunked.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from localaws.peer_uid import owner_only

PREFIX = "/2018-06-01/runtime"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100  # AWS's 6,291,556-byte limit
ACCEPTED = b'{"status":"OK"}'
INVALID_REQUEST_ID = b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}'
TOO_LARGE = json.dumps(
    {
        "errorMessage": f"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
        "errorType": "RequestEntityTooLarge",
    }
).encode()


@dataclass
class Invocation:
    """One event handed to the runtime, and what the runtime answered."""

    request_id: str
    payload: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str = ""
    client_context: str | None = None
    cognito_identity: str | None = None
    response: bytes | None = None
    error: dict[str, Any] | None = None
    answered: threading.Event = field(default_factory=threading.Event)


#: How often the server checks for ``close()``, which waits for it. Environments are retired
#: in the background, so this only bounds a reset or a stop; the standard library's 0.5 s
#: made those slow, and much less would wake every idle environment's thread needlessly.
SHUTDOWN_POLL_SECONDS = 0.1


class RuntimeApiServer:
    """Hands invocations to one runtime process and collects its answers."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Invocation | None] = queue.Queue()
        self._current: Invocation | None = None
        self.init_error: dict[str, Any] | None = None
        self.init_done = threading.Event()  # the runtime asked for work, or failed to start
        self._waiting = threading.Event()  # the runtime is waiting in /next
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        owner_only(self._server)  # another Unix user can neither take nor answer invocations
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(SHUTDOWN_POLL_SECONDS,),
            name=f"runtime-api-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()

    @property
    def _port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._port}"

    def wait_for_next_request(self, gone: Callable[[], bool], timeout: float) -> bool:
        """After an answer: wait until the runtime asks for the next event (its invocation
        is over, as Lambda counts it) or ``gone()`` says its process ended; True if it asked.
        A runtime that exits once it answered (awslambdaric after a 413) is then seen as
        ended, so the next event starts a new environment, as on AWS."""
        deadline = time.monotonic() + timeout
        while not self._waiting.wait(0.002):
            if gone() or time.monotonic() > deadline:
                return False
        return True

    def submit(self, invocation: Invocation) -> None:
        self._queue.put(invocation)

    def close(self) -> None:
        """Stop serving; returns once the server's thread has stopped."""
        self._queue.put(None)
        stopping = threading.Thread(target=self._server.shutdown, name="runtime-api-close")
        stopping.start()
        while stopping.is_alive():  # wake its loop, rather than wait for its next poll
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self._port), timeout=1).close()
            stopping.join(0.005)
        self._server.server_close()

    # Called from the HTTP handler threads.
    def next_invocation(self) -> Invocation | None:
        self.init_done.set()
        self._waiting.set()
        invocation = self._queue.get()
        self._waiting.clear()
        self._current = invocation
        return invocation

    def answer(self, request_id: str, response: bytes | None, error: Any) -> bool:
        """Record the runtime's answer; False unless ``request_id`` is the invocation in
        progress and still unanswered."""
        invocation = self._current
        if invocation is None or invocation.request_id != request_id:
            return False
        if invocation.answered.is_set():
            return False
        invocation.response, invocation.error = response, error
        invocation.answered.set()
        return True

    def fail_init(self, error: dict[str, Any]) -> None:
        self.init_error = error
        self.init_done.set()


def too_large_error(size: int) -> dict[str, Any]:
    """What the caller of Invoke gets when the runtime's response was refused with 413."""
    return {
        "errorMessage": f"Response payload size ({size} bytes) exceeded maximum allowed "
        f"payload size ({MAX_RESPONSE_BYTES} bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }


def _parse_error(body: bytes, error_type: str | None) -> dict[str, Any]:
    try:
        error = json.loads(body)
    except ValueError:
        error = {}
    if not isinstance(error, dict):
        error = {}
    error.setdefault("errorType", error_type or "Runtime.Unknown")
    error.setdefault("errorMessage", "")
    return error


def _handler_for(api: RuntimeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every invocation.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            try:
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the runtime process was killed (a timeout, a stop): nobody to answer

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                return read_chunked(self.rfile)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            if self.path != f"{PREFIX}/invocation/next":
                return self._reply(404)
            invocation = api.next_invocation()
            if invocation is None:
                return self._reply(410, b'{"errorMessage": "environment shut down"}')
            headers = {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                "Lambda-Runtime-Trace-Id": invocation.trace_id,
            }
            if invocation.client_context:
                headers["Lambda-Runtime-Client-Context"] = invocation.client_context
            if invocation.cognito_identity:
                headers["Lambda-Runtime-Cognito-Identity"] = invocation.cognito_identity
            self._reply(200, invocation.payload, headers)

        def do_POST(self) -> None:
            body = self._body()
            error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
            parts = self.path[len(PREFIX) :].strip("/").split("/")
            json_type = {"Content-Type": "application/json"}
            if parts == ["init", "error"]:
                api.fail_init(_parse_error(body, error_type))
                return self._reply(202, ACCEPTED, json_type)
            if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                if parts[2] == "response" and len(body) > MAX_RESPONSE_BYTES:
                    if api.answer(parts[1], None, too_large_error(len(body))):
                        return self._reply(413, TOO_LARGE, json_type)
                    return self._reply(400, INVALID_REQUEST_ID, json_type)
                error = _parse_error(body, error_type) if parts[2] == "error" else None
                response = body if parts[2] == "response" else None
                if api.answer(parts[1], response, error):
                    return self._reply(202, ACCEPTED, json_type)
                return self._reply(400, INVALID_REQUEST_ID, json_type)
            self._reply(404)

    return Handler


def read_chunked(stream: Any) -> bytes:
    """A body sent with ``Transfer-Encoding: chunked`` (trailers, if any, are skipped)."""
    parts: list[bytes] = []
    while True:
        size = int(stream.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        parts.append(stream.read(size))
        stream.readline()
