"""CloudFormation's ``AWS::ApiGatewayV2::Api``, ``Stage``, ``Integration`` and ``Route``,
which moto's CloudFormation does not know (SAM's ``HttpApi`` events and
``AWS::Serverless::HttpApi`` expand to them).

Each resource goes through moto's API Gateway v2 backend as the API calls would. An ``Api``
with an OpenAPI ``Body`` is imported as ``ImportApi`` does (each path and method with an
``x-amazon-apigateway-integration`` becomes an integration and a route; AWS's
``x-amazon-apigateway-any-method`` is read as ``ANY``); one with ``Target`` is a quick create.
``Fn::GetAtt`` gives ``ApiId`` and ``ApiEndpoint`` (localaws's address for the API). Deleting
the stack deletes them. moto finds the types among the subclasses of ``CloudFormationModel``
when it first parses a template (direct subclasses only), which is after this module is
imported.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from moto.apigatewayv2.exceptions import APIGatewayV2Error
from moto.apigatewayv2.models import apigatewayv2_backends
from moto.core.common_models import CloudFormationModel

from localaws.moto_glue.cfn_resource import StackResource
from localaws.moto_glue.front_doors.cfn_rest_api import openapi_document
from localaws.moto_glue.front_doors.quick_create import quick_create


def _backend(account_id: str, region: str) -> Any:
    return apigatewayv2_backends[account_id][region]


def http_api_document(body: Any) -> dict[str, Any]:
    """The ``Body`` as moto's import reads it, integration types in capitals as AWS shows
    them (OpenAPI bodies often write ``aws_proxy``)."""
    document = openapi_document(body)
    for methods in (document.get("paths") or {}).values():
        for method in methods.values():
            integration = (
                method.get("x-amazon-apigateway-integration") if isinstance(method, dict) else None
            )
            if integration and integration.get("type"):
                integration["type"] = str(integration["type"]).upper()
    return document


class _ApiPart(StackResource):
    """A resource of an HTTP API (its physical id is the part's id, as ``Ref`` gives)."""

    def __init__(self, account_id: str, region: str, api_id: str, part_id: str) -> None:
        self.account_id = account_id
        self.region = region
        self.api_id = api_id
        self.part_id = part_id

    @property
    def physical_resource_id(self) -> str:
        return self.part_id

    def delete(self, account_id: str, region_name: str) -> None:
        with contextlib.suppress(APIGatewayV2Error):  # already gone with its API
            self._delete(_backend(account_id, region_name).get_api(self.api_id))

    def _delete(self, api: Any) -> None:
        raise NotImplementedError


class HttpApiResource(_ApiPart, CloudFormationModel):
    """``AWS::ApiGatewayV2::Api``."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Api"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("ApiId", "ApiEndpoint")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "ApiEndpoint":
            api = _backend(self.account_id, self.region).get_api(self.api_id)
            return str(api.to_json()["apiEndpoint"])
        return self.api_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> HttpApiResource:
        properties = cloudformation_json.get("Properties") or {}
        body = properties.get("Body")
        document = http_api_document(body) if body else None
        title = str(((document or {}).get("info") or {}).get("title") or resource_name)
        api = _backend(account_id, region_name).create_api(
            api_key_selection_expression=properties.get("ApiKeySelectionExpression"),
            cors_configuration=properties.get("CorsConfiguration"),
            description=properties.get("Description"),
            disable_schema_validation=properties.get("DisableSchemaValidation"),
            disable_execute_api_endpoint=properties.get("DisableExecuteApiEndpoint"),
            name=str(properties.get("Name") or title),
            protocol_type=str(properties.get("ProtocolType") or "HTTP"),
            route_selection_expression=properties.get("RouteSelectionExpression"),
            tags=properties.get("Tags") or {},
            version=properties.get("Version"),
        )
        if document is not None:
            api.import_api(json.dumps(document), fail_on_warnings=False)
        if properties.get("Target"):
            quick_create(api, str(properties["Target"]), properties.get("RouteKey"))
        return cls(account_id, region_name, api.api_id, api.api_id)

    def delete(self, account_id: str, region_name: str) -> None:
        with contextlib.suppress(APIGatewayV2Error):  # already gone
            _backend(account_id, region_name).delete_api(self.api_id)


class HttpApiStageResource(_ApiPart, CloudFormationModel):
    """``AWS::ApiGatewayV2::Stage`` (``Ref`` gives the stage's name)."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Stage"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> HttpApiStageResource:
        properties = cloudformation_json["Properties"]
        api_id = str(properties["ApiId"])
        config = {
            "stageName": str(properties["StageName"]),
            "autoDeploy": bool(properties.get("AutoDeploy", False)),
            "deploymentId": properties.get("DeploymentId"),
            "description": properties.get("Description"),
            "stageVariables": properties.get("StageVariables") or {},
            "tags": properties.get("Tags") or {},
        }
        stage = _backend(account_id, region_name).create_stage(api_id, config)
        return cls(account_id, region_name, api_id, str(stage.name))

    def _delete(self, api: Any) -> None:
        api.delete_stage(self.part_id)


class HttpApiIntegrationResource(_ApiPart, CloudFormationModel):
    """``AWS::ApiGatewayV2::Integration``."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Integration"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> HttpApiIntegrationResource:
        properties = cloudformation_json["Properties"]
        api_id = str(properties["ApiId"])
        api = _backend(account_id, region_name).get_api(api_id)
        integration = api.create_integration(
            connection_type=properties.get("ConnectionType") or "INTERNET",
            description=properties.get("Description") or "",
            integration_method=properties.get("IntegrationMethod") or "POST",
            integration_type=str(properties["IntegrationType"]).upper(),
            integration_uri=properties.get("IntegrationUri"),
            payload_format_version=properties.get("PayloadFormatVersion"),
            request_parameters=properties.get("RequestParameters"),
            timeout_in_millis=properties.get("TimeoutInMillis"),
        )
        return cls(account_id, region_name, api_id, str(integration.id))

    def _delete(self, api: Any) -> None:
        api.delete_integration(self.part_id)


class HttpApiRouteResource(_ApiPart, CloudFormationModel):
    """``AWS::ApiGatewayV2::Route``."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Route"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> HttpApiRouteResource:
        properties = cloudformation_json["Properties"]
        api_id = str(properties["ApiId"])
        api = _backend(account_id, region_name).get_api(api_id)
        route = api.create_route(
            api_key_required=bool(properties.get("ApiKeyRequired", False)),
            authorization_scopes=properties.get("AuthorizationScopes") or [],
            route_key=str(properties["RouteKey"]),
            target=properties.get("Target"),
            authorization_type=properties.get("AuthorizationType"),
            authorizer_id=properties.get("AuthorizerId"),
        )
        return cls(account_id, region_name, api_id, str(route.route_id))

    def _delete(self, api: Any) -> None:
        api.delete_route(self.part_id)
