"""Live demos in the course notebooks: create functions and queues, run them, clean up.

``Sandbox`` remembers everything it creates and ``cleanup()`` deletes it, so a notebook can
be run again from the top and leaves an account as it found it. Names carry a prefix
(``demo-`` by default) and buckets the account id, as bucket names are global on AWS.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from labcheck.model.reports import parse_report
from labcheck.model.state import ReportLine
from labcheck.notebook.account import Account

ROLE_NAME = "serverless-lab-demo-role"
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
#: A new IAM role takes a few seconds to be usable by Lambda on AWS.
ROLE_PROPAGATION_SECONDS = 30.0


#: Waiters poll every 0.2 s (botocore's default is 1 s): localaws gets a function ready in
#: milliseconds, AWS in about a second.
WAITER_POLL = {"Delay": 0.2, "MaxAttempts": 1500}


@dataclass(frozen=True)
class Invocation:
    """What one invoke returned: status, the parsed payload, the log tail and its REPORT."""

    status_code: int
    payload: Any
    function_error: str | None
    log: str
    report: ReportLine | None
    seconds: float
    #: The invocation's request id (the answer's ``x-amzn-RequestId``): the same id as the
    #: handler's ``context.aws_request_id``, its START/END/REPORT lines and destination records.
    request_id: str = ""

    def __repr__(self) -> str:
        outcome = f"error {self.function_error}" if self.function_error else "ok"
        return f"Invocation({self.status_code}, {outcome}, payload={self.payload!r})"


def zip_source(source: str, filename: str = "lambda_function.py") -> bytes:
    """A deployment package holding one Python file (the source is dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, textwrap.dedent(source).lstrip())
    return buffer.getvalue()


def this_python_runtime() -> str:
    """The Lambda runtime matching this kernel's Python (localaws runs it on this machine)."""
    return f"python3.{sys.version_info.minor}"


#: Python runtimes Lambda supports today, none of them deprecated (AWS's "Lambda runtimes"
#: page: python3.10 was deprecated on 2026-10-31).
CURRENT_PYTHON_RUNTIMES = ("python3.11", "python3.12", "python3.13", "python3.14")


def demo_runtime(minor: int | None = None) -> str:
    """The runtime of the demos' functions: the kernel's Python when Lambda supports it today,
    else the closest runtime that it does (the newer on a tie). Demo code needs only the
    standard library and boto3, which every Python runtime has."""
    minor = sys.version_info.minor if minor is None else minor
    supported = [int(runtime.rsplit(".", 1)[1]) for runtime in CURRENT_PYTHON_RUNTIMES]
    return f"python3.{min(supported, key=lambda m: (abs(m - minor), -m))}"


@dataclass
class Sandbox:
    """Resources created for the demos of one notebook, deleted by ``cleanup()``."""

    account: Account
    prefix: str = "demo"
    _undo: list[Callable[[], None]] = field(default_factory=list)
    #: Queue names end with it: SQS refuses a name deleted less than 60 s ago
    #: (QueueDeletedRecently), so a notebook run again at once needs new ones.
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    def name(self, short: str) -> str:
        return f"{self.prefix}-{short}"

    def client(self, service: str) -> Any:
        return self.account.client(service)

    # Lambda -----------------------------------------------------------------------------

    def role(self) -> str:
        """The demos' execution role (logs only), created on first use."""
        iam = self.client("iam")
        try:
            return str(iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"])
        except iam.exceptions.NoSuchEntityException:
            arn = iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=TRUST_POLICY)
            iam.attach_role_policy(RoleName=ROLE_NAME, PolicyArn=BASIC_EXECUTION)
            self._undo.append(lambda: _delete_role(iam, ROLE_NAME))
            return str(arn["Role"]["Arn"])

    def function(
        self,
        short_name: str,
        source: str,
        *,
        memory: int = 128,
        timeout: int = 10,
        environment: dict[str, str] | None = None,
        **settings: Any,
    ) -> str:
        """Create (or replace) a Python function from ``source``; returns its ARN."""
        lam = self.client("lambda")
        name = self.name(short_name)
        _ignore_missing(lambda: lam.delete_function(FunctionName=name))
        arguments = {
            "FunctionName": name,
            "Runtime": demo_runtime(),
            "Role": self.role(),
            "Handler": "lambda_function.lambda_handler",
            "Code": {"ZipFile": zip_source(source)},
            "MemorySize": memory,
            "Timeout": timeout,
            "Environment": {"Variables": environment or {}},
            **settings,
        }
        arn = str(_retry_while_role_propagates(lambda: lam.create_function(**arguments)))
        lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig=WAITER_POLL)
        self._undo.append(lambda: _ignore_missing(lambda: lam.delete_function(FunctionName=name)))
        self._undo.append(lambda: self._delete_log_group(name))
        return arn

    def layer(self, short_name: str, content: bytes) -> str:
        """Publish a layer version from a zip; returns its ARN (deleted at cleanup)."""
        lam = self.client("lambda")
        name = self.name(short_name)
        published = lam.publish_layer_version(
            LayerName=name, Content={"ZipFile": content}, CompatibleRuntimes=[this_python_runtime()]
        )
        version = published["Version"]
        self._undo.append(
            lambda: _ignore_missing(
                lambda: lam.delete_layer_version(LayerName=name, VersionNumber=version)
            )
        )
        return str(published["LayerVersionArn"])

    def configure(self, short_name: str, **settings: Any) -> None:
        """Change a function's configuration and wait until the change is live."""
        lam = self.client("lambda")
        name = self.name(short_name)
        lam.update_function_configuration(FunctionName=name, **settings)
        lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig=WAITER_POLL)

    def update_code(self, short_name: str, source: str) -> None:
        """Replace a function's code and wait until the update is live."""
        lam = self.client("lambda")
        name = self.name(short_name)
        lam.update_function_code(FunctionName=name, ZipFile=zip_source(source))
        lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig=WAITER_POLL)

    def invoke(
        self, short_name: str, payload: Any = None, invocation_type: str = "RequestResponse"
    ) -> Invocation:
        """Invoke a function and decode what came back (the log tail for synchronous calls)."""
        lam = self.client("lambda")
        extra = {"LogType": "Tail"} if invocation_type == "RequestResponse" else {}
        started = time.perf_counter()
        response = lam.invoke(
            FunctionName=self.name(short_name),
            InvocationType=invocation_type,
            Payload=json.dumps(payload if payload is not None else {}),
            **extra,
        )
        seconds = time.perf_counter() - started
        body = response["Payload"].read()
        log = base64.b64decode(response.get("LogResult", "")).decode("utf-8", "replace")
        return Invocation(
            status_code=response["StatusCode"],
            payload=json.loads(body) if body else None,
            function_error=response.get("FunctionError"),
            log=log,
            report=next(filter(None, map(parse_report, log.splitlines())), None),
            seconds=seconds,
            request_id=response["ResponseMetadata"].get("RequestId", ""),
        )

    def log_messages(self, short_name: str) -> list[str]:
        """Every log line the function has written so far (CloudWatch Logs)."""
        logs = self.client("logs")
        group = f"/aws/lambda/{self.name(short_name)}"
        try:
            pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
            return [event["message"].rstrip("\n") for page in pages for event in page["events"]]
        except logs.exceptions.ResourceNotFoundException:
            return []

    def reports(self, short_name: str) -> list[ReportLine]:
        """The function's REPORT lines, oldest first."""
        return [line for line in map(parse_report, self.log_messages(short_name)) if line]

    def wait_until(
        self, condition: Callable[[], Any], timeout: float = 60, what: str = "the result"
    ) -> Any:
        """Poll ``condition`` until it returns something truthy; TimeoutError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not arrive within {timeout:.0f} s")
            time.sleep(0.2)

    # Other services ---------------------------------------------------------------------

    def bucket(self, short_name: str) -> str:
        """An empty bucket (name made unique with the account id); returns its name."""
        s3 = self.client("s3")
        name = f"{self.name(short_name)}-{self.account.account_id}"
        if self.account.region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.account.region}
            )
        self._undo.append(lambda: _delete_bucket(s3, name))
        return name

    def queue(self, short_name: str, **attributes: str) -> str:
        """An SQS queue (FIFO when the name ends in ``.fifo``), named for this run; its URL."""
        sqs = self.client("sqs")
        stem, fifo = short_name.removesuffix(".fifo"), short_name.endswith(".fifo")
        if fifo:
            attributes = {"FifoQueue": "true", **attributes}
        name = self.name(f"{stem}-{self.run_id}{'.fifo' if fifo else ''}")
        url = str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
        self._undo.append(lambda: _ignore_missing(lambda: sqs.delete_queue(QueueUrl=url)))
        return url

    def topic(self, short_name: str) -> str:
        """An SNS topic; returns its ARN."""
        sns = self.client("sns")
        arn = str(sns.create_topic(Name=self.name(short_name))["TopicArn"])
        self._undo.append(lambda: sns.delete_topic(TopicArn=arn))
        return arn

    def on_cleanup(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` at clean-up (for resources a demo creates itself)."""
        self._undo.append(undo)

    def cleanup(self) -> None:
        """Delete everything this sandbox created, newest first."""
        while self._undo:
            self._undo.pop()()
        print(f"Cleaned up the demo resources ({self.prefix}-*).")

    def _delete_log_group(self, name: str) -> None:
        logs = self.client("logs")
        _ignore_missing(lambda: logs.delete_log_group(logGroupName=f"/aws/lambda/{name}"))


def _ignore_missing(call: Callable[[], Any]) -> None:
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as error:
        if "NotFound" not in error.response["Error"]["Code"] and "NonExistent" not in str(error):
            raise


def _retry_while_role_propagates(create: Callable[[], Any]) -> Any:
    from botocore.exceptions import ClientError

    deadline = time.monotonic() + ROLE_PROPAGATION_SECONDS
    while True:
        try:
            return create()["FunctionArn"]
        except ClientError as error:
            assumable = "cannot be assumed" not in str(error)
            if assumable or time.monotonic() > deadline:
                raise
            time.sleep(2)


def _delete_role(iam: Any, name: str) -> None:
    iam.detach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION)
    iam.delete_role(RoleName=name)


def _delete_bucket(s3: Any, name: str) -> None:
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=name)
    for page in pages:
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=name)
