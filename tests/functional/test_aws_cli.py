"""The AWS CLI, unchanged, finds localaws through AWS_ENDPOINT_URL."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labcheck.checks.task3 import LOGS_COMMAND
from tests.helpers import ServerProcess, aws_client
from tests.lab_fixtures import TRUST_POLICY, handler_zip

pytestmark = pytest.mark.server

AWS_CLI = Path(sys.executable).parent / "aws"


def aws(server: ServerProcess, *args: str) -> str:
    result = subprocess.run(
        [str(AWS_CLI), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **server.client_env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_s3_make_bucket_copy_and_list(server: ServerProcess, tmp_path: Path) -> None:
    image = tmp_path / "photo.jpg"
    image.write_bytes(os.urandom(300_000))
    aws(server, "s3", "mb", "s3://cli-original")
    aws(server, "s3", "cp", str(image), "s3://cli-original/uploads/photo.jpg")
    listing = aws(server, "s3", "ls", "s3://cli-original/uploads/")
    assert "photo.jpg" in listing
    assert "300000" in listing
    downloaded = tmp_path / "back.jpg"
    aws(server, "s3", "cp", "s3://cli-original/uploads/photo.jpg", str(downloaded))
    assert downloaded.read_bytes() == image.read_bytes()


def test_lambda_create_and_get_function(server: ServerProcess, tmp_path: Path) -> None:
    package = tmp_path / "function.zip"
    package.write_bytes(handler_zip())
    role = json.loads(
        aws(
            server,
            "iam",
            "create-role",
            "--role-name",
            "CliRole",
            "--assume-role-policy-document",
            TRUST_POLICY,
        )
    )["Role"]["Arn"]
    created = json.loads(
        aws(
            server,
            "lambda",
            "create-function",
            "--function-name",
            "cli_function",
            "--runtime",
            "python3.12",
            "--role",
            role,
            "--handler",
            "lambda_function.lambda_handler",
            "--memory-size",
            "512",
            "--zip-file",
            f"fileb://{package}",
        )
    )
    assert created["FunctionName"] == "cli_function"
    assert created["MemorySize"] == 512
    fetched = json.loads(aws(server, "lambda", "get-function", "--function-name", "cli_function"))
    assert fetched["Configuration"]["Handler"] == "lambda_function.lambda_handler"
    assert fetched["Code"]["Location"].startswith(server.endpoint)


def test_the_task3_hint_reads_the_log_with_the_installed_cli(server: ServerProcess) -> None:
    logs = aws_client(server.endpoint, "logs")
    group = "/aws/lambda/resize_image"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "resized photo.jpg"}],
    )
    program, *args = shlex.split(LOGS_COMMAND)
    assert program == "aws"
    assert "resized photo.jpg" in aws(server, *args)
