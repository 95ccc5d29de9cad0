from __future__ import annotations

from datetime import datetime

import pytest

from localaws.events.cron import cron_matches

MONDAY_0915 = datetime(2026, 11, 23, 9, 15)


@pytest.mark.parametrize(
    "expression, fires",
    [
        ("cron(* * * * ? *)", True),
        ("cron(15 9 * * ? *)", True),
        ("cron(16 9 * * ? *)", False),
        ("cron(0/15 * * * ? *)", True),
        ("cron(0/20 * * * ? *)", False),
        ("cron(15 9 ? * MON-FRI *)", True),
        ("cron(15 9 ? * SAT,SUN *)", False),
        ("cron(15 9 23 NOV ? 2026)", True),
        ("cron(15 9 L * ? *)", False),
        ("rate(1 minute)", False),
        ("cron(15 9 * *)", False),
    ],
)
def test_cron_expressions(expression: str, fires: bool) -> None:
    assert cron_matches(expression, MONDAY_0915) is fires
