"""AWS managed policies a serverless course attaches (AWSLambdaBasicExecutionRole and kin).

AWS accounts have every AWS managed policy. moto has none unless told to load all 1,582 of
them (4.7 MB of JSON per IAM backend, which would then be in every saved IAM state). localaws
loads the few that Lambda, S3, SQS, SNS, Step Functions, logging and CDK's bootstrap roles
use, so attaching them (by hand or through CloudFormation's ManagedPolicyArns) works as on
AWS.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend

COURSE_POLICIES = (
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaExecute",
    "AWSLambdaRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AmazonEventBridgeFullAccess",
    "AWSStepFunctionsFullAccess",
    "CloudWatchLogsFullAccess",
    "AWSXrayWriteOnlyAccess",
    # `cdk bootstrap` attaches these: ReadOnlyAccess to its lookup role,
    # AWSCloudFormationReadOnlyAccess to its deploy role, AdministratorAccess
    # to its CloudFormation execution role (the default execution policy).
    "ReadOnlyAccess",
    "AWSCloudFormationReadOnlyAccess",
    "AdministratorAccess",
)


@lru_cache(maxsize=1)
def _course_policy_data() -> dict[str, Any]:
    everything = json.loads(aws_managed_policies_data)
    return {name: everything[name] for name in COURSE_POLICIES if name in everything}


def _init_course_policies(self: Any) -> list[Any]:
    return [
        AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
        for name, data in _course_policy_data().items()
    ]


def backfill_restored() -> None:
    """Give IAM backends restored from an older snapshot the policies they lack."""
    from moto.iam.models import iam_backends

    backends: list[Any] = [backend for _, _, backend in iam_backends.iter_backends()]
    for backend in backends:
        for policy in _init_course_policies(backend):
            if policy.arn not in backend.managed_policies:
                backend.aws_managed_policies.append(policy)
                backend.managed_policies[policy.arn] = policy


def install() -> None:
    IAMBackend._init_aws_policies = _init_course_policies  # type: ignore[method-assign]
