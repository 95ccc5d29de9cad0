"""Choosing a memory size from the measured curve, as AWS Lambda Power Tuning does.

- ``cost``: the cheapest average cost per invocation (the faster of equals).
- ``speed``: the shortest average duration (the cheaper of equals).
- ``balanced``: the smallest ``weight * cost / max_cost + (1 - weight) * duration /
  max_duration``, both normalised by their largest value among the sizes; ``weight`` runs from
  0 (same as speed) to 1 (same as cost), 0.5 by default.

Sizes where every run failed are never chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

STRATEGIES = ("cost", "speed", "balanced")
DEFAULT_WEIGHT = 0.5


@dataclass(frozen=True)
class Point:
    """One memory size's averages (duration in ms, cost in dollars per invocation)."""

    memory_mb: int
    duration_ms: float
    cost: float


def balanced_score(point: Point, points: Sequence[Point], weight: float) -> float:
    """The balanced strategy's value for ``point`` (lower is better)."""
    max_cost = max(p.cost for p in points)
    max_duration = max(p.duration_ms for p in points)
    return weight * point.cost / max_cost + (1 - weight) * point.duration_ms / max_duration


def recommend(points: Sequence[Point], strategy: str, weight: float = DEFAULT_WEIGHT) -> Point:
    """The size ``strategy`` picks; ValueError for no points, an unknown strategy or weight."""
    if not points:
        raise ValueError("no memory size has a successful run to choose from")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"the balanced weight must be between 0 and 1, not {weight}")
    if strategy == "cost":
        return min(points, key=lambda p: (p.cost, p.duration_ms, p.memory_mb))
    if strategy == "speed":
        return min(points, key=lambda p: (p.duration_ms, p.cost, p.memory_mb))
    if strategy == "balanced":
        return min(points, key=lambda p: (balanced_score(p, points, weight), p.memory_mb))
    raise ValueError(f"unknown strategy {strategy!r} (choose {', '.join(STRATEGIES)})")
