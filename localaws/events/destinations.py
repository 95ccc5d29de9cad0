"""Where an asynchronous invocation's outcome goes: destinations and the dead-letter queue.

The record is the one AWS documents (version 1.0, requestContext with the condition and
approximateInvokeCount, requestPayload, responseContext, responsePayload), delivered to SQS,
SNS, EventBridge or another function. A dead-letter queue (SQS or SNS) gets the event itself
with RequestID, ErrorCode and ErrorMessage attributes. Callers hold the persistence lock;
the account's queues, topics and buses are reached through a ``MessageBus``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from localaws.events.ports import MessageBus

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
    version: str,
    condition: str,
    attempts: int,
    payload: bytes,
    response: bytes | None,
    function_error: str | None,
) -> dict[str, Any]:
    """The record a destination gets; ``function_arn`` with or without a qualifier, and
    ``version`` the one that ran (or would have): the record names it in both places."""
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": version}
    if function_error:
        response_context["functionError"] = function_error
    unqualified = ":".join(function_arn.split(":")[:7])
    record = {
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{unqualified}:{version}",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": _json_or_text(payload),
    }
    if attempts:  # an event that never ran has no response
        record["responseContext"] = response_context
    if response is not None:
        record["responsePayload"] = _json_or_text(response)
    return record


def _service_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 5 else ""


def deliver(
    arn: str, message: dict[str, Any], submit: SubmitToFunction, success: bool, bus: MessageBus
) -> None:
    """Send ``message`` to the destination ``arn``; raises when it cannot be delivered."""
    service = _service_of(arn)
    body = json.dumps(message)
    if service == "sqs":
        bus.send_to_queue(arn, body, {})
    elif service == "sns":
        bus.publish(arn, body, {})
    elif service == "lambda":
        _, _, _, region, account, *resource = arn.split(":")
        name = resource[1] if len(resource) > 1 else resource[0]
        submit(account, region, name, body.encode())
    elif service == "events":
        outcome = "Success" if success else "Failure"
        bus.put_event(arn, "lambda", f"Lambda Function Invocation Result - {outcome}", body)
    else:
        raise ValueError(f"unsupported destination {arn}")


def dead_letter(
    arn: str,
    payload: bytes,
    request_id: str,
    error: tuple[str, str],
    bus: MessageBus,
) -> None:
    """Send a failed event to the function's dead-letter queue or topic, as AWS does;
    ``error`` is (ErrorCode, ErrorMessage)."""
    code: str | int = int(error[0]) if error[0].isdigit() else error[0]  # a Number on AWS
    attributes = {"RequestID": request_id, "ErrorCode": code, "ErrorMessage": error[1]}
    body = payload.decode("utf-8", "replace")
    service = _service_of(arn)
    if service == "sqs":
        bus.send_to_queue(arn, body, attributes)
    elif service == "sns":
        bus.publish(arn, body, attributes)
    else:
        raise ValueError(f"unsupported dead-letter target {arn}")
