"""Buckets as SAM and CDK templates make them: notifications and bucket policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ServerProcess, eventually, function_log_messages
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server
Factory = Callable[[str], Any]

LOGGER = """
def lambda_handler(event, context):
    for record in event["Records"]:
        print("got", record["s3"]["object"]["key"])
"""


def create(cfn: Any, name: str, template: dict[str, Any]) -> dict[str, str]:
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template))
    [stack] = cfn.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_a_bucket_notification_in_a_template_runs_the_function(
    server: ServerProcess, client_factory: Factory
) -> None:
    arn = deploy(client_factory("lambda"), client_factory("iam"), "on-upload", LOGGER)[
        "FunctionArn"
    ]
    template = {
        "Resources": {
            "Grant": {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": "on-upload", "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"},
            }},
            "Uploads": {"Type": "AWS::S3::Bucket", "DependsOn": ["Grant"], "Properties": {
                "NotificationConfiguration": {"LambdaConfigurations": [{
                    "Event": "s3:ObjectCreated:*", "Function": arn,
                    "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".jpg"}]}},
                }]},
            }},
        },
        "Outputs": {"Bucket": {"Value": {"Ref": "Uploads"}}},
    }  # fmt: skip
    bucket = create(client_factory("cloudformation"), "notified", template)["Bucket"]
    s3 = client_factory("s3")
    [config] = s3.get_bucket_notification_configuration(Bucket=bucket)[
        "LambdaFunctionConfigurations"
    ]
    assert (config["LambdaFunctionArn"], config["Events"]) == (arn, ["s3:ObjectCreated:*"])
    s3.put_object(Bucket=bucket, Key="skip.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="cat.jpg", Body=b"x")
    assert eventually(
        lambda: any(
            "got cat.jpg" in m for m in function_log_messages(server.endpoint, "on-upload")
        ),
        deadline=30,
    )
    assert not any("skip.txt" in m for m in function_log_messages(server.endpoint, "on-upload"))


def test_a_bucket_policy_resource_applies_and_goes_with_its_stack(
    client_factory: Factory,
) -> None:
    arn = {"Fn::GetAtt": ["Artifacts", "Arn"]}
    objects = {"Fn::Join": ["", [arn, "/*"]]}
    insecure = {"Bool": {"aws:SecureTransport": "false"}}
    template = {
        "Resources": {
            "Artifacts": {"Type": "AWS::S3::Bucket"},
            "ArtifactsPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": {"Ref": "Artifacts"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                     "Resource": [arn, objects], "Condition": insecure},
                    {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                     "Resource": {"Fn::Join": ["", [arn, "/locked/*"]]}},
                ]},
            }},
        },
        "Outputs": {"Bucket": {"Value": {"Ref": "Artifacts"}}},
    }  # fmt: skip
    cfn = client_factory("cloudformation")
    bucket = create(cfn, "artifacts", template)["Bucket"]
    s3 = client_factory("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Condition"] == insecure
    # The conditional deny (which localaws cannot evaluate) does not block uploads...
    s3.put_object(Bucket=bucket, Key="assets/app.zip", Body=b"zip")
    # ...the unconditional one still applies.
    with pytest.raises(ClientError) as denied:
        s3.put_object(Bucket=bucket, Key="locked/app.zip", Body=b"zip")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    s3.delete_object(Bucket=bucket, Key="assets/app.zip")
    cfn.delete_stack(StackName="artifacts")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
