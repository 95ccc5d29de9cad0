"""Step Functions executions run their states, and Lambda tasks run the function in localaws."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from localaws.api import moto_config
from tests.helpers import ServerProcess, client_env
from tests.lab_build import client as lab_client
from tests.lab_fixtures import create_role, deploy

pytestmark = pytest.mark.server
EXECUTE = {"stepfunctions": {"execute_state_machine": True}}
DOUBLE = "def lambda_handler(event, context):\n    return {'n': event['n'] * 2}\n"


def turn_on_execution(endpoint: str) -> None:
    unsigned = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps(EXECUTE).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError, match="403"):  # moto's endpoints: the owner's
        urllib.request.urlopen(unsigned)
    with pytest.MonkeyPatch.context() as env:
        for name, value in client_env(endpoint).items():
            env.setenv(name, value)
        moto_config(endpoint, EXECUTE)  # signed with the owner's credentials


def finished(sfn: Any, execution_arn: str, deadline: float = 30) -> dict[str, Any]:
    until = time.monotonic() + deadline
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() > until:
            return described
        time.sleep(0.1)


def test_a_lambda_task_runs_the_function(server: ServerProcess) -> None:
    lam, iam = lab_client(server.endpoint, "lambda"), lab_client(server.endpoint, "iam")
    sfn = lab_client(server.endpoint, "stepfunctions")
    arn = deploy(lam, iam, "sfn-double", DOUBLE)["FunctionArn"]
    turn_on_execution(server.endpoint)
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Double",
                    "States": {"Double": {"Type": "Task", "Resource": arn, "End": True}},
                },
                "End": True,
            }
        },
    }
    machine = sfn.create_state_machine(
        name="doubler", definition=json.dumps(definition), roleArn=create_role(iam)
    )["stateMachineArn"]

    for run in range(2):  # the second execution too (moto 5.2.1 broke executions after the first)
        items = [{"n": run}, {"n": 5}]
        execution = sfn.start_execution(
            stateMachineArn=machine, input=json.dumps({"items": items})
        )["executionArn"]
        described = finished(sfn, execution)
        assert described["status"] == "SUCCEEDED", described
        assert json.loads(described["output"]) == [{"n": run * 2}, {"n": 10}]

    history = sfn.get_execution_history(executionArn=execution)["events"]
    assert "LambdaFunctionSucceeded" in {event["type"] for event in history}
    logs = lab_client(server.endpoint, "logs")
    events = logs.filter_log_events(logGroupName="/aws/lambda/sfn-double")["events"]
    assert sum(event["message"].startswith("REPORT") for event in events) == 4
