"""``cdk bootstrap && cdk deploy`` with the real CDK CLI (``make cdk``) against localaws."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.deploy_tools import CDK, CDK_PYTHON, require, run, tool_env
from tests.helpers import PROJECT_ROOT, ServerProcess, aws_client

pytestmark = pytest.mark.server

APP = PROJECT_ROOT / "tests" / "data" / "cdk_app"


@pytest.fixture(scope="module")
def deployed(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment bootstrapped and the app deployed as a user would; its outputs."""
    require(CDK, "cdk")
    require(CDK_PYTHON, "cdk")
    work = tmp_path_factory.mktemp("cdk")
    shutil.copytree(APP, work / "app")
    app = work / "app"
    env = tool_env(server.endpoint, work)
    common = ["--app", f"{CDK_PYTHON} app.py", "--no-notices", "--no-color"]
    done = run([str(CDK), "bootstrap", "aws://123456789012/us-east-1", *common], app, env)
    assert "bootstrapped" in done.stdout + done.stderr
    deploy = [str(CDK), "deploy", "Greeter", "--require-approval", "never", *common]
    run([*deploy, "--outputs-file", str(work / "outputs.json")], app, env)
    outputs: dict[str, str] = json.loads((work / "outputs.json").read_text())["Greeter"]
    return outputs


def test_the_bootstrap_stack_is_complete(deployed: dict[str, str], server: ServerProcess) -> None:
    cfn: Any = aws_client(server.endpoint, "cloudformation")
    [toolkit] = cfn.describe_stacks(StackName="CDKToolkit")["Stacks"]
    assert toolkit["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in toolkit["Outputs"]}
    ssm: Any = aws_client(server.endpoint, "ssm")
    version = ssm.get_parameter(Name="/cdk-bootstrap/hnb659fds/version")["Parameter"]["Value"]
    assert version == outputs["BootstrapVersion"]
    s3: Any = aws_client(server.endpoint, "s3")
    assets = s3.list_objects_v2(Bucket=outputs["BucketName"]).get("Contents", [])
    assert any(obj["Key"].endswith(".zip") for obj in assets)  # the function's code asset


def test_the_deployed_function_runs_the_asset_code(
    deployed: dict[str, str], server: ServerProcess
) -> None:
    lam: Any = aws_client(server.endpoint, "lambda")
    answer = lam.invoke(FunctionName=deployed["FunctionName"], Payload=b'{"name": "ada"}')
    assert "FunctionError" not in answer
    result = json.loads(answer["Payload"].read())
    assert result == {"greeting": "hello ada", "bucket": deployed["BucketName"]}
