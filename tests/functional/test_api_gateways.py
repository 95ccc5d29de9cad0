"""REST APIs (API Gateway v1) and HTTP APIs (v2) answer over real HTTP, as AWS does."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.front_doors import ECHO_SOURCE, echoed, http, sam_event, shape_differences
from tests.helpers import ServerProcess, aws_client, eventually, function_log_messages
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server
Factory = Callable[[str], Any]
ACCOUNT, REGION = "123456789012", "us-east-1"


def allow_api(lam: Any, function: str, api_id: str) -> None:
    lam.add_permission(
        FunctionName=function, StatementId=f"apigw-{api_id}", Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*",
    )  # fmt: skip


@pytest.fixture(scope="module")
def echo_arn(server: ServerProcess) -> str:
    lam = aws_client(server.endpoint, "lambda")
    iam = aws_client(server.endpoint, "iam")
    return str(deploy(lam, iam, "echo-api", ECHO_SOURCE, Timeout=5)["FunctionArn"])


@pytest.fixture(scope="module")
def rest_api(server: ServerProcess, echo_arn: str) -> str:
    """/pets/{id} (GET), /pets/special (GET), /pets/{proxy+} (ANY), /mock (GET, MOCK)."""
    api = aws_client(server.endpoint, "apigateway")
    api_id = str(api.create_rest_api(name="pets")["id"])
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    pets = api.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{echo_arn}/invocations"
    for part, method in (("{id}", "GET"), ("special", "GET"), ("{proxy+}", "ANY")):
        resource = api.create_resource(restApiId=api_id, parentId=pets, pathPart=part)["id"]
        api.put_method(
            restApiId=api_id, resourceId=resource, httpMethod=method, authorizationType="NONE"
        )
        api.put_integration(
            restApiId=api_id, resourceId=resource, httpMethod=method, type="AWS_PROXY",
            integrationHttpMethod="POST", uri=uri,
            **({"timeoutInMillis": 1000} if part == "{proxy+}" else {}),
        )  # fmt: skip
    mock = api.create_resource(restApiId=api_id, parentId=root, pathPart="mock")["id"]
    api.put_method(restApiId=api_id, resourceId=mock, httpMethod="GET", authorizationType="NONE")
    api.put_integration(
        restApiId=api_id, resourceId=mock, httpMethod="GET", type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )  # fmt: skip
    api.put_method_response(restApiId=api_id, resourceId=mock, httpMethod="GET", statusCode="200")
    api.put_integration_response(
        restApiId=api_id, resourceId=mock, httpMethod="GET", statusCode="200",
        responseTemplates={"application/json": '{"mocked": true}'},
    )  # fmt: skip
    api.create_deployment(restApiId=api_id, stageName="prod", variables={"color": "blue"})
    return api_id


def test_rest_needs_the_permission_for_api_gateway(
    server: ServerProcess, rest_api: str, client_factory: Factory
) -> None:
    url = f"{server.endpoint}/restapis/{rest_api}/prod/_user_request_/pets/7"
    status, _, body = http(url)
    assert (status, json.loads(body)) == (500, {"message": "Internal server error"})
    allow_api(client_factory("lambda"), "echo-api", rest_api)
    assert http(url)[0] == 200


def test_rest_event_is_payload_1_0_key_by_key(server: ServerProcess, rest_api: str) -> None:
    url = f"{server.endpoint}/restapis/{rest_api}/prod/_user_request_/pets/a/b?foo=bar&foo=baz"
    response = requests.post(url, data='{"test":"body"}', headers={"X-Many": "1"}, timeout=30)
    assert response.status_code == 200
    event = response.json()["event"]
    reference = sam_event("aws-proxy")
    assert shape_differences(event, reference) == []
    documented = {"extendedRequestId", "domainName", "domainPrefix", "deploymentId"}
    assert set(event["requestContext"]) - set(reference["requestContext"]) <= documented
    assert set(event) == set(reference)
    assert (event["resource"], event["path"], event["httpMethod"]) == (
        "/pets/{proxy+}", "/pets/a/b", "POST",
    )  # fmt: skip
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["stageVariables"] == {"color": "blue"}
    assert event["queryStringParameters"] == {"foo": "baz"}
    assert event["multiValueQueryStringParameters"] == {"foo": ["bar", "baz"]}
    assert event["headers"]["X-Many"] == "1" and event["multiValueHeaders"]["X-Many"] == ["1"]
    assert (event["body"], event["isBase64Encoded"]) == ('{"test":"body"}', False)
    context = event["requestContext"]
    assert (context["stage"], context["path"], context["apiId"]) == (
        "prod", "/prod/pets/a/b", rest_api,
    )  # fmt: skip
    assert context["accountId"] == ACCOUNT and context["identity"]["sourceIp"] == "127.0.0.1"
    assert response.headers["x-amzn-RequestId"] == context["requestId"]


def test_rest_routes_match_as_aws_matches_them(server: ServerProcess, rest_api: str) -> None:
    base = f"{server.endpoint}/execute-api/{rest_api}/prod"
    assert echoed(http(f"{base}/pets/7")[2])["resource"] == "/pets/{id}"
    assert echoed(http(f"{base}/pets/7")[2])["pathParameters"] == {"id": "7"}
    assert echoed(http(f"{base}/pets/special")[2])["resource"] == "/pets/special"
    assert echoed(http(f"{base}/pets/7/toys")[2])["resource"] == "/pets/{proxy+}"
    assert echoed(http(f"{base}/pets/7", method="DELETE")[2])["resource"] == "/pets/{proxy+}"
    for path, method in (("/nowhere", "GET"), ("/pets", "GET"), ("/mock", "POST")):
        status, headers, body = http(base + path, method=method)
        assert (status, json.loads(body)) == (403, {"message": "Missing Authentication Token"})
        assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert http(f"{server.endpoint}/execute-api/{rest_api}/nostage/pets/7")[0] == 403
    status, _, body = http(f"{base}/mock")
    assert (status, json.loads(body)) == (200, {"mocked": True})
    host_style = f"http://{rest_api}.execute-api.localhost:{server.port}/prod/pets/9"
    curl = subprocess.run(["curl", "-s", host_style], capture_output=True, timeout=30, check=True)
    assert echoed(curl.stdout)["pathParameters"] == {"id": "9"}


def test_rest_errors_are_awss(server: ServerProcess, rest_api: str) -> None:
    base = f"{server.endpoint}/execute-api/{rest_api}/prod/pets/x"
    for path in ("/error", "/malformed"):
        status, _, body = http(base + path)
        assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    started = time.monotonic()
    status, _, body = http(base + "/slow")  # the integration's timeout is 1 s
    assert (status, json.loads(body)) == (504, {"message": "Endpoint request timed out"})
    assert time.monotonic() - started < 2.5


@pytest.fixture(scope="module")
def http_api(server: ServerProcess, echo_arn: str) -> dict[str, Any]:
    """GET /items/{id} (2.0), ANY /v1/{proxy+} (1.0), $default (2.0); stage $default."""
    v2 = aws_client(server.endpoint, "apigatewayv2")
    api = v2.create_api(Name="items", ProtocolType="HTTP")
    api_id = api["ApiId"]
    for key, version in (
        ("GET /items/{id}", "2.0"),
        ("ANY /v1/{proxy+}", "1.0"),
        ("$default", "2.0"),
    ):
        integration = v2.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=echo_arn,
            PayloadFormatVersion=version,
        )["IntegrationId"]  # fmt: skip
        v2.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    allow_api(aws_client(server.endpoint, "lambda"), "echo-api", api_id)
    return dict(v2.get_api(ApiId=api_id))


def test_http_api_endpoint_works_with_any_client(
    server: ServerProcess, http_api: dict[str, Any]
) -> None:
    endpoint = http_api["ApiEndpoint"]
    assert endpoint.startswith(f"http://127.0.0.1:{server.port}/")
    status, headers, body = http(f"{endpoint}/items/42?parameter1=value1&parameter1=value2")
    assert status == 200
    event = echoed(body)
    absent = frozenset({"authentication", "authorizer", "cookies", "body", "stageVariables"})
    assert shape_differences(event, sam_event("http-api-proxy"), optional=absent) == []
    assert (event["routeKey"], event["rawPath"]) == ("GET /items/{id}", "/items/42")
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"parameter1": "value1,value2"}
    assert event["requestContext"]["stage"] == "$default"
    assert headers["apigw-requestid"] == event["requestContext"]["requestId"]
    assert requests.get(f"{endpoint}/items/43", timeout=30).json()["event"]["pathParameters"] == {
        "id": "43"
    }


def test_http_api_routes_and_payload_1_0(http_api: dict[str, Any]) -> None:
    endpoint = http_api["ApiEndpoint"]
    event = echoed(http(f"{endpoint}/v1/a/b?x=1", method="PUT", body=b"data")[2])
    assert (event["version"], event["resource"], event["path"]) == (
        "1.0",
        "/v1/{proxy+}",
        "/v1/a/b",
    )
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1"]}
    assert event["body"] == "data"
    caught = echoed(http(f"{endpoint}/anything/else", method="POST")[2])
    assert caught["routeKey"] == "$default" and caught["rawPath"] == "/anything/else"
    status, _, body = http(f"{endpoint}/items/1/error")
    assert (status, json.loads(body)) == (500, {"message": "Internal Server Error"})


def test_http_api_without_a_matching_route_is_not_found(
    server: ServerProcess, client_factory: Factory, echo_arn: str
) -> None:
    v2 = client_factory("apigatewayv2")
    api = v2.create_api(Name="narrow", ProtocolType="HTTP")
    integration = v2.create_integration(
        ApiId=api["ApiId"], IntegrationType="AWS_PROXY", IntegrationUri=echo_arn,
        PayloadFormatVersion="2.0",
    )["IntegrationId"]  # fmt: skip
    v2.create_route(ApiId=api["ApiId"], RouteKey="GET /only", Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api["ApiId"], StageName="dev")
    allow_api(client_factory("lambda"), "echo-api", api["ApiId"])
    assert http(f"{api['ApiEndpoint']}/dev/only")[0] == 200
    for path in ("/dev/other", "/dev/only/more", "/prod/only"):
        status, _, body = http(api["ApiEndpoint"] + path)
        assert (status, json.loads(body)) == (404, {"message": "Not Found"})
    assert http(api["ApiEndpoint"] + "/dev/only", method="POST")[0] == 404


def test_api_requests_show_in_the_functions_logs(
    server: ServerProcess, http_api: dict[str, Any]
) -> None:
    lambda_ids = [echoed_id(http(f"{http_api['ApiEndpoint']}/items/{n}")[2]) for n in range(2)]

    def reported() -> bool:
        messages = function_log_messages(server.endpoint, "echo-api")
        return all(
            any(m.startswith(f"REPORT RequestId: {i}") for m in messages) for i in lambda_ids
        )

    assert eventually(reported)


def echoed_id(body: bytes) -> str:
    return str(json.loads(body)["request_id"])


@pytest.fixture(scope="module")
def loopback_site() -> Iterator[str]:
    """A small web server on this machine that says what it was asked."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"path": self.path, "agent": self.headers["User-Agent"]}).encode()
            self.send_response(203)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Site", "loopback")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{site.server_address[1]}"
    site.shutdown()
    site.server_close()


def test_http_proxy_integrations_reach_this_machine_only(
    server: ServerProcess, client_factory: Factory, loopback_site: str
) -> None:
    api = client_factory("apigateway")
    api_id = api.create_rest_api(name="proxy")["id"]
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    for part, uri in (
        ("site", f"{loopback_site}/pages/{{proxy}}"),
        ("far", "http://192.0.2.1/{proxy}"),
    ):
        parent = api.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"]
        proxy = api.create_resource(restApiId=api_id, parentId=parent, pathPart="{proxy+}")["id"]
        api.put_method(
            restApiId=api_id, resourceId=proxy, httpMethod="GET", authorizationType="NONE"
        )
        api.put_integration(
            restApiId=api_id, resourceId=proxy, httpMethod="GET", type="HTTP_PROXY",
            integrationHttpMethod="GET", uri=uri,
        )  # fmt: skip
    api.create_deployment(restApiId=api_id, stageName="live")
    response = requests.get(
        f"{server.endpoint}/execute-api/{api_id}/live/site/a/b?x=1",
        headers={"User-Agent": "tester"}, timeout=30,
    )  # fmt: skip
    assert (response.status_code, response.headers["X-Site"]) == (203, "loopback")
    assert response.json() == {"path": "/pages/a/b?x=1", "agent": "tester"}
    status, _, body = http(f"{server.endpoint}/execute-api/{api_id}/live/far/x")
    assert (status, json.loads(body)) == (500, {"message": "Internal server error"})
    v2 = client_factory("apigatewayv2")
    http_api = v2.create_api(Name="proxy", ProtocolType="HTTP")
    integration = v2.create_integration(
        ApiId=http_api["ApiId"], IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
        IntegrationUri=f"{loopback_site}/v2/{{proxy}}", PayloadFormatVersion="1.0",
    )["IntegrationId"]  # fmt: skip
    v2.create_route(
        ApiId=http_api["ApiId"], RouteKey="GET /{proxy+}", Target=f"integrations/{integration}"
    )
    v2.create_stage(ApiId=http_api["ApiId"], StageName="$default", AutoDeploy=True)
    answer = requests.get(f"{http_api['ApiEndpoint']}/c/d", timeout=30)
    assert (answer.status_code, answer.json()["path"]) == (203, "/v2/c/d")


def test_api_requests_are_counted_in_aws_apigateway(
    server: ServerProcess, http_api: dict[str, Any], rest_api: str, client_factory: Factory
) -> None:
    http(f"{http_api['ApiEndpoint']}/items/5")
    http(f"{server.endpoint}/execute-api/{rest_api}/prod/nowhere")  # a 403
    cloudwatch = client_factory("cloudwatch")

    def total(name: str, dimensions: list[dict[str, str]]) -> float:
        stats = cloudwatch.get_metric_statistics(
            Namespace="AWS/ApiGateway", MetricName=name, Dimensions=dimensions,
            StartTime=time.time() - 600, EndTime=time.time() + 60, Period=60, Statistics=["Sum"],
        )  # fmt: skip
        return float(sum(point["Sum"] for point in stats["Datapoints"]))

    rest = [{"Name": "ApiName", "Value": "pets"}, {"Name": "Stage", "Value": "prod"}]
    by_id = [{"Name": "ApiId", "Value": http_api["ApiId"]}, {"Name": "Stage", "Value": "$default"}]
    assert eventually(lambda: total("4XXError", rest) >= 1 and total("Count", by_id) >= 1)
    assert total("Count", rest) >= total("4XXError", rest)
    assert total("5xx", by_id) <= total("Count", by_id)


def test_the_consoles_test_button(
    rest_api: str, client_factory: Factory, server: ServerProcess
) -> None:
    """TestInvokeMethod runs the method's integration in the stage test-invoke-stage."""
    api = client_factory("apigateway")
    resources = {r["path"]: r["id"] for r in api.get_resources(restApiId=rest_api)["items"]}
    answer = api.test_invoke_method(
        restApiId=rest_api, resourceId=resources["/pets/{id}"], httpMethod="GET",
        pathWithQueryString="/pets/12?color=red", headers={"X-Test": "yes"},
        stageVariables={"color": "green"},
    )  # fmt: skip
    assert answer["status"] == 200 and answer["latency"] >= 0
    event = json.loads(answer["body"])["event"]
    assert event["pathParameters"] == {"id": "12"}
    assert event["queryStringParameters"] == {"color": "red"}
    assert event["stageVariables"] == {"color": "green"}
    assert event["requestContext"]["stage"] == "test-invoke-stage"
    assert "Method completed with status: 200" in answer["log"]
    mock = api.test_invoke_method(
        restApiId=rest_api, resourceId=resources["/mock"], httpMethod="GET"
    )
    assert (mock["status"], json.loads(mock["body"])) == (200, {"mocked": True})
    with pytest.raises(api.exceptions.NotFoundException):
        api.test_invoke_method(restApiId=rest_api, resourceId=resources["/mock"], httpMethod="PUT")


def test_http_api_quick_create(client_factory: Factory, echo_arn: str) -> None:
    v2 = client_factory("apigatewayv2")
    api = v2.create_api(Name="quick", ProtocolType="HTTP", Target=echo_arn)
    assert [s["StageName"] for s in v2.get_stages(ApiId=api["ApiId"])["Items"]] == ["$default"]
    allow_api(client_factory("lambda"), "echo-api", api["ApiId"])
    status, _, body = http(f"{api['ApiEndpoint']}/any/path")
    assert status == 200
    assert (echoed(body)["routeKey"], echoed(body)["version"]) == ("$default", "2.0")
