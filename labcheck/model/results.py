"""What a check returns, and the score of a task and of the whole lab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from labcheck.model.state import AccountState


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    passed: bool
    points: int
    max_points: int
    message: str
    hint: str = ""
    warning: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    """A check function's answer: what was found, what to do, and any free warning."""

    passed: bool
    message: str
    hint: str = ""
    warning: str = ""


def passed(message: str, warning: str = "") -> Verdict:
    return Verdict(True, message, warning=warning)


def failed(message: str, hint: str) -> Verdict:
    return Verdict(False, message, hint)


@dataclass(frozen=True)
class Check:
    """One gradable fact about the account: id, title, points, and a pure function."""

    id: str
    title: str
    max_points: int
    run: Callable[[AccountState], Verdict]

    def evaluate(self, state: AccountState) -> CheckResult:
        verdict = self.run(state)
        return CheckResult(
            id=self.id,
            title=self.title,
            passed=verdict.passed,
            points=self.max_points if verdict.passed else 0,
            max_points=self.max_points,
            message=verdict.message,
            hint="" if verdict.passed else verdict.hint,
            warning=verdict.warning,
        )


@dataclass(frozen=True)
class TaskResult:
    task: str
    checks: tuple[CheckResult, ...]

    @property
    def score(self) -> int:
        return sum(check.points for check in self.checks)

    @property
    def max_score(self) -> int:
        return sum(check.max_points for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "score": self.score,
            "max_score": self.max_score,
            "checks": [check.to_json() for check in self.checks],
        }
