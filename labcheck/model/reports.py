"""Lambda's REPORT log lines, read into ``ReportLine``s, and the error lines of failed runs."""

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


#: A failed run's line: the Python runtime's "[ERROR] Type: message" (a handler's exception or
#: an import that failed) or Lambda's own "... Task timed out after N seconds".
ERROR = re.compile(r"\[ERROR\] \S.*|Task timed out after [\d.]+ seconds")
#: How much of an error line is kept (a message can be long; its start says what failed).
ERROR_CHARS = 300
#: How many error lines a state keeps: the newest say what the learner last ran into.
KEPT_ERRORS = 5


def parse_error(message: str) -> str | None:
    """The first error line of a log event, shortened; None when it reports no failure."""
    match = ERROR.search(message)
    if match is None:
        return None
    return match.group(0).splitlines()[0].strip()[:ERROR_CHARS]


def error_lines(messages: list[str]) -> tuple[str, ...]:
    """The error lines among a log group's messages, the newest ``KEPT_ERRORS``."""
    found = [line for line in map(parse_error, messages) if line is not None]
    return tuple(found[-KEPT_ERRORS:])
