"""Compare a localaws answer with an answer recorded on real AWS, key by key.

The expectations in this folder are written from AWS's recorded answers with placeholders for
what differs from one call to the next: ``<uuid>``, ``<date>``, ``<sha256>``, ``<code-size>``,
``<duration>``, ``<memory>``, ``<log-stream>``, ``<trace-id>``, ``<segment-id>``, ... plus the
names a test passes in (``{"<request-id>": request_id}``). ``normalise`` turns an actual answer
into the same vocabulary; ``differences`` lists every key path where the two disagree, so a
failing test names the key that changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

#: Keys whose values change at every call: compared by presence only.
VOLATILE_KEYS = {
    "CodeSha256": "<sha256>",
    "CodeSize": "<code-size>",
    "LastModified": "<date>",
    "MessageId": "<uuid>",
    "ReceiptHandle": "<receipt-handle>",
    "receiptHandle": "<receipt-handle>",
    "MD5OfBody": "<md5>",
    "md5OfBody": "<md5>",
    "MD5OfMessageAttributes": "<md5>",
    "log_stream_name": "<log-stream>",
    "SentTimestamp": "<timestamp>",
    "ApproximateFirstReceiveTimestamp": "<timestamp>",
    "SenderId": "<sender-id>",
    "AWSTraceHeader": "<trace-header>",
    "timestamp": "<date>",
    "ingestionTime": "<timestamp>",
    "CreationTime": "<date>",
}
_PATTERNS = [
    (re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}"), "<trace-id>"),
    (re.compile(r"SegmentId: [0-9a-f]{16}"), "SegmentId: <segment-id>"),
    (
        re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I),
        "<uuid>",
    ),
    (re.compile(r"\d{4}/\d\d/\d\d/\[[^\]]+\][0-9a-f]{32}"), "<log-stream>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"), "<date>"),
    (re.compile(r"(Duration|Billed Duration|Init Duration): [\d.]+ ms"), r"\1: <duration> ms"),
    (re.compile(r"Max Memory Used: \d+ MB"), "Max Memory Used: <memory> MB"),
    (re.compile(r"(Runtime Version: python:3\.\d+)\.v\d+"), r"\1.v<n>"),
    # The runtime's own frames: their line numbers depend on the Python release.
    (re.compile(r'(File "<frozen [^>]+>", line )\d+'), r"\1<n>"),
    (
        re.compile(r'File "/var/lang/lib/python3\.\d+/([^"]+)", line \d+'),
        r'File "/var/lang/lib/python3.X/\1", line <n>',
    ),
    (re.compile(r"(::runtime:)[0-9a-f]{64}"), r"\1<runtime-hash>"),
]


def normalise(value: Any, names: Mapping[str, str] | None = None, key: str | None = None) -> Any:
    """``value`` with what changes between calls replaced by placeholders.

    ``names`` maps a placeholder to the value a test knows (a request id, a function name);
    every occurrence of the value becomes the placeholder, so the expectation can say *which*
    id belongs where. boto3's ``ResponseMetadata`` keeps only ``HTTPStatusCode``.
    """
    names = names or {}
    if key in VOLATILE_KEYS and value is not None:
        return VOLATILE_KEYS[key]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if k == "ResponseMetadata":
                out[k] = {"HTTPStatusCode": v.get("HTTPStatusCode")}
            else:
                out[k] = normalise(v, names, k)
        return out
    if isinstance(value, list | tuple):
        return [normalise(item, names) for item in value]
    if isinstance(value, datetime | date):
        return "<date>"
    if isinstance(value, str):
        for placeholder, known in sorted(names.items(), key=lambda item: -len(item[1])):
            if known:
                value = value.replace(known, placeholder)
        for pattern, replacement in _PATTERNS:
            value = pattern.sub(replacement, value)
    return value


def differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Every key path where ``actual`` differs from ``expected`` (empty when they match)."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        found = []
        for key in expected:
            if key not in actual:
                found.append(f"{path}.{key}: missing (expected {expected[key]!r})")
            else:
                found += differences(expected[key], actual[key], f"{path}.{key}")
        found += [
            f"{path}.{key}: not sent by AWS (got {actual[key]!r})"
            for key in actual
            if key not in expected
        ]
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
            found += differences(want, got, f"{path}[{index}]")
        if len(expected) != len(actual):
            found.append(f"{path}: {len(actual)} items, AWS sent {len(expected)}")
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def assert_parity(
    recorded: str, expected: Any, actual: Any, names: Mapping[str, str] | None = None
) -> None:
    """Fail with every differing key path when ``actual`` does not match the recorded answer."""
    found = differences(expected, normalise(actual, names))
    assert not found, f"differs from AWS ({recorded}):\n  " + "\n  ".join(found)
