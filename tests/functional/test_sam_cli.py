"""``sam build && sam deploy`` with the real SAM CLI (``make samcli``) against localaws."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
import requests

from tests.deploy_tools import SAM, require, run, tool_env
from tests.helpers import PROJECT_ROOT, ServerProcess, aws_client, eventually, function_log_messages

pytestmark = pytest.mark.server

APP = PROJECT_ROOT / "tests" / "data" / "sam_app"


@pytest.fixture(scope="module")
def deployed(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The app built and deployed as a user would; its stack's outputs."""
    require(SAM, "samcli")
    work = tmp_path_factory.mktemp("sam")
    shutil.copytree(APP, work / "app")
    app = work / "app"
    env = tool_env(server.endpoint, work)
    run([str(SAM), "build"], app, env)
    deploy = [str(SAM), "deploy", "--stack-name", "photos", "--resolve-s3"]
    deploy += ["--capabilities", "CAPABILITY_IAM", "--no-confirm-changeset", "--no-progressbar"]
    done = run(deploy, app, env)
    assert "Successfully created/updated stack - photos" in done.stdout
    cfn = aws_client(server.endpoint, "cloudformation")
    [stack] = cfn.describe_stacks(StackName="photos")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def test_an_upload_to_the_deployed_bucket_runs_the_function(
    deployed: dict[str, str], server: ServerProcess
) -> None:
    s3: Any = aws_client(server.endpoint, "s3")
    bucket, function = deployed["BucketName"], deployed["FunctionName"]
    s3.put_object(Bucket=bucket, Key="photos/cat.jpg", Body=b"meow")
    s3.put_object(Bucket=bucket, Key="notes/todo.txt", Body=b"outside the prefix")
    expected = f"uploaded {bucket} photos/cat.jpg"

    def logged() -> list[str]:
        return [m for m in function_log_messages(server.endpoint, function) if "uploaded" in m]

    assert eventually(lambda: any(expected in m for m in logged()), deadline=30), logged()
    assert not any("notes/todo.txt" in m for m in logged())


def test_the_http_api_event_answers_over_http(deployed: dict[str, str]) -> None:
    answer = requests.get(f"{deployed['ApiEndpoint']}/hello/ada", timeout=30)
    assert answer.status_code == 200
    assert answer.json() == {"hello": "ada", "route": "GET /hello/{name}"}
    assert requests.get(f"{deployed['ApiEndpoint']}/goodbye", timeout=30).status_code == 404


def test_sam_cli_own_artifact_bucket_keeps_its_policy(
    deployed: dict[str, str], server: ServerProcess
) -> None:
    cfn: Any = aws_client(server.endpoint, "cloudformation")
    [managed] = cfn.describe_stacks(StackName="aws-sam-cli-managed-default")["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in managed["Outputs"]}
    policy = aws_client(server.endpoint, "s3").get_bucket_policy(Bucket=outputs["SourceBucket"])
    assert "aws:SecureTransport" in policy["Policy"]


def test_the_rest_api_event_answers_on_its_prod_stage(
    deployed: dict[str, str], server: ServerProcess
) -> None:
    base = f"{server.endpoint}/restapis/{deployed['RestApiId']}/Prod/_user_request_"
    answer = requests.get(f"{base}/greet/grace", timeout=30)
    assert answer.status_code == 200
    assert answer.json() == {"hello": "grace", "route": "/greet/{name}"}
