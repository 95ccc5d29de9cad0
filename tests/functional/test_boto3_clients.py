"""boto3 against a started localaws: each course service answers as AWS does."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ServerProcess
from tests.lab_fixtures import HANDLER_SOURCE, TRUST_POLICY, handler_zip, zip_bytes

pytestmark = pytest.mark.server

Factory = Callable[[str], Any]


def test_health_reports_ready_and_version(server: ServerProcess) -> None:
    with urllib.request.urlopen(f"{server.endpoint}/_localaws/health") as response:
        assert response.status == 200
        body = json.loads(response.read())
    assert body["status"] == "ready"
    assert body["version"]


def test_caller_identity_is_motos_default_account(client_factory: Factory) -> None:
    identity = client_factory("sts").get_caller_identity()
    assert identity["Account"] == "123456789012"


def test_s3_round_trip_of_a_large_object(client_factory: Factory) -> None:
    s3 = client_factory("s3")
    s3.create_bucket(Bucket="lab-original-boto3")
    body = bytes(range(256)) * 20_000  # 5 MB, over the blob threshold
    s3.put_object(Bucket="lab-original-boto3", Key="photos/big image.jpg", Body=body)
    fetched = s3.get_object(Bucket="lab-original-boto3", Key="photos/big image.jpg")
    assert fetched["Body"].read() == body
    assert fetched["ContentLength"] == len(body)


def test_lambda_function_code_location_downloads_the_zip(client_factory: Factory) -> None:
    role = client_factory("iam").create_role(
        RoleName="CodeLocationRole", AssumeRolePolicyDocument=TRUST_POLICY
    )["Role"]["Arn"]
    package = handler_zip()
    client_factory("lambda").create_function(
        FunctionName="code_location",
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": package},
    )
    location = client_factory("lambda").get_function(FunctionName="code_location")["Code"][
        "Location"
    ]
    with urllib.request.urlopen(location) as response:
        downloaded = response.read()
    assert downloaded == package
    with zipfile.ZipFile(io.BytesIO(downloaded)) as archive:
        assert archive.read("lambda_function.py").decode() == HANDLER_SOURCE


def test_layer_content_location_downloads_the_zip(client_factory: Factory) -> None:
    package = zip_bytes({"python/helper.py": "VALUE = 42\n"})
    published = client_factory("lambda").publish_layer_version(
        LayerName="HelperLayer", Content={"ZipFile": package}, CompatibleRuntimes=["python3.12"]
    )
    with urllib.request.urlopen(published["Content"]["Location"]) as response:
        assert response.read() == package


def test_unknown_function_is_resource_not_found(client_factory: Factory) -> None:
    with pytest.raises(ClientError) as raised:
        client_factory("lambda").get_function(FunctionName="does_not_exist")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_queue_topic_rule_log_metric_and_state_machine(client_factory: Factory) -> None:
    sqs = client_factory("sqs")
    queue_url = sqs.create_queue(QueueName="clients-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == "hello"

    topic = client_factory("sns").create_topic(Name="clients-topic")["TopicArn"]
    assert topic == "arn:aws:sns:us-east-1:123456789012:clients-topic"

    events = client_factory("events")
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    assert events.describe_rule(Name="every-minute")["ScheduleExpression"] == "rate(1 minute)"

    logs = client_factory("logs")
    logs.create_log_group(logGroupName="/aws/lambda/clients")
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert "/aws/lambda/clients" in [group["logGroupName"] for group in groups]

    cloudwatch = client_factory("cloudwatch")
    cloudwatch.put_metric_data(Namespace="Lab", MetricData=[{"MetricName": "Runs", "Value": 1}])
    assert cloudwatch.list_metrics(Namespace="Lab")["Metrics"][0]["MetricName"] == "Runs"

    role = client_factory("iam").create_role(
        RoleName="StatesRole", AssumeRolePolicyDocument=TRUST_POLICY
    )["Role"]["Arn"]
    states = client_factory("stepfunctions")
    machine = states.create_state_machine(
        name="clients-machine",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        roleArn=role,
    )["stateMachineArn"]
    for _ in range(2):  # moto 5.2.1 broke every execution after the first
        execution = states.start_execution(stateMachineArn=machine)["executionArn"]
        assert states.describe_execution(executionArn=execution)["status"] in (
            "RUNNING",
            "SUCCEEDED",
        )


def test_cloudformation_stack_outputs(client_factory: Factory) -> None:
    template = {
        "Resources": {"Original": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {"OriginalBucketName": {"Value": {"Ref": "Original"}}},
    }
    cloudformation = client_factory("cloudformation")
    cloudformation.create_stack(StackName="clients-stack", TemplateBody=json.dumps(template))
    stack = cloudformation.describe_stacks(StackName="clients-stack")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    bucket = stack["Outputs"][0]["OutputValue"]
    assert bucket in [b["Name"] for b in client_factory("s3").list_buckets()["Buckets"]]
