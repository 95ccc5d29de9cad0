"""Scheduled EventBridge rules fire: ``rate(...)`` on their period and ``cron(...)`` in
matching minutes (see ``cron``), with AWS's "Scheduled Event"; ``LOCALAWS_SCHEDULE_SCALE``
shortens rate periods for demos and tests. Rules are read through a ``RuleSource``.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timezone

from localaws.events.cron import cron_matches
from localaws.events.periodic import PeriodicTask
from localaws.events.ports import RuleSource, ScheduledRule, Transactions

POLL_SECONDS = 0.2
RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str | None) -> float | None:
    match = RATE.match((expression or "").strip())
    if match is None:
        return None
    return int(match[1]) * UNIT_SECONDS[match[2].rstrip("s")]


class Scheduler(PeriodicTask):
    """Fires ENABLED rules: rate(...) on their (scaled) period, cron(...) in matching minutes."""

    def __init__(self, transactions: Transactions, rules: RuleSource, scale: float = 1.0) -> None:
        super().__init__("scheduler", POLL_SECONDS)
        self.persistence = transactions
        self.rules = rules
        self.scale = scale
        self._next: dict[str, float] = {}
        self._fired_minute: dict[str, datetime] = {}

    def forget(self) -> None:
        """Drop what was noted about rules (a reset: same-named rules are new ones)."""
        self._next.clear()
        self._fired_minute.clear()

    def run_once(self) -> None:
        """Fire every rule that is due (a failure is logged; the next round runs anyway)."""
        now = time.monotonic()
        with self.persistence.reading():
            generation = self.persistence.generation
            rules = list(self.rules.scheduled_rules())
        minute = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        for rule in rules:
            if generation != self.persistence.generation:
                return  # a reset came meanwhile: these rules are gone
            if not rule.enabled:
                continue
            expression = rule.expression
            if expression.startswith("cron(") and cron_matches(expression, minute):
                if self._fired_minute.get(rule.arn) != minute:
                    self._fired_minute[rule.arn] = minute
                    self._fire(rule)
                continue
            period = rate_seconds(expression)
            if period is None:
                self._next.pop(rule.arn, None)
                continue
            due = self._next.setdefault(rule.arn, now + period * self.scale)
            if now >= due:
                self._next[rule.arn] = now + period * self.scale
                self._fire(rule)

    def _fire(self, rule: ScheduledRule) -> None:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.account,
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": rule.region,
            "resources": [rule.arn],
            "detail": {},
        }
        with self.persistence.writing():
            self.rules.fire(rule, event)
