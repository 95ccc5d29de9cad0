"""Step Functions Task states call localaws back, so a Lambda task really runs the function.

moto runs state machines with its ASL interpreter once ``POST /moto-api/config`` sets
``{"stepfunctions": {"execute_state_machine": true}}``. A Task state then calls its service
(Lambda, SQS, SNS, ...) through a boto3 client aimed at ``http://localhost:$MOTO_PORT``
(5000 unless set), where localaws is not listening, so every task failed with "Could not
connect to the endpoint URL". Here those clients are aimed at localaws's own endpoint.
On AWS the config call does not exist: executions always run their states.

The interpreter also names an execution started without a name ``None``, so a second one
failed with ExecutionAlreadyExists; as on AWS, it now gets a UUID.
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from moto.core.models import botocore_stubber
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
from moto.stepfunctions.parser.asl.utils import boto_client
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

_original_boto_client_for = boto_client.boto_client_for
_original_start_execution = StepFunctionsParserBackend.start_execution
_endpoint = ""
_credentials: dict[str, str] = {}


def boto_client_for(region: str, service: str, state_credentials: Any = None) -> BaseClient:
    """A client for a Task state's service, on localaws (moto's own settings otherwise)."""
    if botocore_stubber.enabled or not _endpoint:  # in-process moto: its own interception
        return _original_boto_client_for(region, service, state_credentials)
    return boto3.client(
        service_name=service,
        region_name=region,
        endpoint_url=_endpoint,
        aws_access_key_id=_credentials.get("AWS_ACCESS_KEY_ID", "ak"),
        aws_secret_access_key=_credentials.get("AWS_SECRET_ACCESS_KEY", "sk"),
        aws_session_token=_credentials.get("AWS_SESSION_TOKEN"),
        config=Config(
            parameter_validation=False,
            retries={"max_attempts": 0, "total_max_attempts": 1},
            connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
            read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
        ),
    )


def _start_execution(
    self: Any, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any
) -> Any:
    return _original_start_execution(
        self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs
    )


def install(endpoint: str, credentials: dict[str, str] | None = None) -> None:
    """Aim Task states at ``endpoint``, signing with ``credentials`` (keys localaws accepts),
    including in interpreter modules already imported."""
    global _endpoint, _credentials
    _endpoint, _credentials = endpoint, dict(credentials or {})
    boto_client.boto_client_for = boto_client_for
    StepFunctionsParserBackend.start_execution = _start_execution  # type: ignore[method-assign]
    for module in list(sys.modules.values()):
        if getattr(module, "boto_client_for", None) is _original_boto_client_for:
            module.boto_client_for = boto_client_for  # type: ignore[attr-defined]
