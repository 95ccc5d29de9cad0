"""The SQS poller's ``SqsSource`` in moto, and the patches that let Lambda poll.

moto invokes the function inside the SendMessage request, one message at a time; here moto is
kept from pushing (``_create_without_push``) and the event layer's poller takes batches
instead. Messages sent from inside a handler carry its trace header (AWSTraceHeader), as on AWS.

A mapping is answered as AWS answers it: CreateEventSourceMapping is 202 with
``State: Creating`` (moto: 201, ``Enabled``), UpdateEventSourceMapping 202 with ``Updating``,
and later reads say ``Enabled`` (localaws's poller takes the change up at once; AWS needs a few
seconds); ``StateTransitionReason`` is
``USER_INITIATED`` (moto: "User initiated") and ``FunctionResponseTypes`` is ``[]`` when none
were given. Records carry the message attributes and ``md5OfMessageAttributes`` (null when
there are none), as Lambda builds them.
"""

from __future__ import annotations

import json
from base64 import b64encode
from collections.abc import Sequence
from typing import Any

from moto.awslambda.models import EventSourceMapping, LambdaBackend, lambda_backends
from moto.awslambda.responses import LambdaResponse
from moto.sqs.models import SQSBackend, sqs_backends

from localaws.events.ports import SqsMapping, SqsMessage
from localaws.executor.tracing import request_chain

DEFAULT_BATCH_SIZE = 10

_original_create = LambdaBackend.create_event_source_mapping
_original_send = SQSBackend.send_message


def _send_with_trace_header(
    self: Any, queue_name: str, message_body: str, *args: Any, **kwargs: Any
) -> Any:
    chain = request_chain()
    system = dict(kwargs.get("system_attributes") or {})
    if chain is not None and "AWSTraceHeader" not in system:
        system["AWSTraceHeader"] = {"DataType": "String", "StringValue": chain.header()}
        kwargs["system_attributes"] = system
    return _original_send(self, queue_name, message_body, *args, **kwargs)


def _create_without_push(self: Any, spec: dict[str, Any]) -> Any:
    """Create the mapping as moto does, but keep moto from pushing messages itself."""
    esm = _original_create(self, spec)
    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        queue.lambda_event_source_mappings.pop(esm.function_arn, None)
    return esm


_original_configuration = EventSourceMapping.get_configuration


def _configuration(self: Any) -> dict[str, Any]:
    answer = dict(_original_configuration(self))
    answer["StateTransitionReason"] = "USER_INITIATED"
    answer.setdefault("FunctionResponseTypes", [])
    return answer


def _answered_while(state: str, original: Any) -> Any:
    """The operation answered 202 with the mapping in ``state`` (Creating, Updating), as AWS
    answers while it applies the change."""

    def answer(self: Any) -> Any:
        status, headers, body = original(self)
        if status >= 300:
            return status, headers, body
        answer = json.loads(body)
        if answer.get("State") == "Enabled":
            answer["State"] = state
        return 202, {**headers, "status": 202}, json.dumps(answer)

    return answer


def install() -> None:
    LambdaBackend.create_event_source_mapping = _create_without_push  # type: ignore[method-assign]
    SQSBackend.send_message = _send_with_trace_header  # type: ignore[method-assign]
    EventSourceMapping.get_configuration = _configuration  # type: ignore[method-assign]
    LambdaResponse.create_event_source_mapping = _answered_while(  # type: ignore[method-assign]
        "Creating", LambdaResponse.create_event_source_mapping
    )
    LambdaResponse.update_event_source_mapping = _answered_while(  # type: ignore[method-assign]
        "Updating", LambdaResponse.update_event_source_mapping
    )


def _lambda_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """SQS message attributes in the shape Lambda's SQS records give them."""
    shaped = {}
    for name, value in attributes.items():
        entry: dict[str, Any] = {}
        if value.get("StringValue") is not None:
            entry["stringValue"] = value["StringValue"]
        if value.get("BinaryValue") is not None:
            binary = value["BinaryValue"]
            entry["binaryValue"] = binary if isinstance(binary, str) else b64encode(binary).decode()
        entry.update(stringListValues=[], binaryListValues=[], dataType=value.get("DataType"))
        shaped[name] = entry
    return shaped


def sqs_record(message: Any, queue: Any) -> dict[str, Any]:
    """The event record Lambda builds for one message."""
    return {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": {
            "ApproximateReceiveCount": str(message.approximate_receive_count),
            "SentTimestamp": str(message.sent_timestamp),
            "SenderId": message.sender_id,
            "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
        },
        "messageAttributes": _lambda_attributes(message.message_attributes or {}),
        "md5OfMessageAttributes": message.attribute_md5 if message.message_attributes else None,
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.queue_arn,
        "awsRegion": queue.region,
    }


def _qualifier(function_arn: str) -> str | None:
    parts = function_arn.split(":")
    return parts[7] if len(parts) > 7 and parts[7] != "$LATEST" else None


def _queue_of(mapping: SqsMapping) -> tuple[Any, str]:
    """(moto's SQS backend, the queue name) of a mapping's queue."""
    _, _, _, region, account, name = mapping.queue_arn.split(":")
    return sqs_backends[account][region], name


class MotoSqsSource:
    """Mappings and queues in moto's Lambda and SQS backends."""

    def mappings(self) -> Sequence[SqsMapping]:
        found = []
        for _, _, backend in lambda_backends.iter_backends():
            for esm in list(backend._event_source_mappings.values()):  # type: ignore[attr-defined]
                if not esm.enabled or ":sqs:" not in esm.event_source_arn:
                    continue
                found.append(
                    SqsMapping(
                        uuid=esm.uuid,
                        queue_arn=esm.event_source_arn,
                        account=esm.account_id,
                        region=esm.region,
                        function_name=str(esm.function_arn).split(":")[6],
                        qualifier=_qualifier(str(esm.function_arn)),
                        batch_size=int(esm.batch_size or DEFAULT_BATCH_SIZE),
                        batching_window_seconds=float(esm.max_batch_window or 0),
                        report_batch_item_failures="ReportBatchItemFailures"
                        in (esm.function_response_types or []),
                    )
                )
        return found

    def visible_messages(self, mapping: SqsMapping) -> int:
        backend, name = _queue_of(mapping)
        queue = backend.get_queue(name)
        return len([m for m in queue._messages if m.visible])

    def receive(self, mapping: SqsMapping) -> list[SqsMessage]:
        backend, name = _queue_of(mapping)
        queue = backend.get_queue(name)
        timeout = int(getattr(queue, "visibility_timeout", 30))
        messages = backend.receive_message(
            name, mapping.batch_size, 0, timeout, message_attribute_names=["All"]
        )
        return [
            SqsMessage(
                id=message.id,
                receipt_handle=str(message.receipt_handle),
                record=sqs_record(message, queue),
                trace_header=(message.system_attributes.get("AWSTraceHeader") or {}).get(
                    "StringValue"
                ),
            )
            for message in messages
        ]

    def delete(self, mapping: SqsMapping, messages: Sequence[SqsMessage]) -> None:
        backend, name = _queue_of(mapping)
        for message in messages:
            backend.delete_message(name, message.receipt_handle)

    def release(self, mapping: SqsMapping, messages: Sequence[SqsMessage]) -> None:
        backend, name = _queue_of(mapping)
        for message in messages:
            backend.change_message_visibility(name, message.receipt_handle, 0)
