"""What real AWS answered, written as expectations for localaws (see ``compare``).

Each entry names the recorded call it was written from: a test of LocalStack's parity suite
(``tests/aws/services/lambda_/<file>::<test>``, key ``<snapshot key>``), whose snapshots were
recorded against real AWS, or a page of the AWS documentation. Account, region and names are
ours; placeholders stand for what differs between calls.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Recorded(NamedTuple):
    source: str
    answer: Any


ARN = "arn:aws:lambda:us-east-1:123456789012:function:<fn>"
ROLE = "arn:aws:iam::123456789012:role/LambdaTestRole"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:<queue>"
LOG_GROUP = "/aws/lambda/<fn>"


def status(code: int) -> dict[str, Any]:
    return {"ResponseMetadata": {"HTTPStatusCode": code}}


def config(version: str = "$LATEST", **changes: Any) -> dict[str, Any]:
    """A python3.12 function's configuration as AWS answers CreateFunction."""
    base = {
        "Architectures": ["x86_64"],
        "CodeSha256": "<sha256>",
        "CodeSize": "<code-size>",
        "Description": "",
        "EphemeralStorage": {"Size": 512},
        "FunctionArn": ARN if version == "$LATEST" else f"{ARN}:{version}",
        "FunctionName": "<fn>",
        "Handler": "lambda_function.lambda_handler",
        "LastModified": "<date>",
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": LOG_GROUP},
        "MemorySize": 128,
        "PackageType": "Zip",
        "RevisionId": "<uuid>",
        "Role": ROLE,
        "Runtime": "python3.12",
        "RuntimeVersionConfig": {
            "RuntimeVersionArn": "arn:aws:lambda:us-east-1::runtime:<runtime-hash>"
        },
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "State": "Pending",
        "StateReason": "The function is being created.",
        "StateReasonCode": "Creating",
        "Timeout": 3,
        "TracingConfig": {"Mode": "PassThrough"},
        "Version": version,
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def not_found(message: str) -> dict[str, Any]:
    """AWS's 404 for Lambda: the code, the message, and ``Type: User`` beside them."""
    return {
        "Error": {"Code": "ResourceNotFoundException", "Message": message},
        "Message": message,
        "Type": "User",
        **status(404),
    }


def context(version: str, invoked: str) -> dict[str, Any]:
    return {
        "invoked_function_arn": invoked,
        "function_version": version,
        "function_name": "<fn>",
        "memory_limit_in_mb": "128",
        "aws_request_id": "<request-id>",
        "log_group_name": LOG_GROUP,
        "log_stream_name": "<log-stream>",
        "client_context": None,
    }


def report(init: bool = False, extra: str = "") -> str:
    line = (
        "REPORT RequestId: <request-id>\tDuration: <duration> ms\tBilled Duration: <duration> ms"
        "\tMemory Size: 128 MB\tMax Memory Used: <memory> MB\t"
    )
    return line + ("Init Duration: <duration> ms\t" if init else "") + extra


LAMBDA = "test_lambda.py"
API = "test_lambda_api.py"
DESTINATIONS = "test_lambda_destinations.py"
SQS = "event_source_mapping/test_lambda_integration_sqs.py"
