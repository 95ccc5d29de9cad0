"""CloudFormation's ``AWS::ApiGateway::Stage``, which moto's CloudFormation does not know
(SAM's ``Api`` events expand to one, the ``Prod`` stage, beside a deployment).

The resource creates the stage through moto's API Gateway backend as ``CreateStage`` does;
``Ref`` gives the stage's name, as on AWS, and deleting the stack deletes it. moto finds
CloudFormation resource types among the direct subclasses of ``CloudFormationModel`` when it
first parses a template, which is after this module is imported.
"""

from __future__ import annotations

import contextlib
from typing import Any

from moto.apigateway.exceptions import ApiGatewayException
from moto.apigateway.models import apigateway_backends
from moto.core.common_models import CloudFormationModel

from localaws.moto_glue.cfn_resource import StackResource


class RestStageResource(StackResource, CloudFormationModel):
    """One ``AWS::ApiGateway::Stage`` of a stack."""

    def __init__(self, account_id: str, region: str, api_id: str, name: str) -> None:
        self.account_id = account_id
        self.region = region
        self.api_id = api_id
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::Stage"

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> RestStageResource:
        properties = cloudformation_json["Properties"]
        api_id = str(properties["RestApiId"])
        name = str(properties.get("StageName") or resource_name)
        tags = {t["Key"]: t["Value"] for t in properties.get("Tags") or []}
        apigateway_backends[account_id][region_name].create_stage(
            api_id,
            name,
            str(properties["DeploymentId"]),
            variables=properties.get("Variables") or {},
            description=properties.get("Description") or "",
            tags=tags or None,
            tracing_enabled=properties.get("TracingEnabled"),
        )
        return cls(account_id, region_name, api_id, name)

    def delete(self, account_id: str, region_name: str) -> None:
        with contextlib.suppress(ApiGatewayException):  # already gone with its API
            apigateway_backends[account_id][region_name].delete_stage(self.api_id, self.name)
