"""S3 notifications reach Lambda asynchronously, with AWS's whole event record.

moto invokes the function synchronously inside the PutObject request (the upload waits for
the handler, and a handler writing to its own trigger bucket recurses on the stack), and its
record lacks userIdentity, requestParameters, responseElements and the object's sequencer.
On AWS, S3 queues an asynchronous invocation; here the event goes to localaws's asynchronous
queue, carrying the causal chain of the request that wrote the object, so a function that
writes to its own trigger bucket is stopped by recursive-loop detection.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from moto.s3 import notifications

from localaws.executor.tracing import SubmitArnEvent, request_chain

Submit = SubmitArnEvent
_submit: Submit | None = None


def complete_record(record: dict[str, Any], owner: str) -> dict[str, Any]:
    """Add the fields AWS includes and moto leaves out, and encode the key as AWS does."""
    record.setdefault("userIdentity", {"principalId": owner})
    record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
    record.setdefault(
        "responseElements",
        {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": uuid.uuid4().hex},
    )
    s3 = record.get("s3", {})
    s3.get("bucket", {}).setdefault("ownerIdentity", {"principalId": owner})
    stored = s3.get("object", {})
    stored.setdefault("sequencer", f"{time.time_ns():016X}"[:16])
    if "key" in stored:  # AWS form-encodes the key but keeps "/" (moto encodes it as %2F)
        stored["key"] = quote_plus(unquote_plus(stored["key"]), safe="/")
    return record


def _invoke_awslambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    if _submit is None:
        return
    for record in event_body.get("Records", []):
        complete_record(record, account_id)
    _submit(account_id, region_name, fn_arn, json.dumps(event_body).encode(), request_chain())


def install(submit: Submit) -> None:
    global _submit
    _submit = submit
    notifications._invoke_awslambda = _invoke_awslambda
