"""The parity suite's comparer: what it normalises and how it names a difference."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.parity.compare import differences, normalise


def test_differences_name_the_key_path() -> None:
    expected = {"a": {"b": [1, {"c": "x"}]}, "gone": 1}
    actual = {"a": {"b": [1, {"c": "y"}]}, "extra": 2}
    assert differences(expected, actual) == [
        "$.a.b[1].c: expected 'x', got 'y'",
        "$.gone: missing (expected 1)",
        "$.extra: not sent by AWS (got 2)",
    ]
    assert differences([1, 2], [1]) == ["$: 1 items, AWS sent 2"]
    assert differences({"n": 1}, {"n": True}) == ["$.n: expected 1, got True"]


def test_normalise_replaces_what_changes_between_calls() -> None:
    request_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    answer = {
        "ResponseMetadata": {"HTTPStatusCode": 200, "RequestId": request_id, "HTTPHeaders": {}},
        "LastModified": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "CodeSha256": "abc",
        "line": f"REPORT RequestId: {request_id}\tDuration: 3.01 ms\tMax Memory Used: 39 MB\t",
        "other": "5d0a1f1e-0000-4000-8000-000000000000 at 2026-11-30T04:00:00.123Z",
    }
    assert normalise(answer, {"<request-id>": request_id}) == {
        "ResponseMetadata": {"HTTPStatusCode": 200},
        "LastModified": "<date>",
        "CodeSha256": "<sha256>",
        "line": "REPORT RequestId: <request-id>\tDuration: <duration> ms"
        "\tMax Memory Used: <memory> MB\t",
        "other": "<uuid> at <date>",
    }
