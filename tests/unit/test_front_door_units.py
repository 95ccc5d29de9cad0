"""The front doors' pure parts: route matching, answer mapping, CORS, policies, SigV4."""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localaws.moto_glue.front_doors import cors, permissions, sigv4
from localaws.moto_glue.front_doors.http import HttpRequest
from localaws.moto_glue.front_doors.payload_v1 import answer_v1
from localaws.moto_glue.front_doors.payload_v2 import MalformedResponse, answer_v2
from localaws.moto_glue.front_doors.routing import best_match


def request(method: str = "GET", path: str = "/", query: str = "", **headers: str) -> HttpRequest:
    pairs = tuple((k.replace("_", "-"), v) for k, v in headers.items())
    return HttpRequest(method, path, query, pairs, b"", "127.0.0.1")


@pytest.mark.parametrize(
    ("path", "chosen", "params"),
    [
        ("/pets/special", "/pets/special", {}),
        ("/pets/7", "/pets/{id}", {"id": "7"}),
        ("/pets/7/toys", "/pets/{proxy+}", {"proxy": "7/toys"}),
        ("/pets/a%20b", "/pets/{id}", {"id": "a b"}),
        ("/", "/", {}),
    ],
)
def test_the_most_specific_template_wins(path: str, chosen: str, params: dict[str, str]) -> None:
    templates = ["/", "/pets/{id}", "/pets/special", "/pets/{proxy+}", "/{proxy+}"]
    assert best_match([(t, t) for t in templates], path) == (chosen, params)


def test_no_template_no_match() -> None:
    assert best_match([("/pets/{id}", 1)], "/pets") is None
    assert best_match([("/pets/{proxy+}", 1)], "/pets") is None  # greedy needs a segment


def test_payload_2_0_answers() -> None:
    assert answer_v2(b'"hi"').body == b"hi"
    plain = answer_v2(b'{"a": 1}')
    assert (plain.status, plain.headers, json.loads(plain.body)) == (
        200, [("Content-Type", "application/json")], {"a": 1},
    )  # fmt: skip
    shaped = answer_v2(b'{"statusCode": 204, "cookies": ["c=1"], "headers": {"x": true}}')
    assert (shaped.status, shaped.headers) == (204, [("x", "true"), ("Set-Cookie", "c=1")])
    binary = json.dumps({"statusCode": 200, "isBase64Encoded": True,
                         "body": base64.b64encode(b"\x00\xff").decode()})  # fmt: skip
    assert answer_v2(binary.encode()).body == b"\x00\xff"
    for bad in (b"not json", b'{"statusCode": "teapot"}', b'{"statusCode": 99}'):
        with pytest.raises(MalformedResponse):
            answer_v2(bad)


def test_payload_1_0_answers_and_malformed_results() -> None:
    answer = answer_v1(b'{"statusCode": 201, "multiValueHeaders": {"a": ["1", "2"]}, "body": "x"}')
    assert (answer.status, answer.headers, answer.body) == (201, [("a", "1"), ("a", "2")], b"x")
    for bad in (b'"a string"', b'{"statusCode": 200, "body": {"a": 1}}',
                b'{"statusCode": 200, "extra": 1}', b"[]"):  # fmt: skip
        with pytest.raises(MalformedResponse):
            answer_v1(bad)


def test_cors_preflight_and_answers() -> None:
    config = {"AllowOrigins": ["https://a.example"], "AllowMethods": ["GET"], "MaxAge": 5}
    preflight = request("OPTIONS", origin="https://a.example", access_control_request_method="GET")
    assert cors.is_preflight(config, preflight)
    assert dict(cors.preflight(config, preflight).headers) == {
        "Access-Control-Allow-Origin": "https://a.example",
        "Access-Control-Allow-Methods": "GET",
        "Access-Control-Max-Age": "5",
    }
    stranger = request("OPTIONS", origin="https://b.example", access_control_request_method="GET")
    assert cors.preflight(config, stranger).headers == []
    assert cors.preflight({"allowOrigins": ["*"]}, stranger).headers == [
        ("Access-Control-Allow-Origin", "*")
    ]


def _function(*statements: dict[str, object]) -> object:
    return SimpleNamespace(policy=SimpleNamespace(statements=list(statements)))


def test_a_public_url_needs_both_grants() -> None:
    url = {"Action": "lambda:InvokeFunctionUrl", "Principal": "*",
           "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}  # fmt: skip
    invoke = {"Action": "lambda:InvokeFunction", "Principal": "*",
              "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}  # fmt: skip
    assert permissions.allows_public_url(_function(url, invoke))
    assert not permissions.allows_public_url(_function(url))
    assert not permissions.allows_public_url(_function(invoke))
    iam_only = {**url, "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}}
    assert not permissions.allows_public_url(_function(iam_only, invoke))
    assert permissions.allows_public_url(_function({"Action": "lambda:*", "Principal": "*"}))


def test_api_gateway_permission_follows_the_source_arn() -> None:
    source = {"AWS:SourceArn": "arn:aws:execute-api:r:1:api/*/GET/*"}
    statement = {"Action": "lambda:InvokeFunction",
                 "Principal": {"Service": "apigateway.amazonaws.com"},
                 "Condition": {"ArnLike": source}}  # fmt: skip
    function = _function(statement)
    assert permissions.allows_api_gateway(function, "arn:aws:execute-api:r:1:api/prod/GET/pets")
    assert not permissions.allows_api_gateway(function, "arn:aws:execute-api:r:1:api/prod/POST/x")
    assert not permissions.allows_api_gateway(function, "arn:aws:execute-api:r:1:other/p/GET/x")


OWNER_KEY, OWNER_SECRET = "AKIAOWNEREXAMPLE", "owner-secret"


def _signed(url: str, secret: str, service: str = "lambda") -> HttpRequest:
    aws = AWSRequest(method="POST", url=url, data=b"payload")
    SigV4Auth(Credentials(OWNER_KEY, secret), service, "us-east-1").add_auth(aws)
    path, _, query = url.split("://", 1)[1].partition("/")[2].partition("?")
    headers = (("Host", url.split("/")[2]), *((k, str(v)) for k, v in aws.headers.items()))
    return HttpRequest("POST", "/" + path, query, headers, b"payload", "127.0.0.1")


def test_sigv4_signatures_are_checked() -> None:
    sigv4.accept_keys({OWNER_KEY: OWNER_SECRET}.get, any_credentials=False)
    url = "http://127.0.0.1:4566/lambda-url/abc/some/path?b=2&a=1"
    good = _signed(url, OWNER_SECRET)
    signer = sigv4.verify(good, good.path)
    assert signer is not None and signer.access_key == OWNER_KEY
    assert sigv4.verify(_signed(url, "wrong"), good.path) is None
    assert sigv4.verify(_signed(url, OWNER_SECRET, "s3"), good.path) is None
    tampered = HttpRequest("POST", good.path, good.query, good.headers, b"other", "127.0.0.1")
    assert sigv4.verify(tampered, good.path) is None
    assert sigv4.verify(request(), "/") is None
