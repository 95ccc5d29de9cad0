"""An HTTP API's ``ApiEndpoint``: moto returns AWS's host name
(``https://<id>.execute-api.<region>.amazonaws.com``), which does not resolve offline; here it
is localaws's path-style address for the API, which any client reaches (a stage other than
``$default`` follows it as the first path segment, as on AWS)."""

from __future__ import annotations

from typing import Any

from moto.apigatewayv2.models import Api

from localaws.moto_glue.front_doors.addresses import api_endpoint

_original_to_json = Api.to_json
_endpoint = ""


def _to_json(self: Any) -> dict[str, Any]:
    answer: dict[str, Any] = _original_to_json(self)
    answer["apiEndpoint"] = api_endpoint(_endpoint, self.api_id)
    return answer


def install(endpoint: str) -> None:
    global _endpoint
    _endpoint = endpoint.rstrip("/")
    Api.to_json = _to_json  # type: ignore[method-assign]
