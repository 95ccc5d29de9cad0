"""Where an asynchronous invocation's outcome goes: destinations and the dead-letter queue.

The record is the one AWS documents (version 1.0, requestContext with the condition and
approximateInvokeCount, requestPayload, responseContext, responsePayload), delivered to SQS,
SNS, EventBridge or another function. A dead-letter queue (SQS or SNS) gets the event itself
with RequestID, ErrorCode and ErrorMessage attributes. Callers hold the persistence lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from moto.events.models import events_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

SubmitToFunction = Callable[[str, str, str, bytes], None]  # account, region, name, payload


def _json_or_text(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


def error_message_of(payload: bytes) -> str:
    """The errorMessage of a function error payload (the payload itself if it is not JSON)."""
    error = _json_or_text(payload)
    return str(error.get("errorMessage", "")) if isinstance(error, dict) else str(error)


def destination_record(
    request_id: str,
    function_arn: str,
    condition: str,
    attempts: int,
    payload: bytes,
    response: bytes | None,
    function_error: str | None,
) -> dict[str, Any]:
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if function_error:
        response_context["functionError"] = function_error
    record = {
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{function_arn}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": _json_or_text(payload),
        "responseContext": response_context,
    }
    if response is not None:
        record["responsePayload"] = _json_or_text(response)
    return record


def _arn_parts(arn: str) -> tuple[str, str, str, str]:
    parts = arn.split(":")
    return parts[2], parts[3], parts[4], ":".join(parts[5:])


def deliver(arn: str, message: dict[str, Any], submit: SubmitToFunction, success: bool) -> None:
    """Send ``message`` to the destination ``arn``; raises when it cannot be delivered."""
    service, region, account, resource = _arn_parts(arn)
    body = json.dumps(message)
    if service == "sqs":
        sqs_backends[account][region].send_message(resource, body)
    elif service == "sns":
        sns_backends[account][region].publish(body, arn=arn)
    elif service == "lambda":
        submit(account, region, resource.removeprefix("function:").split(":")[0], body.encode())
    elif service == "events":
        outcome = "Success" if success else "Failure"
        events_backends[account][region].put_events(
            [
                {
                    "Source": "lambda",
                    "DetailType": f"Lambda Function Invocation Result - {outcome}",
                    "Detail": body,
                    "EventBusName": arn,
                }
            ]
        )
    else:
        raise ValueError(f"unsupported destination {arn}")


def dead_letter(
    arn: str, payload: bytes, request_id: str, error_code: str, error_message: str
) -> None:
    """Send a failed event to the function's dead-letter queue or topic, as AWS does."""
    service, region, account, resource = _arn_parts(arn)
    attributes = {"RequestID": request_id, "ErrorCode": error_code, "ErrorMessage": error_message}
    body = payload.decode("utf-8", "replace")
    if service == "sqs":
        values = {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}
        sqs_backends[account][region].send_message(resource, body, message_attributes=values)
    elif service == "sns":
        values = {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}
        sns_backends[account][region].publish(body, arn=arn, message_attributes=values)
    else:
        raise ValueError(f"unsupported dead-letter target {arn}")
