"""The event layer's ``MessageBus`` in moto: SQS queues, SNS topics and EventBridge buses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.events.models import events_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends


def _where(arn: str) -> tuple[str, str, str]:
    """(account, region, resource) of an ARN."""
    parts = arn.split(":")
    return parts[4], parts[3], ":".join(parts[5:])


def _string_attributes(attributes: Mapping[str, str | int]) -> dict[str, Any] | None:
    """Message attributes: numbers as ``Number`` (a DLQ's ErrorCode, as AWS sends it)."""
    if not attributes:
        return None
    return {
        name: {"DataType": "Number" if isinstance(v, int) else "String", "StringValue": str(v)}
        for name, v in attributes.items()
    }


class MotoMessageBus:
    """Deliveries into moto's backends; the caller holds the persistence write lock."""

    def send_to_queue(self, arn: str, body: str, attributes: Mapping[str, str | int]) -> None:
        account, region, queue = _where(arn)
        values = _string_attributes(attributes)
        sqs_backends[account][region].send_message(queue, body, message_attributes=values)

    def publish(self, arn: str, body: str, attributes: Mapping[str, str | int]) -> None:
        account, region, _ = _where(arn)
        values = _string_attributes(attributes)
        sns_backends[account][region].publish(body, arn=arn, message_attributes=values)

    def put_event(self, bus_arn: str, source: str, detail_type: str, detail: str) -> None:
        account, region, _ = _where(bus_arn)
        entry = {"Source": source, "DetailType": detail_type, "Detail": detail}
        events_backends[account][region].put_events([{**entry, "EventBusName": bus_arn}])
