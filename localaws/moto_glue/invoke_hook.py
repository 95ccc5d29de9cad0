"""The seam between moto and the executor: ``LambdaFunction.invoke``.

moto routes the Invoke API, S3 notifications, SNS and SQS deliveries through this one method;
without Docker it would return a canned reply. Here it runs the handler for real. moto also runs
Event and DryRun invocations synchronously and ignores reserved concurrency; this seam answers
DryRun without running, queues Event invocations (202) for the asynchronous invoker, and
throttles with 429 as AWS does. A request made from inside a handler continues its causal
chain (see ``tracing``).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import JsonRESTError

from localaws.executor.packages import BadPackageError
from localaws.executor.pool import ExecutorStopped, Throttled
from localaws.executor.runtimes import UnsupportedRuntimeError, check_runtime
from localaws.executor.service import InvocationService
from localaws.executor.tracing import Chain, request_chain
from localaws.moto_glue.functions import function_config
from localaws.moto_glue.invoke_request import REQUEST_ID_HEADER, invoked_arn
from localaws.state.rwlock import ReadWriteLock

#: Queues an Event invocation: function model, payload, chain, the request id it answered,
#: the ARN as invoked.
SubmitAsync = Callable[[Any, bytes, Chain | None, str, str], None]
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 1024 * 1024


class TooManyRequestsException(JsonRESTError):
    """HTTP 429 with the reason AWS gives for reserved concurrency."""

    code = 429

    def __init__(self) -> None:
        super().__init__("TooManyRequestsException", "Rate Exceeded.")
        self.description = (
            '{"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", '
            '"Type": "User", "message": "Rate Exceeded."}'
        )


class InvalidRuntimeException(LambdaClientError):
    code = 502

    def __init__(self, message: str) -> None:
        super().__init__("InvalidRuntimeException", message)


class InvalidZipFileException(LambdaClientError):
    """AWS: "Lambda could not unzip the deployment package" (a package stored before localaws
    checked packages at upload)."""

    code = 502

    def __init__(self, message: str) -> None:
        super().__init__("InvalidZipFileException", message)


class ServiceException(LambdaClientError):
    code = 503

    def __init__(self, message: str) -> None:
        super().__init__("ServiceException", message)


class InvalidRequestContentException(LambdaClientError):
    """HTTP 400: the Invoke payload is not JSON (or not UTF-8), refused before any run."""

    code = 400

    def __init__(self, reason: str) -> None:
        super().__init__(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {reason}",
        )


def check_json_payload(payload: bytes) -> None:
    """AWS refuses an Invoke payload that is not JSON; an empty one is the event ``{}``."""
    if not payload:
        return
    try:
        json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRequestContentException("it is not UTF-8 text") from None
    except ValueError as error:
        raise InvalidRequestContentException(str(error)) from None


class RequestTooLargeException(LambdaClientError):
    code = 413

    def __init__(self, limit: int, operation: str) -> None:
        super().__init__(
            "RequestEntityTooLargeException",
            f"Request must be smaller than {limit} bytes for the {operation} operation",
        )


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return None


def _client_context(headers: Any) -> str | None:
    encoded = _header(headers, "x-amz-client-context")
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


class MotoInvokeHook:
    """Replaces moto's ``LambdaFunction.invoke`` with a real run."""

    def __init__(
        self, service: InvocationService, lock: ReadWriteLock, submit_async: SubmitAsync
    ) -> None:
        self.service = service
        self.lock = lock
        self.submit_async = submit_async

    def invoke(
        self, function: Any, body: Any, request_headers: Any, response_headers: Any
    ) -> bytes:
        payload = body.encode() if isinstance(body, str) else bytes(body or b"")
        invocation_type = _header(request_headers, "x-amz-invocation-type") or "RequestResponse"
        limit = ASYNC_PAYLOAD_LIMIT if invocation_type == "Event" else SYNC_PAYLOAD_LIMIT
        if len(payload) > limit:
            raise RequestTooLargeException(limit, "Invoke")
        check_json_payload(payload)
        config = function_config(function)
        try:
            check_runtime(config.runtime)
        except UnsupportedRuntimeError as error:
            raise InvalidRuntimeException(str(error)) from None
        if invocation_type == "RequestResponse":  # AWS names no version for Event or DryRun
            response_headers["x-amz-executed-version"] = config.version
        # One request id for the answer, the handler's context and the log lines, as on AWS.
        request_id = response_headers[REQUEST_ID_HEADER] = str(uuid.uuid4())
        if invocation_type == "DryRun":
            return b""
        chain = request_chain()
        generation = self.service.sinks.generation  # read under the request's lock
        if invocation_type == "Event":
            with self.lock.released():
                arn = invoked_arn(function) or str(function.function_arn).removesuffix(":$LATEST")
                self.submit_async(function, payload, chain, request_id, arn)
            return b""
        trace = chain.next().header() if chain else None
        with self.lock.released():
            try:
                result = self.service.invoke(
                    config,
                    payload,
                    _client_context(request_headers),
                    trace_header=trace,
                    request_id=request_id,
                    generation=generation,
                    invoked_arn=invoked_arn(function),
                )
            except Throttled:
                raise TooManyRequestsException() from None
            except BadPackageError as error:
                raise InvalidZipFileException(str(error)) from None
            except ExecutorStopped:
                stopping = "localaws is stopping; the invocation did not run."
                raise ServiceException(stopping) from None
        if result.function_error:
            response_headers["x-amz-function-error"] = result.function_error
        if (_header(request_headers, "x-amz-log-type") or "") == "Tail":
            response_headers["x-amz-log-result"] = result.log_tail
        return result.payload


def install(invoke: Callable[[Any, Any, Any, Any], bytes]) -> None:
    """Every invocation moto makes runs ``invoke`` (``MotoInvokeHook.invoke``)."""

    def patched(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        return invoke(self, body, request_headers, response_headers)

    LambdaFunction.invoke = patched  # type: ignore[method-assign]
