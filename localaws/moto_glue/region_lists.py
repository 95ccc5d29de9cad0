"""moto asks boto3 for a service's regions through a new ``Session()`` each time, and each
new session loads botocore's endpoint data again (~0.14 s). Importing moto's CloudFormation
does it three times (for EC2's region list), which put ~0.4 s on the first stack call of
every server. One shared session answers instead, and each answer is kept: the lists come
from the installed botocore's data files and never change while the server runs."""

from __future__ import annotations

import functools
import threading
from typing import Any

from boto3.session import Session

_lock = threading.Lock()


def install() -> None:
    original = Session.get_available_regions
    shared: list[Session] = []

    @functools.cache
    def regions(service: str, partition: str, non_regional: bool) -> tuple[str, ...]:
        with _lock:  # one botocore session, used by one thread at a time (once per key)
            if not shared:
                shared.append(Session())
            return tuple(original(shared[0], service, partition, non_regional))

    def get_available_regions(
        self: Any,
        service_name: str,
        partition_name: str = "aws",
        allow_non_regional: bool = False,
    ) -> list[str]:
        return list(regions(service_name, partition_name, allow_non_regional))

    Session.get_available_regions = get_available_regions
