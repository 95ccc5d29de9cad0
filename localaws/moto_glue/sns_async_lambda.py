"""SNS delivers to Lambda subscriptions asynchronously, with the record AWS sends.

moto calls the function synchronously inside Publish, with a canned example record (topic
``arn:aws:sns:EXAMPLE``, a fixed MessageId and made-up attributes). On AWS, SNS invokes the
function asynchronously with the real topic, subscription, message id, subject and message
attributes; here the event goes to localaws's asynchronous queue, continuing the causal chain.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from moto.sns.models import Subscription

from localaws.executor.tracing import SubmitArnEvent, request_chain

Submit = SubmitArnEvent
_original_publish = Subscription.publish
_submit: Submit | None = None


def sns_record(
    subscription: Any,
    message: str,
    message_id: str,
    subject: str | None,
    attributes: dict[str, Any] | None,
) -> dict[str, Any]:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    region = subscription.topic.arn.split(":")[3]
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription.arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": subscription.topic.arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": now,
            "SignatureVersion": "1",
            "Signature": "bG9jYWxhd3Mgc2lnbmF0dXJl",
            "SigningCertUrl": f"https://sns.{region}.amazonaws.com/SimpleNotificationService.pem",
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
            f"&SubscriptionArn={subscription.arn}",
            "MessageAttributes": {
                name: _attribute(value) for name, value in (attributes or {}).items()
            },
        },
    }


def _attribute(value: dict[str, Any]) -> dict[str, Any]:
    """moto keeps attributes as {Type, Value} or as the API's {DataType, StringValue}."""
    if "Type" in value:
        return {"Type": value["Type"], "Value": value.get("Value")}
    data = value.get("StringValue", value.get("BinaryValue"))
    return {"Type": value.get("DataType"), "Value": data}


def _publish(
    self: Any,
    message: str,
    message_id: str,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> None:
    if self.protocol != "lambda" or _submit is None:
        _original_publish(self, message, message_id, subject, message_attributes, *args, **kwargs)
        return
    matcher = self._filter_policy_matcher
    if matcher is not None and not matcher.matches(message_attributes, message):
        return
    if kwargs.get("message_structure") == "json":
        message = self._parse_message_structure(message, self.protocol)
    body = {"Records": [sns_record(self, message, message_id, subject, message_attributes)]}
    region = self.endpoint.split(":")[3]
    _submit(self.account_id, region, self.endpoint, json.dumps(body).encode(), request_chain())


def install(submit: Submit) -> None:
    global _submit
    _submit = submit
    Subscription.publish = _publish  # type: ignore[method-assign]
