"""The reference steps the autograder replays for the tasks a notebook builds on.

labcheck never imports the answer key: the project registers it as an entry point
(``serverless_lab.reference_steps``, see pyproject.toml), so a grader installed without the
reference solution cannot replay earlier tasks, and says so.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, Protocol, cast

from labcheck.errors import CannotGradeError
from labcheck.provision.resources import Clients, LabResources

ENTRY_POINT_GROUP = "serverless_lab.reference_steps"


class ReferenceSteps(Protocol):
    """Task 1 and task 2 done by code, as the reference solution does them."""

    def task1(self, clients: Clients, lab: LabResources, *, runtime: str) -> Any: ...
    def task2(self, clients: Clients, lab: LabResources) -> Any: ...


def reference_steps() -> ReferenceSteps:
    """The registered reference steps (the project's own: ``solutions.lab_tasks``)."""
    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda point: point.name)
    if not found:
        raise CannotGradeError(
            "no reference steps are installed, so earlier tasks cannot be replayed.",
            "Install the whole project ('make install', or 'pip install .' from a clone).",
        )
    return cast(ReferenceSteps, found[0].load())
