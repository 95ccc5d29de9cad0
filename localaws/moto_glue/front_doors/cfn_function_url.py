"""CloudFormation's ``AWS::Lambda::Url`` (and so SAM's ``FunctionUrlConfig``), which moto's
CloudFormation does not know: the resource creates the function's URL config through moto's
Lambda backend, ``Fn::GetAtt`` gives ``FunctionUrl`` and ``FunctionArn``, and deleting the
stack deletes the URL. moto finds CloudFormation resource types among the subclasses of its
``CloudFormationModel`` when it first parses a template, which is after this module is
imported (at start, before state is restored).
"""

from __future__ import annotations

import contextlib
from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends
from moto.core.common_models import CloudFormationModel

from localaws.moto_glue.cfn_resource import StackResource

#: The resource's properties that are the URL config's settings (same names as the API's).
SETTINGS = ("AuthType", "Cors", "InvokeMode")


def _config(properties: dict[str, Any]) -> dict[str, Any]:
    """The URL config the resource's properties describe (the API's field names)."""
    return {name: properties[name] for name in SETTINGS if name in properties}


class FunctionUrlResource(StackResource, CloudFormationModel):
    """One ``AWS::Lambda::Url`` of a stack (its physical id is the URL's function ARN, as on
    AWS, where ``Ref`` gives the function's ARN)."""

    def __init__(self, account_id: str, region: str, function_arn: str, url: str) -> None:
        self.account_id = account_id
        self.region = region
        self.function_arn = function_arn
        self.url = url

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Url"

    @property
    def physical_resource_id(self) -> str:
        return self.function_arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("FunctionUrl", "FunctionArn")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.url if attribute_name == "FunctionUrl" else self.function_arn

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FunctionUrlResource:
        properties = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        target = str(properties["TargetFunctionArn"])
        created = backend.create_function_url_config(target, _config(properties))
        answer = created.to_dict()
        function_arn = str(answer["FunctionArn"])
        return cls(account_id, region_name, function_arn, str(answer["FunctionUrl"]))

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> FunctionUrlResource:
        backend = lambda_backends[account_id][region_name]
        config = _config(cloudformation_json["Properties"])
        backend.update_function_url_config(original_resource.function_arn, config)
        resource: FunctionUrlResource = original_resource
        return resource

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> None:
        target = str(cloudformation_json["Properties"]["TargetFunctionArn"])
        backend = lambda_backends[account_id][region_name]
        with contextlib.suppress(LambdaClientError):  # already gone with its function
            backend.delete_function_url_config(target)

    def delete(self, account_id: str, region_name: str) -> None:
        """A stack's deletion: the URL goes with it."""
        with contextlib.suppress(LambdaClientError):  # already gone with its function
            lambda_backends[account_id][region_name].delete_function_url_config(self.function_arn)
