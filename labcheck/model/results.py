"""What a check returns, and the score of a task and of the whole lab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from labcheck.model.state import AccountState
from labcheck.spec import WAYS

#: How a hint introduces the step for each way, in the order an all-ways hint lists them.
WAY_LABELS = {"console": "In the console", "cli": "With the AWS CLI", "code": "In code"}


@dataclass(frozen=True)
class Hint:
    """What to do next: one instruction (``todo``) and how to do it in each way of doing the
    lab (a console path, an AWS CLI command, a boto3 call). A way left empty gets ``todo``
    alone; a hint made from a plain string says the same to every way."""

    todo: str = ""
    console: str = ""
    cli: str = ""
    code: str = ""

    def text(self, way: str | None = None) -> str:
        """The hint for a learner working ``way``; all ways, compactly, when None."""
        if way is not None and way not in WAYS:
            raise ValueError(f"way must be one of {', '.join(WAYS)}, not {way!r}")
        ways = [way] if way else list(WAY_LABELS)
        steps = [f"{WAY_LABELS[w]}: {self.how(w)}" for w in ways if self.how(w)]
        sentences = [self.todo, *(step if step.endswith(".") else f"{step}." for step in steps)]
        return " ".join(sentence for sentence in sentences if sentence)

    def how(self, way: str) -> str:
        return str(getattr(self, way))

    def by_way(self) -> dict[str, str]:
        """Each way's full hint (for JSON readers that choose for themselves)."""
        return {way: self.text(way) for way in WAY_LABELS}

    def __bool__(self) -> bool:
        return bool(self.todo or self.console or self.cli or self.code)


NO_HINT = Hint()


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    passed: bool
    points: int
    max_points: int
    message: str
    hint: Hint = NO_HINT
    warning: str = ""

    def to_json(self, way: str | None = None) -> dict[str, Any]:
        """As in the report: ``hint`` for ``way`` (all ways when None), and ``hints`` by way."""
        document = asdict(self)
        document["hint"] = self.hint.text(way) if self.hint else ""
        document["hints"] = self.hint.by_way() if self.hint else {}
        return document


@dataclass(frozen=True)
class Verdict:
    """A check function's answer: what was found, what to do, and any free warning."""

    passed: bool
    message: str
    hint: Hint = NO_HINT
    warning: str = ""


def passed(message: str, warning: str = "") -> Verdict:
    return Verdict(True, message, warning=warning)


def failed(message: str, hint: Hint | str) -> Verdict:
    """A failing verdict; a plain-string ``hint`` says the same to every way."""
    return Verdict(False, message, hint if isinstance(hint, Hint) else Hint(hint))


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
            hint=NO_HINT if verdict.passed else verdict.hint,
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

    def to_json(self, way: str | None = None) -> dict[str, Any]:
        return {
            "task": self.task,
            "score": self.score,
            "max_score": self.max_score,
            "checks": [check.to_json(way) for check in self.checks],
        }
