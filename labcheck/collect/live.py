"""Collect the lab's AccountState from a live account (AWS or localaws) with read calls only."""

from __future__ import annotations

import functools
import io
import json
import urllib.request
import zipfile
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from labcheck.collect import endpoint_url as resolve_endpoint
from labcheck.collect.readonly import read_only_client
from labcheck.errors import describe_aws_error
from labcheck.model.reports import error_lines, parse_report
from labcheck.model.state import (
    FUNCTION_NAME,
    STACK_NAME,
    AccountState,
    BucketState,
    FunctionState,
    ImageObject,
    ReportLine,
)

MAX_IMAGES_PER_BUCKET = 10
#: AWS's "standard" retry mode: throttled calls back off and retry instead of failing the grade.
RETRIES = Config(retries={"mode": "standard", "max_attempts": 5})
HEADER_BYTES = 256 * 1024
MAX_SOURCE_BYTES = 200_000


def image_size(data: bytes) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(image.width), int(image.height)
    except (UnidentifiedImageError, OSError, ValueError):
        return None


class LiveCollector:
    """Reads one account through ``session`` (endpoint None: real AWS)."""

    def __init__(self, session: Any, endpoint_url: str | None = None) -> None:
        self.session = session
        self.endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        """A read-only client for ``service``, made once per collector."""
        if service not in self._clients:
            settings: dict[str, Any] = {"config": RETRIES}
            if self.endpoint_url:
                settings["endpoint_url"] = self.endpoint_url
            self._clients[service] = read_only_client(self.session, service, **settings)
        return self._clients[service]

    def collect(self) -> AccountState:
        try:
            return self._collect()
        except (BotoCoreError, ClientError) as error:
            raise describe_aws_error(error) from error

    def _collect(self) -> AccountState:
        identity = self.client("sts").get_caller_identity()
        outputs = self._stack_outputs()
        names = self._bucket_names(outputs)
        function = self._function()
        messages = self._log_messages(FUNCTION_NAME)
        original = self._bucket(names[0]) if names[0] else None
        resized = self._bucket(names[1], keys=_image_keys(original)) if names[1] else None
        return AccountState(
            account=identity["Account"],
            region=self.session.region_name or "us-east-1",
            backend="local" if self.endpoint_url else "aws",
            function=function,
            original=original,
            resized=resized,
            reports=tuple(line for line in map(parse_report, messages) if line is not None),
            stack_outputs=outputs,
            errors=error_lines(messages),
        )

    def _stack_outputs(self) -> dict[str, str]:
        try:
            stacks = self.client("cloudformation").describe_stacks(StackName=STACK_NAME)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ValidationError":
                return {}
            raise
        outputs = stacks["Stacks"][0].get("Outputs", [])
        return {output["OutputKey"]: output["OutputValue"] for output in outputs}

    def _bucket_names(self, outputs: dict[str, str]) -> tuple[str | None, str | None]:
        original = outputs.get("OriginalBucketName")
        resized = outputs.get("ResizedBucketName")
        if original and resized:
            return original, resized
        names = [bucket["Name"] for bucket in self.client("s3").list_buckets()["Buckets"]]
        original = original or next((name for name in names if "original" in name), None)
        resized = resized or next((name for name in names if "resized" in name), None)
        return original, resized

    def _bucket(self, name: str, keys: list[str] | None = None) -> BucketState:
        s3 = self.client("s3")
        notifications = s3.get_bucket_notification_configuration(Bucket=name)
        listing = s3.list_objects_v2(Bucket=name, MaxKeys=1000).get("Contents", [])
        wanted = keys if keys is not None else [item["Key"] for item in listing]
        objects = []
        for item in listing:
            width = height = None
            if item["Key"] in wanted[:MAX_IMAGES_PER_BUCKET]:
                size = self._image_size(name, item["Key"])
                width, height = size if size else (None, None)
            objects.append(ImageObject(item["Key"], int(item["Size"]), width, height))
        return BucketState(
            name=name,
            lambda_notifications=tuple(
                {"LambdaFunctionArn": c["LambdaFunctionArn"], "Events": list(c["Events"])}
                for c in notifications.get("LambdaFunctionConfigurations", [])
            ),
            objects=tuple(objects),
        )

    def _image_size(self, bucket: str, key: str) -> tuple[int, int] | None:
        s3 = self.client("s3")
        head = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{HEADER_BYTES - 1}")
        size = image_size(head["Body"].read())
        if size is None and head.get("ContentRange"):
            size = image_size(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        return size

    def _function(self) -> FunctionState | None:
        lam = self.client("lambda")
        try:
            function = lam.get_function(FunctionName=FUNCTION_NAME)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return None
            raise
        config = function["Configuration"]
        try:
            policy = json.loads(lam.get_policy(FunctionName=FUNCTION_NAME)["Policy"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            policy = {}
        return FunctionState(
            name=config["FunctionName"],
            runtime=config.get("Runtime", ""),
            role_arn=config.get("Role", ""),
            handler=config.get("Handler", ""),
            memory_mb=int(config.get("MemorySize", 128)),
            timeout_seconds=int(config.get("Timeout", 3)),
            layer_arns=tuple(layer["Arn"] for layer in config.get("Layers", [])),
            variables=dict(config.get("Environment", {}).get("Variables", {})),
            code_files=_python_sources(function.get("Code", {}).get("Location")),
            policy_statements=tuple(policy.get("Statement", [])),
        )

    def reports(self, function_name: str) -> tuple[ReportLine, ...]:
        """The REPORT lines in the function's log group, oldest first."""
        try:
            return self._reports(function_name)
        except (BotoCoreError, ClientError) as error:
            raise describe_aws_error(error) from error

    def _reports(self, function_name: str) -> tuple[ReportLine, ...]:
        messages = self._log_messages(function_name)
        return tuple(line for line in map(parse_report, messages) if line is not None)

    def _log_messages(self, function_name: str) -> list[str]:
        return log_messages(self.client("logs"), function_name)


def log_messages(logs: Any, function_name: str) -> list[str]:
    """Every message in the function's log group, oldest first (none without a group), read
    with the CloudWatch Logs client ``logs``."""
    group = f"/aws/lambda/{function_name}"
    try:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
        return [event["message"] for page in pages for event in page["events"]]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return []
        raise


def live_collector(endpoint_url: str | None = None, region: str | None = None) -> LiveCollector:
    """A collector for the account the standard AWS chain finds, at the endpoint given, or at
    $AWS_ENDPOINT_URL (localaws), or on real AWS."""
    import os

    endpoint = resolve_endpoint(endpoint_url)
    # Keyed by where and as whom it reads, so a later connect() elsewhere gets its own.
    return _collector(
        endpoint,
        region,
        os.environ.get("AWS_DEFAULT_REGION"),
        os.environ.get("AWS_PROFILE"),
        os.environ.get("AWS_ACCESS_KEY_ID"),
    )


@functools.lru_cache(maxsize=8)
def _collector(
    endpoint_url: str | None, region: str | None, *identity: str | None
) -> LiveCollector:
    """One per account and region: a notebook's repeated checks reuse its session and clients
    (making them again cost more than the reads themselves); ``identity`` (default region,
    profile, access key) only keys the cache. Without a region it shares
    boto3's default session, whose loaded service models the notebook's own clients use too;
    the read-only guard is registered on each client, never on the session."""
    import boto3

    if region is not None:
        return LiveCollector(boto3.Session(region_name=region), endpoint_url)
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    return LiveCollector(boto3.DEFAULT_SESSION, endpoint_url)


def _image_keys(bucket: BucketState | None) -> list[str]:
    if bucket is None:
        return []
    return [item.key for item in bucket.objects if item.width]


def _python_sources(location: str | None) -> dict[str, str]:
    """The .py files of the deployment package (downloaded from its presigned URL)."""
    if not location:
        return {}
    with urllib.request.urlopen(location, timeout=30) as response:
        package = response.read()
    sources = {}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".py") and info.file_size <= MAX_SOURCE_BYTES:
                sources[info.filename] = archive.read(info).decode("utf-8", "replace")
    return sources
