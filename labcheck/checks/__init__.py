"""The lab's checks, one module per task, in the order the course teaches them."""

from __future__ import annotations

from collections.abc import Sequence

from labcheck.checks import task1, task2, task3, task4
from labcheck.model.results import Check, TaskResult
from labcheck.model.state import AccountState

TASKS: dict[str, Sequence[Check]] = {
    "task1": task1.CHECKS,
    "task2": task2.CHECKS,
    "task3": task3.CHECKS,
    "task4": task4.CHECKS,
}


class UnknownTaskError(ValueError):
    """A task name that is not one of the lab's."""


def chosen_tasks(tasks: Sequence[str] = ()) -> list[str]:
    """``tasks`` (all when empty); UnknownTaskError for a name that is not one of the lab's."""
    chosen = list(tasks) or list(TASKS)
    unknown = [task for task in chosen if task not in TASKS]
    if unknown:
        raise UnknownTaskError(
            f"unknown task {', '.join(unknown)}; the lab's tasks are {', '.join(TASKS)}"
        )
    return chosen


def grade(state: AccountState, tasks: Sequence[str] = ()) -> list[TaskResult]:
    """Run the checks of ``tasks`` (all when empty) against one account state."""
    chosen = chosen_tasks(tasks)
    return [
        TaskResult(task, tuple(check.evaluate(state) for check in TASKS[task])) for task in chosen
    ]
