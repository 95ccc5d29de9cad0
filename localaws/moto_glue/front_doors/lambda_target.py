"""The function an API's Lambda integration names, and whether API Gateway may invoke it."""

from __future__ import annotations

import re
from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors import permissions
from localaws.moto_glue.front_doors.invoker import Target
from localaws.moto_glue.functions import function_config

_FUNCTION_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:(?P<region>[^:]+):(?P<account>\d{12}):function:(?P<name>[^:/]+)"
    r"(:(?P<qualifier>[^:/]+))?"
)
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


class IntegrationFailure(Exception):
    """API Gateway cannot invoke the function (no such function, or no permission)."""


def source_arn(region: str, account: str, api_id: str, stage: str, rest: str) -> str:
    """The ``execute-api`` ARN of a method (``rest``: ``GET/pets/{id}`` or ``$default``)."""
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{rest}"


def lambda_target(
    service: InvocationService, uri: str, variables: dict[str, str], method_arn: str
) -> Target:
    """The function version ``uri`` names (an integration URI or a function ARN, with stage
    variables put in); IntegrationFailure when it cannot be invoked for ``method_arn``."""
    resolved = _STAGE_VARIABLE.sub(lambda m: variables.get(m[1], ""), uri or "")
    match = _FUNCTION_ARN.search(resolved)
    if match is None:
        raise IntegrationFailure(f"{uri!r} names no Lambda function")
    try:
        backend = lambda_backends[match["account"]][match["region"]]
        function = backend.get_function(match["name"], match["qualifier"])
        latest = backend.get_function(match["name"])
    except LambdaClientError:
        raise IntegrationFailure(f"no function {resolved}") from None
    if not permissions.allows_api_gateway(latest, method_arn) and not (
        function is not latest and permissions.allows_api_gateway(function, method_arn)
    ):
        raise IntegrationFailure(
            f"API Gateway may not invoke {match['name']}: its resource-based policy has no "
            f"lambda:InvokeFunction for apigateway.amazonaws.com and {method_arn}"
        )
    return Target(function_config(function), service.sinks.generation)


def find_api(backends: Any, api_id: str) -> tuple[Any, str, str] | None:
    """(api, account, region) for an API id in any account and region, or None."""
    for account, by_region in list(backends.items()):
        for region, backend in list(by_region.items()):
            api = backend.apis.get(api_id)
            if api is not None:
                return api, str(account), str(region)
    return None
