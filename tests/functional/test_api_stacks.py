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
            "Live": {"Type": "AWS::ApiGateway::Stage", "Properties": {
                "RestApiId": {"Ref": "Api"}, "StageName": "live",
                "DeploymentId": {"Ref": "Deployment"}, "Variables": {"colour": "blue"},
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
    live = f"{server.endpoint}/restapis/{api_id}/live/_user_request_/hello/bo"
    status, _, answer = http(live)
    assert (status, echoed(answer)["stageVariables"]) == (200, {"colour": "blue"})
    stages = client_factory("apigateway").get_stages(restApiId=api_id)["item"]
    assert sorted(stage["stageName"] for stage in stages) == ["live", "prod"]


def test_an_http_api_from_its_own_resources_answers_and_goes_with_its_stack(
    server: ServerProcess, client_factory: Factory
) -> None:
    arn = deploy(client_factory("lambda"), client_factory("iam"), "v2-echo", ECHO_SOURCE)[
        "FunctionArn"
    ]
    api = {"Ref": "Api"}
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
                "Name": "by-parts", "ProtocolType": "HTTP",
            }},
            "Echo": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
                "ApiId": api, "IntegrationType": "AWS_PROXY", "IntegrationUri": arn,
                "PayloadFormatVersion": "2.0",
            }},
            "Hello": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
                "ApiId": api, "RouteKey": "GET /hello/{name}",
                "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Echo"}]]},
            }},
            "Live": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
                "ApiId": api, "StageName": "live", "AutoDeploy": True,
            }},
            "Grant": {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": "v2-echo", "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
            }},
        },
        "Outputs": {
            "Endpoint": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}},
            "Stage": {"Value": {"Ref": "Live"}},
        },
    }  # fmt: skip
    cfn = client_factory("cloudformation")
    cfn.create_stack(StackName="http-api", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="http-api")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Stage"] == "live"
    status, _, answer = http(f"{outputs['Endpoint']}/live/hello/ada")
    assert status == 200
    assert echoed(answer)["routeKey"] == "GET /hello/{name}"
    assert echoed(answer)["pathParameters"] == {"name": "ada"}
    apis = client_factory("apigatewayv2")
    assert [a["Name"] for a in apis.get_apis()["Items"]] == ["by-parts"]
    cfn.delete_stack(StackName="http-api")
    assert apis.get_apis()["Items"] == []


def test_an_http_api_from_an_openapi_body_reads_any_method(
    server: ServerProcess, client_factory: Factory
) -> None:
    arn = deploy(client_factory("lambda"), client_factory("iam"), "v2-body", ECHO_SOURCE)[
        "FunctionArn"
    ]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    proxy = {"type": "aws_proxy", "httpMethod": "POST", "uri": uri, "payloadFormatVersion": "2.0"}
    body = {
        "openapi": "3.0.1",
        "info": {"title": "from-body", "version": "1"},
        "paths": {"/files/{proxy+}": {
            "parameters": [{"name": "proxy+", "in": "path", "required": True}],
            "x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": proxy},
        }},
    }  # fmt: skip
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": body}},
            "Default": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
                "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True,
            }},
            "Grant": {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": "v2-body", "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
            }},
        },
        "Outputs": {"Endpoint": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}}},
    }  # fmt: skip
    cfn = client_factory("cloudformation")
    cfn.create_stack(StackName="http-body", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="http-body")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    status, _, answer = http(f"{stack['Outputs'][0]['OutputValue']}/files/a/b.txt", method="PUT")
    assert (status, echoed(answer)["routeKey"]) == (200, "ANY /files/{proxy+}")
    api_id = stack["Outputs"][0]["OutputValue"].rsplit("/", 1)[1]
    assert client_factory("apigatewayv2").get_api(ApiId=api_id)["Name"] == "from-body"


def test_a_rest_api_from_a_swagger_2_body_as_sam_writes_it(
    server: ServerProcess, client_factory: Factory
) -> None:
    arn = deploy(client_factory("lambda"), client_factory("iam"), "swagger-echo", ECHO_SOURCE)[
        "FunctionArn"
    ]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    body = {
        "swagger": "2.0",
        "info": {"title": "from-swagger", "version": "1.0"},
        "paths": {"/greet/{name}": {"get": {"responses": {}, "x-amazon-apigateway-integration": {
            "type": "aws_proxy", "httpMethod": "POST", "uri": uri,
        }}}},
    }  # fmt: skip
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": body}},
            "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {
                "RestApiId": {"Ref": "Api"}, "StageName": "Stage",
            }},
            "Grant": {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": "swagger-echo", "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
            }},
        },
        "Outputs": {"ApiId": {"Value": {"Ref": "Api"}}},
    }  # fmt: skip
    cfn = client_factory("cloudformation")
    cfn.create_stack(StackName="swagger", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="swagger")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    api_id = stack["Outputs"][0]["OutputValue"]
    status, _, answer = http(f"{server.endpoint}/restapis/{api_id}/Stage/_user_request_/greet/al")
    assert (status, echoed(answer)["resource"]) == (200, "/greet/{name}")


def test_an_invalid_openapi_document_is_refused_when_warnings_fail_the_import(
    client_factory: Factory,
) -> None:
    """The server imports its OpenAPI validator only at this first use (slow_imports.py)."""
    from botocore.exceptions import ClientError

    apigateway = client_factory("apigateway")
    invalid = {"openapi": "3.0.1", "info": {"title": "no-version"}, "paths": {}}
    with pytest.raises(ClientError) as refused:
        apigateway.import_rest_api(body=json.dumps(invalid).encode(), failOnWarnings=True)
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert "'version' is a required property" in refused.value.response["Error"]["Message"]
    names = [api["name"] for api in apigateway.get_rest_apis()["items"]]
    assert "no-version" not in names


@pytest.mark.parametrize("fail_on_warnings", [False, True])
def test_an_openapi_document_without_a_description_imports_an_api_without_one(
    client_factory: Factory, fail_on_warnings: bool
) -> None:
    """``info.description`` is optional: AWS imports the API without a description."""
    apigateway = client_factory("apigateway")
    title = f"no-description-{fail_on_warnings}"
    document = {
        "openapi": "3.0.1",
        "info": {"title": title, "version": "1"},
        "paths": {"/": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    imported = apigateway.import_rest_api(
        body=json.dumps(document).encode(), failOnWarnings=fail_on_warnings
    )
    assert imported["name"] == title and "description" not in imported
    again = apigateway.get_rest_api(restApiId=imported["id"])
    assert again["name"] == title and "description" not in again
    paths = [item["path"] for item in apigateway.get_resources(restApiId=imported["id"])["items"]]
    assert paths == ["/"]
    described = {**document, "info": {**document["info"], "description": "kept"}}
    kept = apigateway.import_rest_api(body=json.dumps(described).encode())
    assert kept["description"] == "kept"
