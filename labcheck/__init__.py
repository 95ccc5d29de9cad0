"""labcheck: the Serverless Lab grader (account state -> checks -> report).

In a notebook: ``aws = labcheck.connect()`` says which account the demos use;
``labcheck.Sandbox(aws)`` creates demo resources and cleans them up;
``labcheck.grade("task2")`` shows a table; ``labcheck.assert_passed("task2")`` fails a graded
cell with the hints.
"""

from __future__ import annotations

from typing import Any

from labcheck.connect import Account, connect
from labcheck.sandbox import Invocation, Sandbox

__all__ = ["Account", "Invocation", "Sandbox", "assert_passed", "connect", "grade"]
__version__ = "0.1.0"


def grade(*tasks: str, endpoint_url: str | None = None) -> Any:
    from labcheck.notebook import grade as notebook_grade

    return notebook_grade(*tasks, endpoint_url=endpoint_url)


def assert_passed(*tasks: str, endpoint_url: str | None = None) -> None:
    from labcheck.notebook import assert_passed as notebook_assert

    notebook_assert(*tasks, endpoint_url=endpoint_url)


def plot_memory_curve(function: str = "resize_image", endpoint_url: str | None = None) -> Any:
    """Duration and cost against memory from the function's REPORT lines (a Figure)."""
    from labcheck.collect_live import live_collector
    from labcheck.plot import memory_curve

    return memory_curve(live_collector(endpoint_url).reports(function), function)
