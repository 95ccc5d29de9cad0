"""Doing the lab by code against localaws, as a learner would with boto3."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from tests.helpers import PROJECT_ROOT, eventually
from tests.lab_fixtures import allow_s3_to_invoke, create_role, trigger_on_uploads, zip_bytes
from tests.pillow_layer import noisy_jpeg, pillow_layer_zip, this_python_runtime

ORIGINAL = "lab-original"
RESIZED = "lab-resized"
IMAGE_KEY = "photos/big.jpg"


def client(endpoint: str, service: str) -> Any:
    config = Config(retries={"max_attempts": 1}, read_timeout=300)
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def do_tasks_1_to_3(endpoint: str, image: bytes | None = None) -> bytes:
    """Buckets, role and layer (the set-up), then the function, its trigger and an upload."""
    s3, lam = client(endpoint, "s3"), client(endpoint, "lambda")
    s3.create_bucket(Bucket=ORIGINAL)
    s3.create_bucket(Bucket=RESIZED)
    layer = lam.publish_layer_version(
        LayerName="PillowPythonLambdaLayer", Content={"ZipFile": pillow_layer_zip()}
    )["LayerVersionArn"]
    handler = (PROJECT_ROOT / "solutions/resize_image/lambda_function.py").read_text()
    function_arn = lam.create_function(
        FunctionName="resize_image",
        Runtime=this_python_runtime(),
        Role=create_role(client(endpoint, "iam"), "ResizeImageLambdaRole"),
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zip_bytes({"lambda_function.py": handler})},
        MemorySize=512,
        Timeout=120,
        Layers=[layer],
        Environment={"Variables": {"RESIZED_BUCKET": RESIZED}},
    )["FunctionArn"]
    allow_s3_to_invoke(lam, "resize_image", ORIGINAL)
    trigger_on_uploads(s3, ORIGINAL, function_arn)
    picture = image or noisy_jpeg()
    s3.put_object(Bucket=ORIGINAL, Key=IMAGE_KEY, Body=picture)
    wait_for_runs(endpoint, 1)  # S3 invokes the function asynchronously
    return picture


def do_task_4(endpoint: str, image: bytes) -> None:
    """Rerun at 1,024, 2,048 and 3,008 MB (each upload triggers a run)."""
    s3, lam = client(endpoint, "s3"), client(endpoint, "lambda")
    runs = len(report_lines(endpoint))
    for memory in (1024, 2048, 3008):
        lam.update_function_configuration(FunctionName="resize_image", MemorySize=memory)
        for _ in range(2):  # the second run is warm
            s3.put_object(Bucket=ORIGINAL, Key=IMAGE_KEY, Body=image)
            runs += 1
            wait_for_runs(endpoint, runs)


def report_lines(endpoint: str) -> list[str]:
    logs = client(endpoint, "logs")
    try:
        events = logs.filter_log_events(logGroupName="/aws/lambda/resize_image")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [event["message"] for event in events if event["message"].startswith("REPORT")]


def wait_for_runs(endpoint: str, count: int, deadline: float = 120) -> None:
    """Wait until resize_image's logs hold ``count`` REPORT lines."""
    if not eventually(lambda: len(report_lines(endpoint)) >= count, deadline):
        raise AssertionError(f"resize_image did not run {count} time(s) within {deadline} s")
