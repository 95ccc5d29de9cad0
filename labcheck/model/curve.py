"""Task 4's runs per memory size: the median of the warm runs, cold starts kept apart.

A cold start's REPORT line has an Init Duration, and its handler often runs slower too (a
fresh process, nothing cached), so one cold start among a few runs would move the median.
The curve, the table and the checks therefore take the median of the warm runs; a size with
only cold starts falls back to them (and says so), rather than having no point at all. With a
single warm run the check also counts the cold starts' handler runs (``checked_ms``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from labcheck.model.state import ReportLine


@dataclass(frozen=True)
class SizeRuns:
    """The clean runs (no Status field) at one memory size."""

    memory_mb: int
    warm: tuple[ReportLine, ...]
    cold: tuple[ReportLine, ...]

    @property
    def measured(self) -> tuple[ReportLine, ...]:
        """The runs the median is taken from: the warm ones, or the cold ones if none is warm."""
        return self.warm or self.cold

    @property
    def cold_only(self) -> bool:
        return not self.warm

    @property
    def median_ms(self) -> float:
        return statistics.median(line.duration_ms for line in self.measured)

    @property
    def checked_ms(self) -> float:
        """What the curve check compares: the median of the warm runs, as the table shows it;
        with a single warm run (the autograder makes one a size), the faster of it and the
        cold starts' handler runs (their Init Duration is never counted). A busy machine can
        slow a run, never speed it up: one run slowed by the autograder's other work then
        does not decide the point."""
        if len(self.warm) != 1 or not self.cold:
            return self.median_ms
        return min(line.duration_ms for line in (*self.warm, *self.cold))


def runs_by_size(lines: Sequence[ReportLine]) -> dict[int, SizeRuns]:
    """Clean runs grouped by memory size, smallest first; runs with a Status are left out."""
    warm: dict[int, list[ReportLine]] = {}
    cold: dict[int, list[ReportLine]] = {}
    for line in lines:
        if line.status is None:
            group = cold if line.init_ms is not None else warm
            group.setdefault(line.memory_mb, []).append(line)
    return {
        size: SizeRuns(size, tuple(warm.get(size, ())), tuple(cold.get(size, ())))
        for size in sorted({*warm, *cold})
    }
