"""EventBridge rules invoke Lambda targets; the scheduler's rules come from here.

moto delivers rule matches to log groups, SQS, archives and other buses, but not to Lambda
functions, and never fires schedules. AWS invokes Lambda targets asynchronously with the event
(or the target's Input / InputTransformer result). Here matches go to localaws's asynchronous
queue; ``localaws.events.schedules`` fires scheduled rules through ``MotoRuleSource``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from moto.events.models import Rule, events_backends
from moto.events.utils import EventTemplateParser

from localaws.events.ports import ScheduledRule
from localaws.executor.tracing import SubmitArnEvent, request_chain

Submit = SubmitArnEvent
_original_send = Rule.send_to_targets
_submit: Submit | None = None


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


class MotoRuleSource:
    """The scheduler's ``RuleSource``: rules in moto's EventBridge backends."""

    def __init__(self) -> None:
        self._rules: dict[str, Any] = {}

    def scheduled_rules(self) -> Sequence[ScheduledRule]:
        found = []
        self._rules = {}  # only the rules that exist now (a deleted one is not fired)
        for _, _, backend in events_backends.iter_backends():
            for bus in list(backend.event_buses.values()):  # type: ignore[attr-defined]
                for rule in list(bus.rules.values()):
                    if not rule.scheduled_expression:
                        continue
                    self._rules[rule.arn] = rule
                    found.append(
                        ScheduledRule(
                            arn=rule.arn,
                            account=rule.account_id,
                            region=rule.region_name,
                            expression=rule.scheduled_expression,
                            enabled=rule.state == "ENABLED",
                        )
                    )
        return found

    def fire(self, rule: ScheduledRule, event: dict[str, Any]) -> None:
        found = self._rules.get(rule.arn)
        if found is not None:
            found.send_to_targets(event)


def install(submit: Submit) -> None:
    global _submit
    _submit = submit
    Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
