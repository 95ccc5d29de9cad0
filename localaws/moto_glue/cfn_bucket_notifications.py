"""CloudFormation's ``AWS::S3::Bucket`` with a ``NotificationConfiguration``.

moto's CloudFormation creates the bucket but drops the property, so a SAM function's ``S3``
event (which the SAM transform writes as the bucket's ``LambdaConfigurations``) never ran
the function. Here the property is put on the bucket as ``PutBucketNotificationConfiguration``
would put it, on create and on update (an update without it removes the configuration):
Lambda, SQS and SNS destinations with their events and key filters, and EventBridge.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket, s3_backends

_original_create = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
_original_update = FakeBucket.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

#: CloudFormation's list property -> (the API's element, its destination field, the CFN field).
DESTINATIONS = {
    "LambdaConfigurations": ("CloudFunctionConfiguration", "CloudFunction", "Function"),
    "QueueConfigurations": ("QueueConfiguration", "Queue", "Queue"),
    "TopicConfigurations": ("TopicConfiguration", "Topic", "Topic"),
}


def api_configuration(properties: dict[str, Any]) -> dict[str, Any]:
    """The notification configuration as the API's request carries it (moto's parsed form)."""
    notification = properties.get("NotificationConfiguration") or {}
    answer: dict[str, Any] = {}
    for cfn_name, (element, field, cfn_field) in DESTINATIONS.items():
        entries = []
        for entry in notification.get(cfn_name) or []:
            converted: dict[str, Any] = {field: entry[cfn_field], "Event": [entry["Event"]]}
            rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
            if rules:
                converted["Filter"] = {
                    "S3Key": {
                        "FilterRule": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]
                    }
                }
            entries.append(converted)
        if entries:
            answer[element] = entries
    if (notification.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled") in (
        True,
        "true",
    ):
        answer["EventBridgeConfiguration"] = {}
    return answer


def _apply(bucket: Any, cloudformation_json: dict[str, Any], account_id: str) -> None:
    properties = cloudformation_json.get("Properties") or {}
    backend = s3_backends[account_id][bucket.partition]
    backend.put_bucket_notification_configuration(bucket.name, api_configuration(properties))


def _create(
    cls: Any,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    bucket = _original_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    if (cloudformation_json.get("Properties") or {}).get("NotificationConfiguration"):
        _apply(bucket, cloudformation_json, account_id)
    return bucket


def _update(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> Any:
    bucket = _original_update(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    )
    _apply(bucket, cloudformation_json, account_id)
    return bucket


def install() -> None:
    FakeBucket.create_from_cloudformation_json = classmethod(_create)  # type: ignore[method-assign,assignment]
    FakeBucket.update_from_cloudformation_json = classmethod(_update)  # type: ignore[method-assign,assignment]
