"""Lambda authorizers in front of REST and HTTP APIs, over real HTTP, as AWS answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.front_doors import ECHO_SOURCE, echoed, http
from tests.helpers import ServerProcess, aws_client
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server
Factory = Callable[[str], Any]
ACCOUNT, REGION = "123456789012", "us-east-1"

AUTHORIZER_SOURCE = """
CALLS = 0

def lambda_handler(event, context):
    global CALLS
    CALLS += 1
    if event.get("version") == "2.0":
        allowed = event["headers"].get("x-pass") == "yes"
        seen = event["identitySource"][0]
        return {"isAuthorized": allowed, "context": {"calls": CALLS, "seen": seen}}
    token = event["authorizationToken"]
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "broken":
        return {"not": "a policy"}
    resource = "arn:aws:execute-api:*:*:elsewhere/*" if token == "elsewhere" else event["methodArn"]
    statement = {"Action": "execute-api:Invoke", "Resource": resource,
                 "Effect": "Deny" if token == "deny" else "Allow"}
    return {"principalId": "user-" + token, "context": {"calls": CALLS, "plan": "gold"},
            "policyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
"""


def uri(arn: str) -> str:
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations"


def allow(lam: Any, function: str, api_id: str, sid: str) -> None:
    lam.add_permission(
        FunctionName=function, StatementId=sid, Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*",
    )  # fmt: skip


@pytest.fixture(scope="module")
def arns(server: ServerProcess) -> dict[str, str]:
    lam, iam = aws_client(server.endpoint, "lambda"), aws_client(server.endpoint, "iam")
    return {
        name: str(deploy(lam, iam, name, source)["FunctionArn"])
        for name, source in (("guarded", ECHO_SOURCE), ("gatekeeper", AUTHORIZER_SOURCE))
    }


def test_rest_token_authorizer(
    server: ServerProcess, arns: dict[str, str], client_factory: Factory
) -> None:
    api, lam = client_factory("apigateway"), client_factory("lambda")
    api_id = api.create_rest_api(name="guarded")["id"]
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    authorizer = api.create_authorizer(
        restApiId=api_id, name="gate", type="TOKEN", authorizerUri=uri(arns["gatekeeper"]),
        identitySource="method.request.header.Authorization", authorizerResultTtlInSeconds=300,
    )["id"]  # fmt: skip
    resource = api.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")["id"]
    api.put_method(restApiId=api_id, resourceId=resource, httpMethod="ANY",
                   authorizationType="CUSTOM", authorizerId=authorizer)  # fmt: skip
    api.put_integration(restApiId=api_id, resourceId=resource, httpMethod="ANY", type="AWS_PROXY",
                        integrationHttpMethod="POST", uri=uri(arns["guarded"]))  # fmt: skip
    api.create_deployment(restApiId=api_id, stageName="prod")
    allow(lam, "guarded", api_id, "api-guarded")
    url = f"{server.endpoint}/execute-api/{api_id}/prod/orders"

    def call(token: str | None) -> tuple[int, Any]:
        status, _, body = http(url, headers={"Authorization": token} if token else {})
        return status, json.loads(body)

    assert call("allow") == (500, {"message": None})  # API Gateway may not invoke it yet
    allow(lam, "gatekeeper", api_id, "api-gate")
    status, first = call("allow")
    assert status == 200
    context = first["event"]["requestContext"]["authorizer"]
    assert (context["principalId"], context["plan"]) == ("user-allow", "gold")
    assert call("allow")[1]["event"]["requestContext"]["authorizer"]["calls"] == context["calls"]
    assert call(None) == (401, {"message": "Unauthorized"})
    assert call("unauthorized") == (401, {"message": "Unauthorized"})
    explicit = "User is not authorized to access this resource with an explicit deny"
    assert call("deny") == (403, {"Message": explicit})
    assert call("elsewhere") == (403, {"Message": "User is not authorized to access this resource"})
    assert call("broken") == (500, {"message": None})


def test_http_api_authorizer_with_simple_responses(
    server: ServerProcess, arns: dict[str, str], client_factory: Factory
) -> None:
    v2, lam = client_factory("apigatewayv2"), client_factory("lambda")
    api = v2.create_api(Name="guarded-v2", ProtocolType="HTTP")
    api_id = api["ApiId"]
    authorizer = v2.create_authorizer(
        ApiId=api_id, Name="gate", AuthorizerType="REQUEST", AuthorizerUri=uri(arns["gatekeeper"]),
        AuthorizerPayloadFormatVersion="2.0", EnableSimpleResponses=True,
        IdentitySource=["$request.header.x-pass"], AuthorizerResultTtlInSeconds=0,
    )["AuthorizerId"]  # fmt: skip
    integration = v2.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arns["guarded"],
        PayloadFormatVersion="2.0",
    )["IntegrationId"]  # fmt: skip
    v2.create_route(ApiId=api_id, RouteKey="GET /things", Target=f"integrations/{integration}",
                    AuthorizationType="CUSTOM", AuthorizerId=authorizer)  # fmt: skip
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    allow(lam, "guarded", api_id, "v2-guarded")
    allow(lam, "gatekeeper", api_id, "v2-gate")
    url = f"{api['ApiEndpoint']}/things"
    status, _, body = http(url, headers={"x-pass": "yes"})
    assert status == 200
    assert echoed(body)["requestContext"]["authorizer"]["lambda"]["seen"] == "yes"
    status, _, body = http(url, headers={"x-pass": "no"})
    assert (status, json.loads(body)) == (403, {"message": "Forbidden"})
    status, _, body = http(url)
    assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})
