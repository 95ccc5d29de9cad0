"""A request to a function URL: access control, CORS, the 2.0 event, the answer.

As on AWS: a preflight ``OPTIONS`` is answered from the URL's CORS settings; AuthType
``NONE`` needs the public grants in the function's policy (``permissions``), ``AWS_IAM`` a
valid SigV4 signature for ``lambda`` (``sigv4``), each 403 ``{"Message":"Forbidden"}``
otherwise; an event over 6 MB answers 413; throttling 429; a function error 502; the
function's own timeout applies.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors import cors, permissions, sigv4
from localaws.moto_glue.front_doors.function_urls import find_url
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.invoker import Target, invoke
from localaws.moto_glue.front_doors.payload_v2 import (
    MalformedResponse,
    RouteInfo,
    answer_v2,
    event_v2,
)
from localaws.moto_glue.functions import function_config

FORBIDDEN = {"Message": "Forbidden"}
PAYLOAD_LIMIT = 6 * 1024 * 1024  # the event, as for a synchronous Invoke
TOO_LARGE = f"Request must be smaller than {PAYLOAD_LIMIT} bytes for the InvokeFunction operation"
ANONYMOUS = "anonymous"  # requestContext.accountId for AuthType NONE, as AWS sends it


def _authorizer(signer: sigv4.Signer) -> dict[str, Any]:
    return {
        "iam": {
            "accessKey": signer.access_key,
            "accountId": signer.account,
            "callerId": signer.access_key,
            "cognitoIdentity": None,
            "principalOrgId": None,
            "userArn": f"arn:aws:iam::{signer.account}:root",
            "userId": signer.access_key,
        }
    }


def _bad_gateway(ids: list[tuple[str, str]]) -> HttpAnswer:
    """A function error or a result that is no HTTP answer."""
    return HttpAnswer(502, [("Content-Type", "text/plain"), *ids], b"Internal Server Error")


def serve_url(
    service: InvocationService,
    reading: Callable[[], AbstractContextManager[Any]],
    url_id: str,
    request: HttpRequest,
    full_path: str,
) -> HttpAnswer:
    """The answer to ``request`` at the function URL ``url_id``."""
    request_id = str(uuid.uuid4())
    with reading():
        config = find_url(url_id)
        if config is None:
            return HttpAnswer.json(403, FORBIDDEN)
        settings = dict(config.config)
        cors_config = settings.get("Cors")
        if cors_config and cors.is_preflight(cors_config, request):
            return cors.preflight(cors_config, request)
        function = config.function
        account, authorizer = ANONYMOUS, None
        if settings.get("AuthType") == "AWS_IAM":
            signer = sigv4.verify(request, full_path)
            if signer is None:
                return HttpAnswer.json(403, FORBIDDEN)
            account, authorizer = signer.account, _authorizer(signer)
        elif not permissions.allows_public_url(function):
            return HttpAnswer.json(403, FORBIDDEN)
        target = Target(function_config(function), service.sinks.generation)
    host = request.header("host") or ""
    route = RouteInfo(
        "$default", "$default", url_id, account, host, url_id, request_id,
        authorizer=authorizer,
    )  # fmt: skip
    event = event_v2(request, route)
    ids = [("x-amzn-RequestId", request_id)]
    if len(json.dumps(event)) > PAYLOAD_LIMIT:
        return HttpAnswer.json(413, {"Message": TOO_LARGE}, *ids)
    outcome = invoke(service, target, event, request_id)
    if outcome.kind == "throttled":
        answer = HttpAnswer.json(429, {"Message": "Rate Exceeded."}, *ids)
    elif outcome.kind != "ok":
        answer = _bad_gateway(ids)
    else:
        try:
            answer = answer_v2(outcome.payload)
            answer.headers += ids
        except MalformedResponse:
            answer = _bad_gateway(ids)
    cors.apply(cors_config, request, answer)
    return answer
