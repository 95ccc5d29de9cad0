"""The runtime bootstrap localaws starts in each execution environment.

Standard library only: it runs in the function's interpreter (Python 3.9 to 3.14), not in
localaws's. It speaks the Lambda Runtime API (``/2018-06-01/runtime/...``) like the AWS runtime
interface client: import the handler (reporting init errors by their AWS names), then loop on
``invocation/next``, call the handler with the event and a context object, and post the result
or the error. Output goes to stdout, which localaws turns into CloudWatch Logs.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import socket
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is slow to import and only the type checker needs it
    import logging
    from typing import Any

RUNTIME_PATH = "/2018-06-01/runtime"
#: Starts one log event of several lines, sent as one stdout line with its lines joined by
#: "\r" (the way the AWS runtime frames a record); localaws joins them with newlines again.
RECORD_MARKER = "\x00LOCALAWS-RECORD "


class FaultError(Exception):
    """An error the runtime reports under one of Lambda's runtime error types."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


class RuntimeApiClient:
    """A keep-alive HTTP/1.1 client for the Runtime API at AWS_LAMBDA_RUNTIME_API.

    Plain sockets rather than http.client: importing http.client (and the email package it
    needs) would add tens of milliseconds to every cold start.
    """

    def __init__(self, address: str) -> None:
        host, port = address.rsplit(":", 1)
        self.address = address
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")

    def call(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; the response's status, headers (lower-case names) and body."""
        lines = [f"{method} {RUNTIME_PATH}{path} HTTP/1.1", f"Host: {self.address}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        lines.append(f"Content-Length: {len(body)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        status = int(self.reader.readline().split()[1])
        received: dict[str, str] = {}
        while True:
            line = self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            received[name.strip().lower()] = value.strip()
        return status, received, self.reader.read(int(received.get("content-length", 0)))

    def next_invocation(self) -> tuple[int, dict[str, str], bytes]:
        return self.call("GET", "/invocation/next")

    def post_response(self, request_id: str, payload: bytes) -> None:
        self.call("POST", f"/invocation/{request_id}/response", payload)

    def post_error(self, request_id: str, error: dict[str, Any]) -> None:
        headers = {"Lambda-Runtime-Function-Error-Type": error["errorType"]}
        self.call("POST", f"/invocation/{request_id}/error", json.dumps(error).encode(), headers)

    def post_init_error(self, error: dict[str, Any]) -> None:
        headers = {"Lambda-Runtime-Function-Error-Type": error["errorType"]}
        self.call("POST", "/init/error", json.dumps(error).encode(), headers)


class LambdaContext:
    """The handler's ``context``: the attributes and method AWS documents."""

    def __init__(
        self,
        request_id: str,
        deadline_ms: int,
        function_arn: str,
        client_context: Any,
        identity: Any,
    ) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: str) -> None:
        sys.stdout.write(message)

    def __repr__(self) -> str:
        request, name = self.aws_request_id, self.function_name
        return f"LambdaContext([aws_request_id={request},function_name={name}])"


def make_error(
    message: str, error_type: str, trace: list[str], request_id: str = ""
) -> dict[str, Any]:
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id,
        "stackTrace": trace or [],
    }


def lambda_paths(text: str) -> str:
    """``text`` with the host's directories named as in Lambda: the code in ``/var/task``,
    layers in ``/opt``, the standard library in ``/var/lang/lib/python3.X``."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    places = [
        (os.environ.get("LAMBDA_TASK_ROOT", ""), "/var/task"),
        (os.environ.get("LOCALAWS_OPT_DIR", ""), "/opt"),
        (os.path.dirname(os.__file__), f"/var/lang/lib/{version}"),
    ]
    for host, lambda_path in places:
        if host and host != "/":
            text = text.replace(f'File "{host.rstrip(os.sep)}{os.sep}', f'File "{lambda_path}/')
    return text


def user_frames(tb: Any) -> list[str]:
    """Traceback entries from the user's code on (the bootstrap's own frames dropped), with
    paths as Lambda shows them."""
    import traceback  # only when something failed: it is slow to import

    frames = traceback.extract_tb(tb)
    for index, frame in enumerate(frames):
        if not frame.filename.endswith("bootstrap.py"):
            return [lambda_paths(format_frame(frame)) for frame in frames[index:]]
    return []


def format_frame(frame: Any) -> str:
    """One entry as the AWS runtime writes it: file, line, function and source line (no
    column markers, which Python 3.11 and later add to its own tracebacks)."""
    entry = f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
    return entry + (f"    {frame.line.strip()}\n" if frame.line else "")


def log_error(error: dict[str, Any]) -> None:
    """Write an error the way the AWS runtime does: one log event, '[ERROR] Type: message',
    then the traceback with each line's indentation in no-break spaces."""
    lines = [f"[ERROR] {error['errorType']}: {error['errorMessage']}"]
    lines.append("Traceback (most recent call last):")
    for entry in error["stackTrace"]:
        for line in entry.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(RECORD_MARKER + "\r".join(lines).replace("\n", "\r") + "\n")


def load_handler(handler: str) -> Any:
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise FaultError(
            "Runtime.MalformedHandlerName", f"Bad handler '{handler}': {error}"
        ) from error
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise FaultError(
            "Runtime.BuiltInModuleConflict",
            f"Cannot use built-in module {module_name} as a handler module",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise FaultError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        ) from error
    except SyntaxError as error:
        trace = [lambda_paths(f'  File "{error.filename}" Line {error.lineno}\n    {error.text}')]
        raise FaultError(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {error}",
            trace,
        ) from error
    try:
        return getattr(module, function_name)
    except AttributeError as error:
        raise FaultError(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        ) from error


REQUEST_ID = {"current": ""}


def setup_logging(logging: Any) -> None:
    """Root logger as in the managed runtime: '[LEVEL]\ttime\trequest id\tmessage'."""

    class RequestIdFilter(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            record.aws_request_id = REQUEST_ID["current"]
            return True

    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


class LoggingSetupOnImport:
    """Configures ``logging`` the first time anything imports it.

    The managed runtime configures the root logger at start; doing it on first import gives
    handlers the same logger without every cold start paying for importing ``logging``.
    """

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            load(module)
            setup_logging(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def set_module_path() -> None:
    """sys.path as in Lambda: task root, layer paths, then the runtime's own packages."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    opt = os.environ.get("LOCALAWS_OPT_DIR", "")
    paths = [os.environ["LAMBDA_TASK_ROOT"]]
    if opt:
        paths += [os.path.join(opt, "python", "lib", version, "site-packages")]
        paths += [os.path.join(opt, "python")]
    runtime_packages = os.environ.get("LOCALAWS_RUNTIME_PACKAGES", "")
    standard = [p for p in sys.path[1:] if p]
    sys.path[:] = paths + standard + ([runtime_packages] if runtime_packages else [])


def end_of_output(request_id: str) -> None:
    """Flush what the phase wrote: localaws takes as its log lines all output written before
    the runtime posts (or asks for the next event)."""
    sys.stdout.flush()
    sys.stderr.flush()


def invoke_once(client: RuntimeApiClient, handler: Any) -> None:
    status, headers, body = client.next_invocation()
    if status != 200:
        sys.exit(0)  # localaws is shutting this environment down
    request_id = headers["lambda-runtime-aws-request-id"]
    REQUEST_ID["current"] = request_id
    os.environ["_X_AMZN_TRACE_ID"] = headers.get("lambda-runtime-trace-id", "")
    client_context = headers.get("lambda-runtime-client-context")
    identity = headers.get("lambda-runtime-cognito-identity")
    context = LambdaContext(
        request_id,
        int(headers["lambda-runtime-deadline-ms"]),
        headers.get("lambda-runtime-invoked-function-arn", ""),
        json.loads(client_context) if client_context else None,
        json.loads(identity) if identity else None,
    )
    try:
        event = json.loads(body) if body else {}
        result = json.dumps(handler(event, context))
    except Exception as error:
        failure = make_error(
            str(error), type(error).__name__, user_frames(sys.exc_info()[2]), request_id
        )
        log_error(failure)
        end_of_output(request_id)
        client.post_error(request_id, failure)
        return
    end_of_output(request_id)
    client.post_response(request_id, result.encode("utf-8"))


def main() -> None:
    if sys.path and os.path.dirname(os.path.abspath(__file__)) == os.path.abspath(sys.path[0]):
        sys.path.pop(0)
    set_module_path()
    sys.meta_path.insert(0, LoggingSetupOnImport())
    client = RuntimeApiClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as error:
        if isinstance(error, FaultError):
            failure = make_error(error.message, error.error_type, error.trace)
        else:
            trace = user_frames(sys.exc_info()[2])
            failure = make_error(str(error), type(error).__name__, trace)
        log_error(failure)
        end_of_output("init")
        client.post_init_error(failure)
        sys.exit(1)
    end_of_output("init")
    while True:
        invoke_once(client, handler)


if __name__ == "__main__":
    main()
