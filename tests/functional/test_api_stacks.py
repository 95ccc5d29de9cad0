"""APIs made by CloudFormation answer over HTTP: a REST API from an OpenAPI ``Body``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.front_doors import ECHO_SOURCE, echoed, http
from tests.helpers import ServerProcess
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server
Factory = Callable[[str], Any]


def test_a_rest_api_from_an_openapi_body(server: ServerProcess, client_factory: Factory) -> None:
    arn = deploy(client_factory("lambda"), client_factory("iam"), "stack-echo", ECHO_SOURCE)[
        "FunctionArn"
    ]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    proxy = {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
    body = {
        "openapi": "3.0.1",
        "info": {"title": "from-openapi", "version": "1"},
        "paths": {
            "/hello/{name}": {"get": {"x-amazon-apigateway-integration": proxy}},
            "/files/{proxy+}": {"x-amazon-apigateway-any-method": {
                "x-amazon-apigateway-integration": proxy,
            }},
        },
    }  # fmt: skip
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": body}},
            "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {
                "RestApiId": {"Ref": "Api"}, "StageName": "prod",
            }},
            "Grant": {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": "stack-echo", "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
            }},
        },
        "Outputs": {"ApiId": {"Value": {"Ref": "Api"}}},
    }  # fmt: skip
    cfn = client_factory("cloudformation")
    cfn.create_stack(StackName="openapi", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="openapi")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    api_id = stack["Outputs"][0]["OutputValue"]
    assert client_factory("apigateway").get_rest_api(restApiId=api_id)["name"] == "from-openapi"
    base = f"{server.endpoint}/restapis/{api_id}/prod/_user_request_"
    status, _, answer = http(f"{base}/hello/ada")
    assert status == 200
    assert echoed(answer)["resource"] == "/hello/{name}"
    assert echoed(answer)["pathParameters"] == {"name": "ada"}
    status, _, answer = http(f"{base}/files/a/b.txt", method="PUT", body=b"data")
    assert (status, echoed(answer)["pathParameters"]) == (200, {"proxy": "a/b.txt"})
