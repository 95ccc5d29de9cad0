"""EventBridge rules invoke Lambda targets, and schedule rules fire.

moto delivers rule matches to log groups, SQS, archives and other buses, but not to Lambda
functions, and never fires ``rate(...)`` schedules. AWS invokes Lambda targets asynchronously
with the event (or the target's Input / InputTransformer result) and fires scheduled rules
with a "Scheduled Event". Here matches go to localaws's asynchronous queue, and a small
scheduler fires rate(...) schedules (``LOCALAWS_SCHEDULE_SCALE`` shortens the period for
tests) and cron(...) schedules (see ``cron``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from moto.events.models import Rule, events_backends
from moto.events.utils import EventTemplateParser

from localaws.executor.tracing import SubmitArnEvent, request_chain
from localaws.extensions.cron import cron_matches
from localaws.state.persistence import Persistence

log = logging.getLogger("localaws.events")
Submit = SubmitArnEvent
RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_original_send = Rule.send_to_targets
_submit: Submit | None = None


def rate_seconds(expression: str | None) -> float | None:
    match = RATE.match((expression or "").strip())
    if match is None:
        return None
    return int(match[1]) * UNIT_SECONDS[match[2].rstrip("s")]


def delivered_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as AWS hands it to a target: ``time`` in ISO 8601, no ``ingestion-time``.

    moto keeps ``time`` as epoch seconds and adds ``ingestion-time`` internally; it converts
    ``time`` itself only for its own SQS and log-group targets.
    """
    shaped = {key: value for key, value in event.items() if key != "ingestion-time"}
    if isinstance(shaped.get("time"), (int, float)):
        moment = datetime.fromtimestamp(float(shaped["time"]), timezone.utc)
        shaped["time"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return shaped


def _target_payload(target: dict[str, Any], event: Any) -> bytes:
    event = delivered_event(event)
    if "Input" in target:
        return str(target["Input"]).encode()
    transformer = target.get("InputTransformer")
    if transformer:
        result = EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=event,
        )
        return (result if isinstance(result, str) else json.dumps(result)).encode()
    return json.dumps(event).encode()


def _is_lambda(target: dict[str, Any]) -> bool:
    return str(target["Arn"]).split(":")[2] == "lambda"


def _send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
    """moto's delivery for its targets (it refuses Lambda ones), then Lambda's, queued.

    A schedule rule receives only its own scheduled events (moto matches it to every event).
    """
    scheduled = original_event.get("detail-type") == "Scheduled Event"
    if self.scheduled_expression and not self.event_pattern._pattern and not scheduled:
        return
    everything = self.targets
    self.targets = [target for target in everything if not _is_lambda(target)]
    try:
        _original_send(self, original_event, transform_input)
    finally:
        self.targets = everything
    if _submit is None or not self.event_pattern.matches_event(original_event):
        return
    for target in filter(_is_lambda, everything):
        arn = str(target["Arn"])
        account, region = arn.split(":")[4], arn.split(":")[3]
        _submit(account, region, arn, _target_payload(target, original_event), request_chain())


class Scheduler:
    """Fires ENABLED rules: rate(...) on their (scaled) period, cron(...) in matching minutes."""

    def __init__(self, persistence: Persistence, scale: float = 1.0) -> None:
        self.persistence = persistence
        self.scale = scale
        self._next: dict[str, float] = {}
        self._fired_minute: dict[str, datetime] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def forget(self) -> None:
        """Drop what was noted about rules (a reset: same-named rules are new ones)."""
        self._next.clear()
        self._fired_minute.clear()

    def stop(self) -> None:
        self._stop.set()

    def join(self, deadline: float) -> None:
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            try:
                self._fire_due()
            except Exception:  # a bad rule must not stop every schedule
                log.exception("the scheduler failed")

    def _fire_due(self) -> None:
        now = time.monotonic()
        with self.persistence.reading():
            generation = self.persistence.generation
            rules = [
                rule
                for _, _, backend in events_backends.iter_backends()
                for bus in list(backend.event_buses.values())  # type: ignore[attr-defined]
                for rule in list(bus.rules.values())
            ]
        minute = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        for rule in rules:
            if generation != self.persistence.generation:
                return  # a reset came meanwhile: these rules are gone
            if rule.state != "ENABLED":
                continue
            expression = rule.scheduled_expression or ""
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

    def _fire(self, rule: Any) -> None:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.account_id,
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": rule.region_name,
            "resources": [rule.arn],
            "detail": {},
        }
        with self.persistence.writing():
            rule.send_to_targets(event)


def install(submit: Submit) -> None:
    global _submit
    _submit = submit
    Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
