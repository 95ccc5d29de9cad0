"""A request to a REST or HTTP API stage."""

from __future__ import annotations

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors.addresses import DoorAddress
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest


def serve_api(
    service: InvocationService, reading: object, address: DoorAddress, request: HttpRequest
) -> HttpAnswer:
    return HttpAnswer.json(404, {"message": "Not Found"})
