"""One localaws for the whole parity suite, and the small functions its scenarios run."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import ServerProcess, aws_client, eventually
from tests.lab_fixtures import create_role, wait_until_ready, zip_bytes

#: Asynchronous retries and pollers at test speed (retry waits 0.6 s and 1.2 s).
FAST = {"LOCALAWS_ASYNC_RETRY_SCALE": "0.01", "LOCALAWS_SCHEDULE_SCALE": "0.02"}

#: Returns the event and the context as the recorded tests' echo function does.
ECHO = """\
import logging
logging.getLogger().setLevel(logging.INFO)

def lambda_handler(event, context):
    print('Lambda log message - print function')
    logging.info('Lambda log message - logging module')
    return {'event': event, 'context': {
        'invoked_function_arn': context.invoked_function_arn,
        'function_version': context.function_version,
        'function_name': context.function_name,
        'memory_limit_in_mb': context.memory_limit_in_mb,
        'aws_request_id': context.aws_request_id,
        'log_group_name': context.log_group_name,
        'log_stream_name': context.log_stream_name,
        'client_context': context.client_context}}
"""


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("parity"), env=FAST).start()
    yield process
    process.stop()


class Account:
    """boto3 clients on the parity server and helpers to set scenarios up."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.lam = aws_client(endpoint, "lambda")
        self.sqs = aws_client(endpoint, "sqs")
        self.logs = aws_client(endpoint, "logs")
        self.role = create_role(aws_client(endpoint, "iam"))

    def create(self, source: str = ECHO, **settings: Any) -> tuple[str, dict[str, Any]]:
        """A new function running ``source`` (128 MB, 3 s): its name and CreateFunction's answer."""
        name = f"parity-{uuid.uuid4().hex[:10]}"
        answer = self.lam.create_function(
            FunctionName=name,
            Role=self.role,
            Handler="lambda_function.lambda_handler",
            Code={"ZipFile": zip_bytes({"lambda_function.py": source})},
            **{"Runtime": "python3.12", "MemorySize": 128, "Timeout": 3, **settings},
        )
        wait_until_ready(self.lam, name)  # as the recorded tests do before they use it
        return name, answer

    def queue(self) -> tuple[str, str]:
        """A new queue's URL and ARN."""
        url = self.sqs.create_queue(QueueName=f"parity-{uuid.uuid4().hex[:10]}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        """Invoke's answer with the payload read (JSON when it is JSON)."""
        answer = dict(self.lam.invoke(**kwargs))
        raw = answer["Payload"].read()
        try:
            answer["Payload"] = json.loads(raw) if raw else raw.decode()
        except ValueError:
            answer["Payload"] = raw.decode()
        return answer

    def tail(self, answer: dict[str, Any]) -> str:
        return base64.b64decode(answer["LogResult"]).decode()

    def messages(self, url: str, count: int = 1, deadline: float = 60) -> list[dict[str, Any]]:
        """``count`` messages from the queue (bodies read as JSON), waiting up to ``deadline``."""
        found: list[dict[str, Any]] = []

        def enough() -> bool:
            received = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                AttributeNames=["All"], WaitTimeSeconds=1,
            )  # fmt: skip
            for message in received.get("Messages", []):
                message["Body"] = json.loads(message["Body"])
                found.append(message)
            return len(found) >= count

        assert eventually(enough, deadline), f"{len(found)} of {count} messages arrived"
        return found

    def log_events(self, name: str, until: str, count: int = 1) -> list[dict[str, Any]]:
        """The function's log events once ``count`` of them contain ``until``."""
        found: list[dict[str, Any]] = []

        def enough() -> bool:
            try:
                events = self.logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")
            except self.logs.exceptions.ResourceNotFoundException:
                return False
            found[:] = events["events"]
            return sum(until in event["message"] for event in found) >= count

        assert eventually(enough, 60), [event["message"] for event in found]
        return found


@pytest.fixture(scope="package")
def account(server: ServerProcess) -> Account:
    return Account(server.endpoint)


def error_answer(error: Any) -> dict[str, Any]:
    """A botocore ClientError's parsed answer, as boto3 hands it to a caller."""
    return dict(error.response)
