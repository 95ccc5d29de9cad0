"""Causal chains for recursive-loop detection, carried in the X-Ray trace header.

Lambda counts how often one chain of events has invoked functions, using the trace header
(``X-Amzn-Trace-Id``) that the runtime puts in ``_X_AMZN_TRACE_ID`` and boto3 sends with every
request a handler makes. localaws keeps the chain in ``Root`` and the count in ``Lineage``:
``Root=1-<time>-<chain>;Parent=<id>;Sampled=0;Lineage=<hash>:<count>``. A function with
active tracing samples its invocations (``Sampled=1``) and REPORT names the trace.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

_ROOT = re.compile(r"Root=1-[0-9a-f]{8}-(?P<chain>[0-9a-f]{24})")
_LINEAGE = re.compile(r"Lineage=[0-9a-f]+:(?P<count>\d+)")
_current = threading.local()


@dataclass(frozen=True)
class Chain:
    """One causal chain and how many invocations it has made so far."""

    id: str
    count: int

    @classmethod
    def new(cls) -> Chain:
        return cls(uuid.uuid4().hex[:24], 0)

    @classmethod
    def from_header(cls, header: str | None) -> Chain | None:
        root = _ROOT.search(header or "")
        if root is None:
            return None
        lineage = _LINEAGE.search(header or "")
        return cls(root["chain"], int(lineage["count"]) if lineage else 0)

    def next(self) -> Chain:
        return Chain(self.id, self.count + 1)

    def header(self) -> str:
        parent = uuid.uuid4().hex[:16]
        return (
            f"Root=1-{int(time.time()):08x}-{self.id};Parent={parent};Sampled=0;"
            f"Lineage={self.id[:8]}:{self.count}"
        )


def sampled(header: str) -> str:
    """The header with the sampling decision on (a function with active tracing samples)."""
    return header.replace("Sampled=0", "Sampled=1") if "Sampled=" in header else header


def xray_line(header: str) -> str:
    """What follows REPORT for a sampled invocation: its trace and the function's segment."""
    root = _ROOT.search(header)
    trace_id = root.group(0).removeprefix("Root=") if root else ""
    return f"XRAY TraceId: {trace_id}\tSegmentId: {uuid.uuid4().hex[:16]}\tSampled: true\t"


def set_request_trace(header: str | None) -> None:
    """Remember the trace header of the API request this thread is serving."""
    _current.header = header


def request_chain() -> Chain | None:
    """The chain of the request this thread serves (None: it did not come from a handler)."""
    return Chain.from_header(getattr(_current, "header", None))


#: Queues an asynchronous invocation for a function ARN: (account, region, arn, payload, chain).
SubmitArnEvent = Callable[[str, str, str, bytes, "Chain | None"], None]
