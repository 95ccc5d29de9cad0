"""The lab's AWS CLI way: a notebook's CLI steps, run one command at a time as a terminal would.

``Lab.run_cli(CLI_STEPS)`` runs each command in bash with the project's ``aws`` (the one next to
this Python, else the one on PATH), in this process's environment: the one ``labcheck.connect()``
set up, which offline holds localaws's endpoint and its owner's credentials as ``localaws env``
exports them, the same variables JupyterLab's terminals inherit. The lab's names come as shell
variables ($ORIGINAL_BUCKET, $RESIZED_BUCKET, $ROLE_ARN, $LAYER_ARN, $RUNTIME, $REGION,
$ACCOUNT_ID), so the commands work unchanged typed in a terminal once those are exported.

Each command is echoed with its output. The first that fails stops the run with one line
naming it and AWS's error (and a next step for the usual slips), never a Python traceback.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from labcheck.notebook.sandbox import zip_source
from labcheck.provision.resources import LabResources
from labcheck.spec import FUNCTION_NAME

#: What nbgrader leaves in a learner's blank answer cell (its code stub for Python).
NBGRADER_STUB = "raise NotImplementedError()"
#: A command may wait (``aws lambda wait``, ``aws s3api wait``); the CLI's waiters give up sooner.
STEP_DEADLINE_SECONDS = 600
#: (what AWS's error says, the command it came from, what to do next) for the usual slips.
ADVICE = (
    (
        "ResourceConflictException",
        "create-function",
        f"{FUNCTION_NAME} exists already (from an earlier run): change it with `aws lambda "
        "update-function-configuration` or `update-function-code`, or delete it with `aws lambda "
        f"delete-function --function-name {FUNCTION_NAME}` and run the steps again.",
    ),
    (
        "ResourceConflictException",
        "add-permission",
        "that statement id is in the function's policy already (from an earlier run): leave "
        "this command out, or remove it first with `aws lambda remove-permission`.",
    ),
    (
        "Unable to validate the following destination configurations",
        "put-bucket-notification-configuration",
        "S3 checks that it may invoke the function before it saves the trigger: run `aws lambda "
        "add-permission` (principal s3.amazonaws.com, source ARN the bucket) first.",
    ),
    (
        "Unable to locate credentials",
        "",
        "run the notebook's connect cell first; in a terminal offline, "
        '`eval "$(localaws env)"` gives localaws\'s credentials.',
    ),
)


class StepsNotWritten(NotImplementedError):
    """The answer cell still holds nbgrader's stub (or nothing): there is nothing to run."""

    def _render_traceback_(self) -> list[str]:
        return [f"NotImplementedError: {self}"]


class CliStepFailed(Exception):
    """A CLI step that failed: one line naming the command, AWS's error and what to do."""

    def _render_traceback_(self) -> list[str]:
        """How IPython shows it: the line itself, not a traceback through labcheck."""
        return [f"FAIL {self}"]


@dataclass(frozen=True)
class Step:
    """One command of the steps: as written (continuation lines kept) and its first line."""

    text: str
    line: int

    @property
    def one_line(self) -> str:
        return " ".join(self.text.replace("\\\n", " ").split())


def parse_steps(script: str) -> list[Step]:
    """The commands of ``script``: one per line (a line ending in a backslash goes on to the
    next, as in a shell); blank lines and ``#`` comments skipped. Every command is an ``aws``
    command; StepsNotWritten when there are none yet."""
    steps: list[Step] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(script.splitlines(), start=1):
        if not pending:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = number
        pending.append(line)
        if line.endswith("\\"):
            continue
        steps.append(Step("\n".join(pending).strip(), start))
        pending = []
    if pending:
        steps.append(Step("\n".join(pending).strip().rstrip("\\").rstrip(), start))
    if not steps or any(step.text == NBGRADER_STUB for step in steps):
        raise StepsNotWritten(
            "CLI_STEPS has no commands yet: write your AWS CLI commands in it, one per line, "
            "then run this cell again."
        )
    for step in steps:
        if step.text.split(maxsplit=1)[0] != "aws":
            raise CliStepFailed(
                f"line {step.line} of CLI_STEPS is not an AWS CLI command: {step.one_line!r}. "
                "Each line is one command starting with `aws` (a long one may go on over "
                "lines ending in a backslash)."
            )
    return steps


def aws_cli_folder() -> Path | None:
    """The folder of the project's ``aws``: beside this Python, else the first on PATH."""
    beside = Path(sys.executable).parent
    if (beside / "aws").is_file():
        return beside
    found = shutil.which("aws")
    return Path(found).parent if found else None


def command_environment(
    variables: dict[str, str], base: dict[str, str] | None = None
) -> dict[str, str]:
    """``base`` (this process's environment) with the lab's variables, and the project's
    ``aws`` first on PATH. AWS_PAGER is empty: CLI v2 would page long answers (v1 never does)."""
    environment = dict(os.environ if base is None else base)
    folder = aws_cli_folder()
    if folder is not None:
        environment["PATH"] = os.pathsep.join([str(folder), environment.get("PATH", "")])
    return {**environment, **variables, "AWS_PAGER": ""}


def lab_variables(
    resources: LabResources, runtime: str, region: str, account_id: str
) -> dict[str, str]:
    """The lab's names as the shell variables CLI steps use."""
    return {
        "ORIGINAL_BUCKET": resources.original_bucket,
        "RESIZED_BUCKET": resources.resized_bucket,
        "ROLE_ARN": resources.role_arn,
        "LAYER_ARN": resources.layer_arn,
        "RUNTIME": runtime,
        "REGION": region,
        "ACCOUNT_ID": account_id,
    }


def write_function_files(folder: Path, source: str) -> Path:
    """``lambda_function.py`` holding ``source`` and ``function.zip`` holding it, in
    ``folder``, for ``--zip-file fileb://function.zip``; the zip's path."""
    (folder / "lambda_function.py").write_text(textwrap.dedent(source).lstrip())
    package = folder / "function.zip"
    package.write_bytes(zip_source(source))
    return package


def export_lines(variables: dict[str, str]) -> str:
    """The lab's variables as ``export`` lines to paste into a terminal."""
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in variables.items())


def run_steps(
    script: str,
    variables: dict[str, str],
    cwd: Path | None = None,
    base: dict[str, str] | None = None,
    say: Callable[[str], None] = print,
) -> int:
    """Run each command of ``script`` in bash, echoing it (``$ ...``) and its output; the number
    of commands run. CliStepFailed at the first that fails (the ones after it do not run)."""
    steps = parse_steps(script)
    environment = command_environment(variables, base)
    if aws_cli_folder() is None:
        raise CliStepFailed(
            "the AWS CLI is not installed here: install the project (`make install`), or "
            "`pip install awscli`, and run this cell again."
        )
    shell = shutil.which("bash", path=environment.get("PATH")) or "/bin/sh"
    for step in steps:
        say(f"$ {step.text}")
        try:
            done = subprocess.run(
                [shell, "-c", step.text],
                cwd=cwd,
                env=environment,
                capture_output=True,
                text=True,
                timeout=STEP_DEADLINE_SECONDS,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as error:
            raise CliStepFailed(
                f"line {step.line}: `{step.one_line}` did not finish within "
                f"{STEP_DEADLINE_SECONDS} s."
            ) from error
        for output in (done.stdout, done.stderr):
            if output.strip():
                say(output.rstrip())
        if done.returncode != 0:
            raise CliStepFailed(failure_line(step, done.returncode, done.stderr or done.stdout))
    return len(steps)


def failure_line(step: Step, status: int, output: str) -> str:
    """One line: which command failed, the last thing it said (AWS's error), what to do."""
    said = [line.strip() for line in output.splitlines() if line.strip()]
    error = said[-1] if said else f"it exited with status {status}"
    text = f"line {step.line}: `{step.one_line}` failed: {error}"
    advice = next(
        (
            what
            for needle, command, what in ADVICE
            if needle in output and (not command or command in step.text)
        ),
        None,
    )
    return f"{text} Next: {advice}" if advice else text
