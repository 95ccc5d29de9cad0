"""The Runtime API server against AWS's OpenAPI spec (2018-06-01), spoken to over real HTTP."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from localaws.executor.runtime_api import MAX_RESPONSE_BYTES, Invocation, RuntimeApiServer


@pytest.fixture
def api() -> Iterator[RuntimeApiServer]:
    server = RuntimeApiServer()
    yield server
    server.close()


def request(
    api: RuntimeApiServer, method: str, path: str, body: Any = None, headers: Any = None
) -> tuple[int, dict[str, str], bytes]:
    host, port = api.address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = headers or {}
    chunked = "Transfer-Encoding" in headers
    url = f"/2018-06-01/runtime{path}"
    connection.request(method, url, body=body, headers=headers, encode_chunked=chunked)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def submitted(api: RuntimeApiServer, **fields: Any) -> Invocation:
    invocation = Invocation("id-1", b'{"k": 1}', 1_700_000_000_000, "arn:fn", "Root=1-a", **fields)
    api.submit(invocation)
    return invocation


def test_next_carries_every_documented_header(api: RuntimeApiServer) -> None:
    submitted(api, client_context='{"custom": {}}', cognito_identity='{"cognitoIdentityId": "x"}')
    status, headers, body = request(api, "GET", "/invocation/next")
    assert (status, body) == (200, b'{"k": 1}')
    assert headers["Lambda-Runtime-Aws-Request-Id"] == "id-1"
    assert headers["Lambda-Runtime-Deadline-Ms"] == "1700000000000"
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == "arn:fn"
    assert headers["Lambda-Runtime-Trace-Id"] == "Root=1-a"
    assert headers["Lambda-Runtime-Client-Context"] == '{"custom": {}}'
    assert headers["Lambda-Runtime-Cognito-Identity"] == '{"cognitoIdentityId": "x"}'


def test_answers_are_checked_as_aws_checks_them(api: RuntimeApiServer) -> None:
    invocation = submitted(api)
    request(api, "GET", "/invocation/next")
    status, _, body = request(api, "POST", "/invocation/other/response", b"1")
    assert status == 400 and json.loads(body)["errorType"] == "InvalidRequestID"
    too_big = b"x" * (MAX_RESPONSE_BYTES + 1)
    status, _, body = request(api, "POST", "/invocation/id-1/response", too_big)
    assert status == 413
    assert json.loads(body) == {
        "errorMessage": "Exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "RequestEntityTooLarge",
    }
    assert invocation.error is not None
    assert invocation.error["errorType"] == "Function.ResponseSizeTooLarge"
    status, _, _ = request(api, "POST", "/invocation/id-1/response", b"1")
    assert status == 400  # answered once already


def test_an_error_without_a_json_body_takes_its_type_from_the_header(api: RuntimeApiServer) -> None:
    invocation = submitted(api)
    request(api, "GET", "/invocation/next")
    headers = {"Lambda-Runtime-Function-Error-Type": "Custom.Broken"}
    status, _, body = request(api, "POST", "/invocation/id-1/error", b"not json", headers)
    assert (status, json.loads(body)) == (202, {"status": "OK"})
    assert invocation.error == {"errorType": "Custom.Broken", "errorMessage": ""}


def test_a_chunked_response_is_read_whole(api: RuntimeApiServer) -> None:
    invocation = submitted(api)
    request(api, "GET", "/invocation/next")
    chunks = iter([b'{"a": ', b"1}"])
    headers = {"Transfer-Encoding": "chunked"}
    status, _, _ = request(api, "POST", "/invocation/id-1/response", chunks, headers)
    assert status == 202 and invocation.response == b'{"a": 1}'


def test_init_error_is_accepted_and_kept(api: RuntimeApiServer) -> None:
    headers = {"Lambda-Runtime-Function-Error-Type": "Runtime.Custom"}
    body = json.dumps({"errorMessage": "no config", "errorType": "Runtime.Custom"})
    waiter = threading.Thread(target=api.init_done.wait, args=(10,))
    waiter.start()
    status, _, _ = request(api, "POST", "/init/error", body, headers)
    waiter.join()
    assert status == 202
    assert api.init_error == {"errorMessage": "no config", "errorType": "Runtime.Custom"}


def test_close_stops_the_server_and_its_thread() -> None:
    server = RuntimeApiServer()
    host, port = server.address.split(":")
    server.close()
    assert not server._thread.is_alive()
    with pytest.raises(OSError):
        http.client.HTTPConnection(host, int(port), timeout=2).connect()
