"""Doing the lab by code against localaws with the solution scripts (solutions/lab_tasks.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from solutions.lab_tasks import REFERENCE_HANDLER, LabResources, task1, task2, task3, task4
from tests.helpers import aws_client, eventually
from tests.lab_fixtures import create_role
from tests.pillow_layer import noisy_jpeg, pillow_layer_zip, this_python_runtime

ORIGINAL = "lab-original"
RESIZED = "lab-resized"
IMAGE_KEY = "photos/big.jpg"


def client(endpoint: str, service: str) -> Any:
    return aws_client(endpoint, service, retries={"max_attempts": 1}, read_timeout=300)


def do_tasks_1_to_3(
    endpoint: str, image: bytes | None = None, handler: Path = REFERENCE_HANDLER
) -> bytes:
    """Buckets, role and layer (what set-up makes), then tasks 1 to 3 with ``handler``."""
    lab, clients = make_starting_resources(endpoint), lab_clients(endpoint)
    task1(clients, lab, handler, this_python_runtime())
    task2(clients, lab)
    picture = image or noisy_jpeg()
    task3(clients, lab, picture, key=IMAGE_KEY)  # S3 invokes the function asynchronously
    wait_for_runs(endpoint, 1)
    return picture


def make_starting_resources(endpoint: str) -> LabResources:
    """What set-up makes: the two buckets, the execution role and the Pillow layer."""
    s3, lam = client(endpoint, "s3"), client(endpoint, "lambda")
    s3.create_bucket(Bucket=ORIGINAL)
    s3.create_bucket(Bucket=RESIZED)
    lam.publish_layer_version(
        LayerName="PillowPythonLambdaLayer", Content={"ZipFile": pillow_layer_zip()}
    )
    create_role(client(endpoint, "iam"), "ResizeImageLambdaRole")
    return lab_resources(endpoint)


def do_task_4(endpoint: str) -> None:
    """Rerun at 1,024, 2,048 and 3,008 MB, twice each (the second run is warm)."""
    task4(lab_clients(endpoint), lab_resources(endpoint), key=IMAGE_KEY)


def lab_resources(endpoint: str) -> LabResources:
    """The lab's buckets, role and newest layer as made above (there is no stack here)."""
    lam = client(endpoint, "lambda")
    layers = lam.list_layer_versions(LayerName="PillowPythonLambdaLayer")["LayerVersions"]
    role = client(endpoint, "iam").get_role(RoleName="ResizeImageLambdaRole")["Role"]["Arn"]
    newest = max(layers, key=lambda layer: layer["Version"])["LayerVersionArn"]
    return LabResources(ORIGINAL, RESIZED, role, newest)


def lab_clients(endpoint: str) -> Callable[[str], Any]:
    return lambda service: client(endpoint, service)


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
