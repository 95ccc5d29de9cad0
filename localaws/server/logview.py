"""``localaws logs FUNCTION``: a function's CloudWatch Logs, oldest first, as Lambda wrote them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from localaws.config import DEFAULT_REGION
from localaws.errors import LocalAwsError
from localaws.server.client_env import client_environment


def logs_client(endpoint: str, state_dir: Path, region: str = DEFAULT_REGION) -> Any:
    """A CloudWatch Logs client signing as the owner of the localaws keeping ``state_dir``."""
    import boto3

    env = client_environment(state_dir, endpoint)
    return boto3.client(
        "logs",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def function_log_events(client: Any, function_name: str) -> Iterator[dict[str, Any]]:
    """Every event of ``/aws/lambda/FUNCTION``, in time order."""
    group = f"/aws/lambda/{function_name}"
    try:
        pages = client.get_paginator("filter_log_events").paginate(logGroupName=group)
        events = [event for page in pages for event in page["events"]]
    except client.exceptions.ResourceNotFoundException:
        raise LocalAwsError(
            f"there are no logs for {function_name!r} yet (no log group {group}).",
            "Invoke the function first, and check its name with 'aws lambda list-functions'.",
        ) from None
    yield from sorted(events, key=lambda event: (event["timestamp"], event.get("eventId", "")))
