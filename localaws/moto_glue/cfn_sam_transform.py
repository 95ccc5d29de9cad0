"""The ``AWS::Serverless-2016-10-31`` transform (SAM) is expanded, as CloudFormation does.

moto ignores a template's ``Transform`` and then skips every ``AWS::Serverless::*`` resource.
AWS expands such a template with the SAM translator before it creates anything; here the same
library SAM CLI uses (``aws-sam-translator``) expands it when a stack or change set reads its
template. Managed policy names resolve against AWS's list that moto ships. Differences: an
invalid SAM template is refused at ``CreateStack`` / ``CreateChangeSet`` with AWS's
"Transform ... failed with" ``ValidationError`` (AWS fails the change set instead), and
``GetTemplate`` returns the original template for either stage.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import ChangeSet, Stack
from moto.iam.aws_managed_policies import aws_managed_policies_data

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_original_stack_parse = Stack._parse_template
_original_change_set_parse = ChangeSet._parse_template


def has_sam_transform(template: Any) -> bool:
    if not isinstance(template, dict):
        return False
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


@lru_cache(maxsize=1)
def managed_policy_map() -> dict[str, str]:
    """AWS managed policy name -> ARN, for SAM's ``Policies: [AWSLambdaExecute]`` and kin."""
    policies = json.loads(aws_managed_policies_data)
    return {
        name: f"arn:aws:iam::aws:policy{data.get('Path', '/')}{name}"
        for name, data in policies.items()
    }


def expand(template: dict[str, Any], region: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """``template`` with its SAM resources expanded into plain CloudFormation."""
    # Imported here: the translator (and pydantic) take ~0.7 s to import, and most
    # templates have no transform.
    from boto3.session import Session
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    translator = Translator(None, Parser(), boto_session=Session(region_name=region))
    try:
        expanded: dict[str, Any] = translator.translate(
            template, parameter_values=dict(parameters), get_managed_policy_map=managed_policy_map
        )
    except InvalidDocumentException as error:
        raise ValidationError(
            message=f"Transform {SAM_TRANSFORM} failed with: {error.message}"
        ) from None
    return expanded


def _stack_parse_template(self: Any) -> None:
    _original_stack_parse(self)
    if has_sam_transform(self.template_dict):
        # A new stack parses its template before it sets its region and parameters; its id
        # (an ARN) names the region already.
        region = str(self.stack_id).split(":")[3]
        parameters = getattr(self, "parameters", None) or {}
        self.template_dict = expand(self.template_dict, region, parameters)


def _change_set_parse_template(self: Any) -> None:
    _original_change_set_parse(self)
    if has_sam_transform(self.template_dict):
        self.template_dict = expand(
            self.template_dict, self.stack.region_name, self.parameters or {}
        )


def install() -> None:
    Stack._parse_template = _stack_parse_template  # type: ignore[method-assign]
    ChangeSet._parse_template = _change_set_parse_template  # type: ignore[method-assign]
