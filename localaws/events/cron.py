"""EventBridge cron expressions: ``cron(minutes hours day-of-month month day-of-week year)``.

Fields take ``*``, ``?``, numbers, lists (``1,15``), ranges (``MON-FRI``) and steps (``0/15``),
in UTC. The special forms ``L``, ``W`` and ``#`` are not supported: such a rule never fires.
"""

from __future__ import annotations

import re
from datetime import datetime

CRON = re.compile(r"^cron\((?P<fields>[^)]*)\)$")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
NAMES = {
    3: {month: number for number, month in enumerate(MONTHS, 1)},
    4: {day: number for number, day in enumerate(DAYS, 1)},
}
RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199))


def _values(field: str, position: int) -> set[int] | None:
    """The values a field allows (None: any)."""
    if field in ("*", "?"):
        return None
    low, high = RANGES[position]
    allowed: set[int] = set()
    for part in field.split(","):
        base, _, step = part.partition("/")
        if base in ("*", ""):
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _number(first, position), _number(last, position)
        else:
            start = _number(base, position)
            end = high if step else start
        allowed.update(range(start, end + 1, int(step) if step else 1))
    return allowed


def _number(text: str, position: int) -> int:
    return NAMES.get(position, {}).get(text.upper()) or int(text)


def cron_matches(expression: str, moment: datetime) -> bool:
    """Whether a cron(...) schedule fires in the minute of ``moment`` (UTC)."""
    match = CRON.match(expression.strip())
    if match is None:
        return False
    fields = match["fields"].split()
    if len(fields) != 6 or any(mark in match["fields"] for mark in ("L", "W", "#")):
        return False
    weekday = moment.isoweekday() % 7 + 1  # AWS: SUN=1 ... SAT=7
    actual = (moment.minute, moment.hour, moment.day, moment.month, weekday, moment.year)
    try:
        return all(
            (allowed := _values(field, position)) is None or actual[position] in allowed
            for position, field in enumerate(fields)
        )
    except ValueError:
        return False
