"""CloudFormation as SAM and CDK drive it: change sets, TemplateURLs, failures and rollback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import ServerProcess, aws_client, eventually

pytestmark = pytest.mark.server

BUCKET_TEMPLATE = {
    "Description": "A managed stack",
    "Resources": {"Artifacts": {"Type": "AWS::S3::Bucket"}},
    "Outputs": {
        "SourceBucket": {"Value": {"Ref": "Artifacts"}, "Export": {"Name": "artifacts-bucket"}}
    },
}


@pytest.fixture(scope="module")
def cfn(server: ServerProcess) -> Any:
    return aws_client(server.endpoint, "cloudformation")


@pytest.fixture(scope="module")
def s3(server: ServerProcess) -> Any:
    return aws_client(server.endpoint, "s3")


def upload(s3: Any, template: dict[str, Any], key: str) -> None:
    buckets = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    if "templates" not in buckets:
        s3.create_bucket(Bucket="templates")
    s3.put_object(Bucket="templates", Key=key, Body=json.dumps(template).encode())


@pytest.fixture(scope="module")
def uploaded(s3: Any) -> None:
    upload(s3, BUCKET_TEMPLATE, "forms/t.json")


def stack(cfn: Any, name: str) -> dict[str, Any]:
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def test_a_change_set_from_an_ip_template_url_fills_outputs_like_create_stack(
    cfn: Any, s3: Any, server: ServerProcess
) -> None:
    upload(s3, BUCKET_TEMPLATE, "managed/template.json")
    url = f"http://127.0.0.1:{server.port}/templates/managed/template.json"
    created = cfn.create_change_set(
        StackName="managed",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateURL=url,
        Tags=[{"Key": "ManagedStackSource", "Value": "AwsSamCli"}],
    )
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=created["Id"])
    cfn.execute_change_set(ChangeSetName="first", StackName="managed")
    assert eventually(lambda: stack(cfn, "managed")["StackStatus"] == "CREATE_COMPLETE")
    described = stack(cfn, "managed")
    [output] = described["Outputs"]
    assert output["OutputKey"] == "SourceBucket"
    assert output["OutputValue"] in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert described["Description"] == "A managed stack"
    assert described["Tags"] == [{"Key": "ManagedStackSource", "Value": "AwsSamCli"}]
    exports = {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]}
    assert exports["artifacts-bucket"] == output["OutputValue"]
    assert cfn.get_template(StackName="managed")["TemplateBody"] == BUCKET_TEMPLATE
    change_set = cfn.describe_change_set(ChangeSetName="first", StackName="managed")
    assert change_set["ExecutionStatus"] == "EXECUTE_COMPLETE"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/templates/{key}",
        "http://localhost:{port}/templates/{key}",
        "http://[::1]:{port}/templates/{key}",
        "https://s3.amazonaws.com/templates/{key}",
        "https://s3.us-east-1.amazonaws.com/templates/{key}",
        "https://templates.s3.amazonaws.com/{key}",
        "https://templates.s3.us-east-1.amazonaws.com/{key}",
        "http://templates.localhost:{port}/{key}",
    ],
)
def test_every_s3_url_form_finds_the_template(
    cfn: Any, uploaded: None, server: ServerProcess, url: str
) -> None:
    found = cfn.get_template_summary(TemplateURL=url.format(port=server.port, key="forms/t.json"))
    assert found["Description"] == "A managed stack"


def test_a_missing_template_is_a_validation_error(cfn: Any, server: ServerProcess) -> None:
    url = f"http://127.0.0.1:{server.port}/templates/nothing-here.json"
    with pytest.raises(cfn.exceptions.ClientError) as raised:
        cfn.create_stack(StackName="nothing", TemplateURL=url)
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert "TemplateURL must reference a valid S3 object" in str(raised.value)


def failed_resources(cfn: Any, name: str) -> dict[str, str]:
    events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return {
        e["LogicalResourceId"]: e.get("ResourceStatusReason", "")
        for e in events
        if e["ResourceStatus"] == "CREATE_FAILED"
    }


def test_an_unsupported_resource_type_fails_the_stack_and_nothing_stays(cfn: Any, s3: Any) -> None:
    before = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    template = {
        "Resources": {
            "Store": {"Type": "AWS::S3::Bucket"},
            "Fleet": {"Type": "AWS::GameLift::Fleet", "Properties": {"Name": "f"}},
        }
    }
    cfn.create_stack(StackName="unsupported", TemplateBody=json.dumps(template))
    assert stack(cfn, "unsupported")["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = failed_resources(cfn, "unsupported")
    assert "AWS::GameLift::Fleet" in reasons["Fleet"]
    assert reasons["Fleet"].startswith("Resource handler returned message:")
    statuses = [
        e["ResourceStatus"]
        for e in cfn.describe_stack_events(StackName="unsupported")["StackEvents"]
    ]
    assert "ROLLBACK_IN_PROGRESS" in statuses
    assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == before


def test_a_resource_that_fails_rolls_back_what_was_created(cfn: Any, s3: Any) -> None:
    before = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    template = {
        "Resources": {
            "Store": {"Type": "AWS::S3::Bucket"},
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}
                },
            },
            "Function": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": ["Store"],
                "Properties": {
                    "PackageType": "Image",
                    "Code": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"},
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
        }
    }
    cfn.create_stack(StackName="half-made", TemplateBody=json.dumps(template))
    assert stack(cfn, "half-made")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "container images" in failed_resources(cfn, "half-made")["Function"]
    assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == before


SAM_TEMPLATE = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue"},
        "Worker": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "InlineCode": "def handler(event, context):\n    return {'sam': True}\n",
                "Policies": ["AWSLambdaBasicExecutionRole"],
                "Events": {
                    "FromQueue": {
                        "Type": "SQS",
                        "Properties": {"Queue": {"Fn::GetAtt": ["Jobs", "Arn"]}},
                    }
                },
            },
        },
    },
    "Outputs": {"WorkerName": {"Value": {"Ref": "Worker"}}},
}


def test_a_sam_template_is_expanded_and_its_function_runs(cfn: Any, server: ServerProcess) -> None:
    cfn.create_stack(
        StackName="sam-app",
        TemplateBody=json.dumps(SAM_TEMPLATE),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    described = stack(cfn, "sam-app")
    assert described["StackStatus"] == "CREATE_COMPLETE", cfn.describe_stack_events(
        StackName="sam-app"
    )["StackEvents"]
    [output] = described["Outputs"]
    lam = aws_client(server.endpoint, "lambda")
    response = lam.invoke(FunctionName=output["OutputValue"], Payload=b"{}")
    assert json.loads(response["Payload"].read()) == {"sam": True}
    mappings = lam.list_event_source_mappings(FunctionName=output["OutputValue"])
    [mapping] = mappings["EventSourceMappings"]
    assert "Jobs" in mapping["EventSourceArn"].rsplit(":", 1)[-1]  # the stack's queue
    role = lam.get_function(FunctionName=output["OutputValue"])["Configuration"]["Role"]
    iam = aws_client(server.endpoint, "iam")
    attached = iam.list_attached_role_policies(RoleName=role.rsplit("/", 1)[-1])
    names = {policy["PolicyName"] for policy in attached["AttachedPolicies"]}
    assert {"AWSLambdaBasicExecutionRole", "AWSLambdaSQSQueueExecutionRole"} <= names


def test_an_invalid_sam_template_is_refused_with_the_transform_s_reason(cfn: Any) -> None:
    broken = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Worker": {"Type": "AWS::Serverless::Function", "Properties": {}}},
    }
    with pytest.raises(cfn.exceptions.ClientError) as raised:
        cfn.create_stack(StackName="sam-broken", TemplateBody=json.dumps(broken))
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert "Transform AWS::Serverless-2016-10-31 failed with:" in str(raised.value)


def test_a_failed_change_set_rolls_back_what_it_created(cfn: Any, s3: Any) -> None:
    before = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    template = {
        "Resources": {
            "Store": {"Type": "AWS::S3::Bucket"},
            "Role": {"Type": "AWS::IAM::Role", "DependsOn": ["Store"], "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/NoSuchPolicy"],
            }},
        }
    }  # fmt: skip
    created = cfn.create_change_set(
        StackName="changed-badly",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(template),
    )
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=created["Id"])
    cfn.execute_change_set(ChangeSetName="first", StackName="changed-badly")
    assert stack(cfn, "changed-badly")["StackStatus"] == "ROLLBACK_COMPLETE"
    change_set = cfn.describe_change_set(ChangeSetName="first", StackName="changed-badly")
    assert change_set["ExecutionStatus"] == "EXECUTE_FAILED"
    assert "NoSuchPolicy" in str(failed_resources(cfn, "changed-badly"))
    assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == before


def test_what_cdk_bootstrap_and_cdk_stacks_need_is_there(cfn: Any, server: ServerProcess) -> None:
    iam = aws_client(server.endpoint, "iam")
    for name in ("ReadOnlyAccess", "AWSCloudFormationReadOnlyAccess", "AdministratorAccess"):
        policy = iam.get_policy(PolicyArn=f"arn:aws:iam::aws:policy/{name}")["Policy"]
        assert policy["PolicyName"] == name
    template = {
        "Resources": {
            "Store": {"Type": "AWS::S3::Bucket"},
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:..."}},
        }
    }
    cfn.create_stack(StackName="cdk-made", TemplateBody=json.dumps(template))
    assert stack(cfn, "cdk-made")["StackStatus"] == "CREATE_COMPLETE"


def test_reads_with_an_assumed_role_s_keys_leave_iam_as_saved(server: ServerProcess) -> None:
    """CDK publishes and deploys with keys from AssumeRole; the test server checks after each
    write that nothing changed unsaved (a read used to stamp the role's last use)."""
    iam = aws_client(server.endpoint, "iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}  # fmt: skip
    role = iam.create_role(RoleName="publisher", AssumeRolePolicyDocument=json.dumps(trust))
    keys = aws_client(server.endpoint, "sts").assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="cdk"
    )["Credentials"]
    import boto3

    as_role = boto3.Session(
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
        region_name="us-east-1",
    ).client("s3", endpoint_url=server.endpoint)
    as_role.list_buckets()  # a read
    assert not iam.get_role(RoleName="publisher")["Role"].get("RoleLastUsed")
    as_role.create_bucket(Bucket="published-by-role")  # a write: answered, and saved
    assert iam.get_role(RoleName="publisher")["Role"]["RoleLastUsed"]["LastUsedDate"]


def test_a_failure_names_the_resource_that_failed_not_the_one_referring_to_it(cfn: Any) -> None:
    template = {
        "Resources": {
            "RoleName": {"Type": "AWS::SSM::Parameter", "Properties": {
                "Type": "String", "Value": {"Ref": "Role"},
            }},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/NoSuchPolicy"],
            }},
        }
    }  # fmt: skip
    cfn.create_stack(StackName="blame", TemplateBody=json.dumps(template))
    assert stack(cfn, "blame")["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = failed_resources(cfn, "blame")
    assert list(failed) == ["Role"]
    assert "NoSuchPolicy" in failed["Role"]
