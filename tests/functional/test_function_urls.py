"""Function URLs answer over real HTTP (urllib, requests, curl), as AWS does."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.front_doors import ECHO_SOURCE, echoed, http, sam_event, shape_differences
from tests.helpers import ServerProcess, eventually, function_log_messages
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server
Factory = Callable[[str], Any]


def make_public(lam: Any, name: str) -> None:
    """The two grants AWS asks for a public function URL (AuthType NONE)."""
    lam.add_permission(
        FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl",
        Principal="*", FunctionUrlAuthType="NONE",
    )  # fmt: skip
    lam.add_permission(
        FunctionName=name, StatementId="invoke", Action="lambda:InvokeFunction",
        Principal="*", InvokedViaFunctionUrl=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def public_url(server: ServerProcess) -> str:
    from tests.helpers import aws_client

    lam = aws_client(server.endpoint, "lambda")
    deploy(lam, aws_client(server.endpoint, "iam"), "echo-url", ECHO_SOURCE, Timeout=2)
    config = lam.create_function_url_config(
        FunctionName="echo-url",
        AuthType="NONE",
        Cors={"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
              "AllowHeaders": ["content-type"], "ExposeHeaders": ["x-custom"], "MaxAge": 60},
    )  # fmt: skip
    url = str(config["FunctionUrl"])
    assert http(url)[0] == 403  # no grants yet
    lam.add_permission(
        FunctionName="echo-url", StatementId="url", Action="lambda:InvokeFunctionUrl",
        Principal="*", FunctionUrlAuthType="NONE",
    )  # fmt: skip
    status, _, body = http(url)
    assert (status, json.loads(body)) == (403, {"Message": "Forbidden"})  # one of two grants
    lam.add_permission(
        FunctionName="echo-url", StatementId="invoke", Action="lambda:InvokeFunction",
        Principal="*", InvokedViaFunctionUrl=True,
    )  # fmt: skip
    return url


def test_the_grants_read_back_as_aws_writes_them(public_url: str, client_factory: Factory) -> None:
    policy = json.loads(client_factory("lambda").get_policy(FunctionName="echo-url")["Policy"])
    conditions = {s["Sid"]: s.get("Condition") for s in policy["Statement"]}
    assert conditions["url"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    assert conditions["invoke"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def test_the_function_url_is_an_address_any_client_reaches(
    server: ServerProcess, public_url: str
) -> None:
    parts = urlsplit(public_url)
    assert (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", server.port)
    assert public_url.endswith("/")
    url_id = parts.path.split("/")[2]
    assert len(url_id) == 32
    assert http(public_url)[0] == 200
    assert requests.get(public_url + "from/requests", timeout=30).status_code == 200
    host_style = f"http://{url_id}.lambda-url.us-east-1.localhost:{server.port}/via/curl?a=1"
    curl = subprocess.run(
        ["curl", "-s", "-w", "\n%{http_code}", host_style],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    body, status = curl.stdout.rsplit("\n", 1)
    assert status == "200"
    assert echoed(body.encode())["rawPath"] == "/via/curl"


def test_the_event_is_payload_2_0_key_by_key(public_url: str) -> None:
    status, headers, body = http(
        public_url + "my/path?parameter1=value1&parameter1=value2&parameter2=value",
        method="POST", body=b'{"test":"body"}',
        headers={"Cookie": "cookie1; cookie2", "Header2": "value1",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    assert status == 200
    event = echoed(body)
    reference = sam_event("http-api-proxy")
    # A function URL has no authentication, authorizer, path parameters or stage variables.
    absent = frozenset({"authentication", "authorizer", "pathParameters", "stageVariables"})
    assert shape_differences(event, reference, optional=absent) == []
    assert set(event) <= set(reference)
    assert set(event["requestContext"]) <= set(reference["requestContext"])
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/my/path"
    assert event["rawQueryString"] == "parameter1=value1&parameter1=value2&parameter2=value"
    assert event["queryStringParameters"] == {"parameter1": "value1,value2", "parameter2": "value"}
    assert event["cookies"] == ["cookie1", "cookie2"]
    assert all(name == name.lower() for name in event["headers"])
    assert "cookie" not in event["headers"] and event["headers"]["header2"] == "value1"
    assert (event["body"], event["isBase64Encoded"]) == ('{"test":"body"}', False)
    context = event["requestContext"]
    assert context["accountId"] == "anonymous"
    assert context["http"] == {
        "method": "POST", "path": "/my/path", "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1", "userAgent": context["http"]["userAgent"],
    }  # fmt: skip
    assert context["http"]["userAgent"].startswith("Python-urllib/")
    assert context["stage"] == "$default" and context["routeKey"] == "$default"
    assert context["apiId"] == context["domainPrefix"] == urlsplit(public_url).path.split("/")[2]
    assert abs(context["timeEpoch"] / 1000 - time.time()) < 60
    assert headers["x-amzn-RequestId"] == json.loads(body)["request_id"] == context["requestId"]


def test_a_binary_body_arrives_base64_encoded(public_url: str) -> None:
    data = bytes(range(256))
    response = requests.put(public_url + "upload", data=data, timeout=30)
    event = response.json()["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data
    assert "queryStringParameters" not in event and "cookies" not in event


def test_answers_are_mapped_as_aws_maps_them(public_url: str) -> None:
    status, headers, body = http(public_url + "string")
    assert (status, headers["Content-Type"], body) == (200, "application/json", b"plain words")
    status, headers, body = http(public_url + "object")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert json.loads(body) == {"fruit": "apple", "count": 3}
    response = requests.get(public_url + "structured", timeout=30)
    assert (response.status_code, response.text) == (201, "made")
    assert response.headers["x-custom"] == "yes"
    assert response.cookies.get("a") == "1" and response.cookies.get("b") == "2"
    binary = requests.get(public_url + "binary", timeout=30)
    assert binary.content == bytes(range(256))
    status, _, body = http(public_url + "error")
    assert (status, body) == (502, b"Internal Server Error")
    assert http(public_url + "malformed")[0] == 200  # 2.0 takes any body: JSON-encoded


def test_too_large_and_throttled_requests(public_url: str, client_factory: Factory) -> None:
    status, _, body = http(public_url + "big", method="POST", body=b"x" * (6 * 1024 * 1024))
    assert status == 413 and b"Request must be smaller than" in body
    lam = client_factory("lambda")
    lam.put_function_concurrency(FunctionName="echo-url", ReservedConcurrentExecutions=0)
    try:
        status, _, body = http(public_url + "busy")
        assert (status, json.loads(body)) == (429, {"Message": "Rate Exceeded."})
    finally:
        lam.delete_function_concurrency(FunctionName="echo-url")


def test_a_slow_function_ends_at_its_own_timeout(public_url: str) -> None:
    started = time.monotonic()
    status, _, _ = http(public_url + "slow")
    assert status == 502
    assert 1.5 < time.monotonic() - started < 10  # its Timeout is 2 s


def test_cors_comes_from_the_url_config(public_url: str) -> None:
    preflight = requests.options(
        public_url + "anything",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 200 and preflight.content == b""
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"
    assert preflight.headers["Access-Control-Max-Age"] == "60"
    answer = requests.get(public_url + "x", headers={"Origin": "https://app.example"}, timeout=30)
    assert answer.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert answer.headers["Access-Control-Expose-Headers"] == "x-custom"
    other = requests.get(public_url + "x", headers={"Origin": "https://evil.example"}, timeout=30)
    assert "Access-Control-Allow-Origin" not in other.headers


def test_requests_show_in_the_functions_logs_and_metrics(
    server: ServerProcess, public_url: str, client_factory: Factory
) -> None:
    ids = [http(public_url + f"count/{n}")[1]["x-amzn-RequestId"] for n in range(3)]

    def reported() -> bool:
        messages = function_log_messages(server.endpoint, "echo-url")
        return all(any(m.startswith(f"REPORT RequestId: {i}") for m in messages) for i in ids)

    assert eventually(reported)
    stats = client_factory("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations",
        Dimensions=[{"Name": "FunctionName", "Value": "echo-url"}],
        StartTime=time.time() - 600, EndTime=time.time() + 60, Period=60, Statistics=["Sum"],
    )  # fmt: skip
    assert sum(point["Sum"] for point in stats["Datapoints"]) >= 3


def _signed(url: str, key: str, secret: str, service: str = "lambda") -> dict[str, str]:
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return dict(request.headers)


def test_aws_iam_urls_need_a_valid_signature(
    server: ServerProcess, client_factory: Factory
) -> None:
    lam = client_factory("lambda")
    deploy(lam, client_factory("iam"), "echo-iam", ECHO_SOURCE)
    url = lam.create_function_url_config(FunctionName="echo-iam", AuthType="AWS_IAM")["FunctionUrl"]
    status, _, body = http(url + "p?q=1")
    assert (status, json.loads(body)) == (403, {"Message": "Forbidden"})
    assert http(url + "p?q=1", headers=_signed(url + "p?q=1", "testing", "wrong"))[0] == 403
    assert (
        http(url + "p?q=1", headers=_signed(url + "p?q=1", "testing", "testing", "execute-api"))[0]
        == 403
    )
    iam = client_factory("iam")
    iam.create_user(UserName="caller")
    key = iam.create_access_key(UserName="caller")["AccessKey"]
    signed = _signed(url + "p?q=1", key["AccessKeyId"], key["SecretAccessKey"])
    status, _, body = http(url + "p?q=1", headers=signed)
    assert status == 200
    iam_context = echoed(body)["requestContext"]["authorizer"]["iam"]
    assert iam_context["accessKey"] == key["AccessKeyId"]
    assert echoed(body)["requestContext"]["accountId"] == iam_context["accountId"]


def test_bad_url_configs_are_refused_clearly(client_factory: Factory) -> None:
    lam = client_factory("lambda")
    deploy(lam, client_factory("iam"), "echo-refused", ECHO_SOURCE)
    with pytest.raises(ClientError) as streaming:
        lam.create_function_url_config(
            FunctionName="echo-refused", AuthType="NONE", InvokeMode="RESPONSE_STREAM"
        )
    assert "RESPONSE_STREAM" in str(streaming.value) and "BUFFERED" in str(streaming.value)
    with pytest.raises(ClientError) as auth:
        lam.create_function_url_config(FunctionName="echo-refused", AuthType="OPEN")
    assert auth.value.response["Error"]["Code"] == "ValidationException"


def test_a_stack_makes_a_function_url(client_factory: Factory) -> None:
    """CloudFormation's AWS::Lambda::Url, with the two AWS::Lambda::Permission grants."""
    from tests.lab_fixtures import create_role

    grant = {"FunctionName": {"Ref": "Fn"}, "Principal": "*"}
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.12", "Handler": "index.handler",
                "Role": create_role(client_factory("iam")),
                "Code": {"ZipFile": "def handler(event, context):\n    return 'from a stack'\n"},
            }},
            "FnUrl": {"Type": "AWS::Lambda::Url", "Properties": {
                "TargetFunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}, "AuthType": "NONE",
            }},
            "UrlGrant": {"Type": "AWS::Lambda::Permission", "Properties": {
                **grant, "Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE",
            }},
            "InvokeGrant": {"Type": "AWS::Lambda::Permission", "Properties": {
                **grant, "Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True,
            }},
        },
        "Outputs": {"Url": {"Value": {"Fn::GetAtt": ["FnUrl", "FunctionUrl"]}}},
    }  # fmt: skip
    cfn = client_factory("cloudformation")
    cfn.create_stack(StackName="url-stack", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="url-stack")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    url = stack["Outputs"][0]["OutputValue"]
    status, _, body = http(url)
    assert (status, body) == (200, b"from a stack")
    cfn.delete_stack(StackName="url-stack")
    assert http(url)[0] == 403  # the URL went with the stack
