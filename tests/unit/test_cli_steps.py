"""Reading a notebook's AWS CLI steps: one command a line, continuations, blanks and slips."""

from __future__ import annotations

import pytest

from labcheck.notebook.cli_steps import (
    CliStepFailed,
    Step,
    StepsNotWritten,
    export_lines,
    failure_line,
    parse_steps,
)


def test_commands_comments_and_continued_lines() -> None:
    steps = parse_steps(
        "\n# create it\naws lambda create-function --function-name f \\\n"
        "    --runtime $RUNTIME\n\n  aws lambda wait function-active-v2 --function-name f\n"
    )
    assert [(step.line, step.one_line) for step in steps] == [
        (3, "aws lambda create-function --function-name f --runtime $RUNTIME"),
        (6, "aws lambda wait function-active-v2 --function-name f"),
    ]
    assert steps[0].text.endswith("f \\\n    --runtime $RUNTIME")  # bash joins it, as typed


@pytest.mark.parametrize(
    "blank", ["", "\n# YOUR CODE HERE\nraise NotImplementedError()\n", "# only a comment\n"]
)
def test_a_blank_answer_is_not_implemented_yet(blank: str) -> None:
    with pytest.raises(NotImplementedError, match="CLI_STEPS has no commands yet") as caught:
        parse_steps(blank)
    assert isinstance(caught.value, StepsNotWritten)
    [line] = caught.value._render_traceback_()
    assert line.startswith("NotImplementedError: CLI_STEPS has no commands yet")


def test_a_line_that_is_not_an_aws_command_is_refused_before_anything_runs() -> None:
    with pytest.raises(CliStepFailed, match=r"line 2 of CLI_STEPS is not an AWS CLI command"):
        parse_steps('aws s3 ls\nlam.create_function(FunctionName="resize_image")\n')


def test_a_failure_is_one_line_with_awss_error_and_the_next_step() -> None:
    step = Step("aws lambda create-function \\\n  --function-name resize_image", 4)
    said = (
        "\nAn error occurred (ResourceConflictException) when calling the CreateFunction "
        "operation: Function already exist: resize_image\n"
    )
    line = failure_line(step, 255, said)
    assert "\n" not in line
    assert line.startswith(
        "line 4: `aws lambda create-function --function-name resize_image` failed: An error "
        "occurred (ResourceConflictException)"
    )
    assert "Next: resize_image exists already" in line
    assert failure_line(Step("aws s3 ls", 1), 2, "") == (
        "line 1: `aws s3 ls` failed: it exited with status 2"
    )


def test_the_variables_as_a_terminal_takes_them() -> None:
    assert export_lines({"ROLE_ARN": "arn:aws:iam::1:role/R", "X": "a b"}) == (
        "export ROLE_ARN=arn:aws:iam::1:role/R\nexport X='a b'"
    )
