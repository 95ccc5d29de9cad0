"""The lab done the AWS CLI way: the notebooks' own CLI_STEPS, run by the helper the notebooks
use (``Lab.run_cli``'s ``run_steps``) with the installed AWS CLI against a real localaws, then
graded; deliberate mistakes get the hint for the CLI way, and the console way's for the same
failing check."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from labcheck.checks import grade
from labcheck.collect import read_state
from labcheck.notebook.cli_steps import (
    CliStepFailed,
    lab_variables,
    run_steps,
    write_function_files,
)
from labcheck.notebook.grading import assert_check
from tests.helpers import PROJECT_ROOT, ServerProcess
from tests.lab_build import client, make_starting_resources
from tests.pillow_layer import noisy_jpeg, this_python_runtime

pytestmark = pytest.mark.server

LAB = PROJECT_ROOT / "notebooks" / "lab"


def cell_value(notebook: str, cell_id: str, name: str) -> str:
    """``name`` as the source notebook's cell ``cell_id`` defines it (the model answer)."""
    cells = json.loads((LAB / notebook).read_text())["cells"]
    source = "".join(next(c for c in cells if c["id"] == cell_id)["source"])
    namespace: dict[str, str] = {}
    exec(source, namespace)  # the course's own cell: an assignment
    return namespace[name]


MODEL = {
    "task1": cell_value("task1-create-function.ipynb", "task1-cli-answer", "CLI_STEPS"),
    "task2": cell_value("task2-s3-trigger.ipynb", "task2-cli-answer", "CLI_STEPS"),
    "task3": cell_value("task3-upload-and-resize.ipynb", "task3-cli-answer", "CLI_STEPS"),
}


@dataclass
class CliLab:
    """A localaws with the lab's starting resources, and the folder the notebook runs in."""

    server: ServerProcess
    folder: Path
    variables: dict[str, str]

    def run(self, steps: str) -> list[str]:
        """Run ``steps`` as ``Lab.run_cli`` does; what it printed."""
        said: list[str] = []
        base = {**os.environ, **self.server.client_env}
        run_steps(steps, self.variables, self.folder, base, said.append)
        return said

    def start_over(self) -> None:
        """No function and no trigger, as before task 1."""
        lam, s3 = client(self.server.endpoint, "lambda"), client(self.server.endpoint, "s3")
        with contextlib.suppress(lam.exceptions.ResourceNotFoundException):
            lam.delete_function(FunctionName="resize_image")
        for bucket in (self.variables["ORIGINAL_BUCKET"], self.variables["RESIZED_BUCKET"]):
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})


@pytest.fixture(scope="module")
def cli_lab(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> CliLab:
    resources = make_starting_resources(server.endpoint)
    folder = tmp_path_factory.mktemp("lab-notebooks")
    handler = cell_value("task1-create-function.ipynb", "task1-05", "HANDLER_SOURCE")
    write_function_files(folder, handler)  # as the notebook's cell before CLI_STEPS does
    (folder / "lab-image.jpg").write_bytes(noisy_jpeg(1200, 900))
    variables = lab_variables(resources, this_python_runtime(), "us-east-1", "123456789012")
    return CliLab(server, folder, variables)


@pytest.fixture
def learner(cli_lab: CliLab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliLab]:
    """The lab, with this process set up as a notebook's (localaws's env, its own folder)."""
    for name, value in cli_lab.server.client_env.items():
        monkeypatch.setenv(name, value)
    # labcheck's reads use boto3's default session, which keeps the keys it first found:
    # this test's session goes with it, so later tests' servers get their own keys.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.chdir(tmp_path)  # where assert_check saves its evidence
    cli_lab.start_over()
    yield cli_lab


def shown(check_id: str, way: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What the learner's check cell shows for ``check_id`` working ``way``."""
    assert_check(check_id, way=way)
    return capsys.readouterr().out


def test_the_model_cli_steps_pass_every_check_of_tasks_1_to_3(learner: CliLab) -> None:
    said = [line for task in ("task1", "task2", "task3") for line in learner.run(MODEL[task])]
    assert said[0].startswith("$ aws lambda create-function --function-name resize_image")
    assert any(line.startswith("$ aws s3api wait object-exists") for line in said)
    assert any("REPORT RequestId:" in line for line in said)  # the logs, as the CLI prints them
    state = read_state(endpoint=learner.server.endpoint)
    failures = [
        (c.id, c.message) for r in grade(state, ("task1", "task2", "task3")) for c in r.checks
        if not c.passed
    ]  # fmt: skip
    assert failures == []


def test_task1_mistakes_get_the_cli_command_and_the_console_path(
    learner: CliLab, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = MODEL["task1"].replace("lambda_function.lambda_handler", "lambda_function.handler")
    wrong = wrong.replace("--layers $LAYER_ARN", "")
    learner.run(wrong)
    capsys.readouterr()
    handler = shown("task1.handler", "cli", capsys)
    assert "FAIL Handler lambda_function.lambda_handler (0/1)" in handler
    assert "it defines lambda_handler" in handler
    assert (
        "Next: Set the handler to lambda_function.lambda_handler (file lambda_function.py, "
        "function lambda_handler). With the AWS CLI: `aws lambda update-function-configuration "
        "--function-name resize_image --handler lambda_function.lambda_handler`."
    ) in handler
    assert "Code > Runtime settings > Edit > Handler" in shown("task1.handler", "console", capsys)
    layer = shown("task1.layer", "cli", capsys)
    assert "Layers attached: none." in layer
    assert "--layers $LAYER_ARN`" in layer and "Custom layers" not in layer
    console = shown("task1.layer", "console", capsys)
    assert "In the console: Code > Layers > Add a layer > Custom layers." in console
    assert "aws lambda" not in console


def test_task2_mistakes_the_wrong_bucket_and_no_permission(
    learner: CliLab, capsys: pytest.CaptureFixture[str]
) -> None:
    learner.run(MODEL["task1"])
    learner.run(MODEL["task2"].replace("$ORIGINAL_BUCKET", "$RESIZED_BUCKET"))
    capsys.readouterr()
    trigger = shown("task2.notification", "cli", capsys)
    assert "lab-resized, the resized bucket, sends events to resize_image" in trigger
    assert (
        "aws s3api put-bucket-notification-configuration --bucket $RESIZED_BUCKET "
        "--notification-configuration '{}'"
    ) in trigger
    assert "delete the resized bucket's trigger" in shown("task2.notification", "console", capsys)
    permission = shown("task2.permission", "cli", capsys)
    assert "aws lambda add-permission --function-name resize_image" in permission
    assert "--source-arn arn:aws:s3:::lab-original" in permission
    console = shown("task2.permission", "console", capsys)
    assert "Resource-based policy statements" in console and "add-permission" not in console

    learner.start_over()
    learner.run(MODEL["task1"])
    without_permission = MODEL["task2"].split("aws s3api", 1)[1]
    with pytest.raises(CliStepFailed) as failed:
        learner.run("aws s3api" + without_permission)
    [line] = failed.value._render_traceback_()  # what IPython shows: one line
    assert line.startswith(
        "FAIL line 1: `aws s3api put-bucket-notification-configuration --bucket "
        "$ORIGINAL_BUCKET --notification-configuration"
    )
    assert "failed: An error occurred (InvalidArgument) when calling the " in line
    assert "Unable to validate the following destination configurations" in line
    assert "Next: S3 checks that it may invoke the function" in line
    assert "Traceback" not in line
    assert "add-permission" in shown("task2.permission", "cli", capsys)


def test_a_failing_command_stops_the_steps_with_one_line(learner: CliLab) -> None:
    steps = (
        "aws lambda get-function --function-name resize_image\naws s3 ls s3://$ORIGINAL_BUCKET\n"
    )
    with pytest.raises(CliStepFailed) as failed:
        learner.run(steps)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith(
        "line 1: `aws lambda get-function --function-name resize_image` failed: An error "
        "occurred (ResourceNotFoundException) when calling the GetFunction operation"
    )
