"""Lambda's REPORT log lines, read into ``ReportLine``s."""

from __future__ import annotations

import re

from labcheck.model.state import ReportLine

REPORT = re.compile(
    r"REPORT RequestId: (?P<id>\S+)\tDuration: (?P<duration>[\d.]+) ms\t"
    r"Billed Duration: (?P<billed>\d+) ms\tMemory Size: (?P<memory>\d+) MB\t"
    r"Max Memory Used: (?P<used>\d+) MB\t(?:Init Duration: (?P<init>[\d.]+) ms\t)?"
    r"(?:Status: (?P<status>\w+))?"
)


def parse_report(message: str) -> ReportLine | None:
    match = REPORT.search(message)
    if match is None:
        return None
    return ReportLine(
        request_id=match["id"],
        duration_ms=float(match["duration"]),
        billed_ms=int(match["billed"]),
        memory_mb=int(match["memory"]),
        max_memory_mb=int(match["used"]),
        init_ms=float(match["init"]) if match["init"] else None,
        status=match["status"],
    )
