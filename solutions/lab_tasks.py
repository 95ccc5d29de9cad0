"""The lab's four tasks done by code with boto3, one function per task, on AWS or localaws.

Run after ``labcheck setup`` (it makes the buckets, the role and the layer)::

    python -m solutions.lab_tasks task1          # create resize_image (or update it)
    python -m solutions.lab_tasks task2          # S3 trigger and the permission it needs
    python -m solutions.lab_tasks task3          # upload the image, wait for the half-size copy
    python -m solutions.lab_tasks task4          # rerun at 1,024, 2,048 and 3,008 MB
    python -m solutions.lab_tasks task4 --memory 512,1769 --runs 3
    python -m solutions.lab_tasks all --handler solutions/resize_image_fast/lambda_function.py

The endpoint comes from $AWS_ENDPOINT_URL (localaws) or ``--endpoint-url``; without either,
the tasks run on real AWS with your usual credentials.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from labcheck.collect import endpoint_url as resolve_endpoint
from labcheck.provision.resources import Clients, LabResources, LabTaskError, find_resources
from labcheck.spec import FUNCTION_NAME, IMAGE_KEY, TUNED_SIZES

HERE = Path(__file__).resolve().parent
REFERENCE_HANDLER = HERE / "resize_image" / "lambda_function.py"
LAB_IMAGE = HERE.parent / "assets" / "lab-image.jpg"


def zip_handler(handler: Path) -> bytes:
    """A deployment package holding ``handler`` as lambda_function.py."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", handler.read_text())
    return buffer.getvalue()


def task1(
    clients: Clients,
    lab: LabResources,
    handler: Path = REFERENCE_HANDLER,
    runtime: str = "python3.12",
) -> str:
    """Create resize_image (512 MB, the role, the layer, RESIZED_BUCKET); update it if it
    exists. Returns the function's ARN once it is active."""
    lam = clients("lambda")
    settings: dict[str, Any] = {
        "FunctionName": FUNCTION_NAME,
        "Runtime": runtime,
        "Role": lab.role_arn,
        "Handler": "lambda_function.lambda_handler",
        "MemorySize": 512,
        "Timeout": 120,
        "Layers": [lab.layer_arn],
        "Environment": {"Variables": {"RESIZED_BUCKET": lab.resized_bucket}},
    }
    code = zip_handler(handler)
    try:
        arn = lam.create_function(**settings, Code={"ZipFile": code})["FunctionArn"]
    except lam.exceptions.ResourceConflictException:
        arn = lam.update_function_code(FunctionName=FUNCTION_NAME, ZipFile=code)["FunctionArn"]
        _wait_until_updated(lam)
        lam.update_function_configuration(**settings)
    lam.get_waiter("function_active_v2").wait(FunctionName=FUNCTION_NAME, WaiterConfig=_POLL)
    _wait_until_updated(lam)
    return str(arn)


def task2(clients: Clients, lab: LabResources) -> None:
    """Let S3 invoke resize_image for the original bucket, then send it every object created."""
    lam = clients("lambda")
    with contextlib.suppress(lam.exceptions.ResourceConflictException):  # already allowed
        lam.add_permission(
            FunctionName=FUNCTION_NAME,
            StatementId="s3-trigger",
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn=f"arn:aws:s3:::{lab.original_bucket}",
        )
    arn = lam.get_function_configuration(FunctionName=FUNCTION_NAME)["FunctionArn"]
    clients("s3").put_bucket_notification_configuration(
        Bucket=lab.original_bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )


def task3(
    clients: Clients, lab: LabResources, image: bytes, key: str = IMAGE_KEY, deadline: float = 120
) -> bytes:
    """Upload ``image``; wait for the function to write its half-size copy (returned)."""
    s3 = clients("s3")
    s3.delete_object(Bucket=lab.resized_bucket, Key=key)  # so a stale copy does not count
    s3.put_object(Bucket=lab.original_bucket, Key=key, Body=image)
    give_up = time.monotonic() + deadline
    while True:
        try:
            return bytes(s3.get_object(Bucket=lab.resized_bucket, Key=key)["Body"].read())
        except s3.exceptions.NoSuchKey:
            if time.monotonic() > give_up:
                raise LabTaskError(
                    f"no resized copy of {key} in {lab.resized_bucket} after {deadline:.0f} s; "
                    f"see the logs ('localaws logs {FUNCTION_NAME}' or CloudWatch)."
                ) from None
            time.sleep(0.5)


def s3_put_event(bucket: str, key: str) -> dict[str, Any]:
    """The parts of an S3 ObjectCreated:Put record the handlers read (the console's test event)."""
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": bucket}, "object": {"key": key}},
            }
        ]
    }


def task4(
    clients: Clients,
    lab: LabResources,
    sizes: Sequence[int] = TUNED_SIZES,
    runs: int = 2,
    key: str = IMAGE_KEY,
) -> None:
    """Rerun at each memory size ``runs`` times (the first after a change is a cold start),
    invoking with an S3 test event for the uploaded image and waiting for each run."""
    import json

    lam = clients("lambda")
    payload = json.dumps(s3_put_event(lab.original_bucket, key))
    for memory in sizes:
        set_memory(lam, memory)
        for _ in range(runs):
            response = lam.invoke(FunctionName=FUNCTION_NAME, Payload=payload)
            if response.get("FunctionError"):
                detail = response["Payload"].read().decode("utf-8", "replace")[:300]
                raise LabTaskError(f"{FUNCTION_NAME} failed at {memory} MB: {detail}")


def set_memory(lam: Any, memory: int) -> None:
    lam.update_function_configuration(FunctionName=FUNCTION_NAME, MemorySize=memory)
    _wait_until_updated(lam)


_POLL = {"Delay": 0.2, "MaxAttempts": 600}  # localaws is ready in ms, AWS in about 1 s


def _wait_until_updated(lam: Any) -> None:
    lam.get_waiter("function_updated_v2").wait(FunctionName=FUNCTION_NAME, WaiterConfig=_POLL)


def clients_for(endpoint_url: str | None, region: str | None) -> Clients:
    import boto3
    from botocore.config import Config

    session = boto3.Session(region_name=region)
    endpoint = resolve_endpoint(endpoint_url)
    config = Config(read_timeout=300, retries={"mode": "standard", "max_attempts": 3})
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


def run_tasks(tasks: Sequence[str], clients: Clients, args: argparse.Namespace) -> None:
    lab = find_resources(clients)
    for task in tasks:
        if task == "task1":
            print(f"task1: ready: {task1(clients, lab, args.handler, args.runtime)}")
        elif task == "task2":
            task2(clients, lab)
            print(f"task2: every object created in {lab.original_bucket} invokes {FUNCTION_NAME}")
        elif task == "task3":
            copy = task3(clients, lab, args.image.read_bytes())
            print(f"task3: {lab.resized_bucket}/{IMAGE_KEY} ({len(copy) / 1e6:.1f} MB)")
        elif task == "task4":
            task4(clients, lab, args.memory, args.runs)
            sizes = ", ".join(f"{size} MB" for size in args.memory)
            print(f"task4: ran {args.runs} time(s) at each of {sizes}")


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of MB: {text!r}") from None
    if not all(128 <= size <= 10_240 for size in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be 128-10240 MB: {text!r}")
    return sizes


TASKS = ("task1", "task2", "task3", "task4")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m solutions.lab_tasks", description="Do the lab's tasks by code."
    )
    parser.add_argument("tasks", nargs="+", choices=(*TASKS, "all"), metavar="TASK",
                        help="task1, task2, task3, task4 or all")  # fmt: skip
    parser.add_argument("--handler", type=Path, default=REFERENCE_HANDLER,
                        help="the handler's source (default: the reference solution)")  # fmt: skip
    parser.add_argument("--runtime", default="python3.12", help="task1's runtime (python3.12)")
    parser.add_argument("--image", type=Path, default=LAB_IMAGE, help="task3's image")
    parser.add_argument("--memory", type=_sizes, default=TUNED_SIZES,
                        help="task4's sizes in MB (default 1024,2048,3008)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=2, help="task4's runs per size (2)")
    parser.add_argument("--endpoint-url", help="AWS endpoint (default: $AWS_ENDPOINT_URL)")
    parser.add_argument("--region", help="AWS region (default: the AWS configuration)")
    args = parser.parse_args(argv)
    tasks = TASKS if "all" in args.tasks else args.tasks
    try:
        if not args.handler.is_file():
            raise LabTaskError(f"no such handler file: {args.handler}")
        if "task3" in tasks and not args.image.is_file():
            raise LabTaskError(f"no such image: {args.image} ('labcheck setup' draws it)")
        run_tasks(tasks, clients_for(args.endpoint_url, args.region), args)
    except (LabTaskError, BotoCoreError, ClientError) as error:
        print(f"lab_tasks: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
