"""The memory-vs-duration curve of lab task 4, from the function's own REPORT lines.

Duration (the median of the warm runs per memory size, every run as a point, cold starts
marked and left out of the median) and cost per invocation (x86 and arm64 prices, from the
same runs' billed duration) are drawn against memory on scales that start at zero, with the
ideal curve where duration falls as 1/CPU (one thread: no gain past 1,769 MB, one vCPU).
"""

from __future__ import annotations

import html
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labcheck.errors import CannotGradeError
from labcheck.model.curve import SizeRuns, runs_by_size
from labcheck.model.state import ReportLine
from labcheck.spec import LAB_SIZES, MB_PER_VCPU, PRICE_PER_GB_SECOND, PRICE_PER_REQUEST


def cost_per_invocation(line: ReportLine, architecture: str = "x86_64") -> float:
    """Dollars for one invocation: billed GB-seconds (init included) plus the request."""
    gb_seconds = (line.memory_mb / 1024) * (line.billed_ms / 1000)
    return gb_seconds * PRICE_PER_GB_SECOND[architecture] + PRICE_PER_REQUEST


def _groups_for_a_curve(lines: Sequence[ReportLine], function_name: str) -> dict[int, SizeRuns]:
    """Clean runs by memory size; CannotGradeError (saying what to run) if under two sizes."""
    groups = runs_by_size(lines)
    if len(groups) < 2:
        missing = [size for size in LAB_SIZES if size not in groups]
        raise CannotGradeError(
            f"{function_name} has clean runs at {len(groups)} memory size(s); a curve needs two.",
            "Still to run: " + ", ".join(f"{size} MB" for size in missing) + ".",
        )
    return groups


def _median_cost(runs: SizeRuns, architecture: str = "x86_64") -> float:
    return statistics.median(cost_per_invocation(line, architecture) for line in runs.measured)


@dataclass(frozen=True)
class MemoryTableRow:
    memory_mb: int
    warm_runs: int
    cold_starts: int
    median_ms: float  # of the warm runs (of the cold starts when no run is warm)
    fastest_ms: float
    cost_millionths: float  # x86_64, median of the same runs
    cold_only: bool = False


@dataclass(frozen=True)
class SpeedUp:
    """From one memory size to the next: how much faster, and what it does to the cost."""

    smaller: MemoryTableRow
    larger: MemoryTableRow

    @property
    def times_faster(self) -> float:
        return self.smaller.median_ms / self.larger.median_ms

    @property
    def cost_ratio(self) -> float:
        return self.larger.cost_millionths / self.smaller.cost_millionths

    def sentence(self) -> str:
        change = (self.times_faster - 1) * 100
        speed = f"{change:.0f} % faster" if change >= 0 else f"{-change:.0f} % slower"
        cost = (self.cost_ratio - 1) * 100
        dearer = f"{cost:.0f} % dearer" if cost >= 0 else f"{-cost:.0f} % cheaper"
        return (
            f"{self.smaller.memory_mb:,} → {self.larger.memory_mb:,} MB: "
            f"{self.times_faster:.2f}x as fast ({speed}: median "
            f"{self.smaller.median_ms:,.0f} → {self.larger.median_ms:,.0f} ms), "
            f"cost per invocation {dearer}"
        )


@dataclass(frozen=True)
class MemoryTable:
    """The curve's numbers as a table, with the speed-up from each size to the next: HTML in
    Jupyter, aligned text elsewhere."""

    function_name: str
    rows: tuple[MemoryTableRow, ...]
    HEADINGS = ("memory (MB)", "warm runs", "cold starts", "median warm (ms)",
                "fastest warm (ms)", "cost (millionths of $, x86)")  # fmt: skip

    @property
    def speed_ups(self) -> tuple[SpeedUp, ...]:
        return tuple(SpeedUp(a, b) for a, b in itertools.pairwise(self.rows))

    def notes(self) -> list[str]:
        """The speed-ups, then what to rerun: sizes with no warm run yet."""
        lines = [speed_up.sentence() for speed_up in self.speed_ups]
        cold = [f"{row.memory_mb:,} MB" for row in self.rows if row.cold_only]
        if cold:
            those = "that size" if len(cold) == 1 else "those sizes"
            lines.append(
                f"Only cold starts so far at {', '.join(cold)}: a fresh environment runs slower. "
                f"Run {those} once or twice more for a warm median."
            )
        return lines

    def _cells(self, row: MemoryTableRow) -> tuple[str, ...]:
        return (f"{row.memory_mb:,}", str(row.warm_runs), str(row.cold_starts),
                f"{row.median_ms:.1f}", f"{row.fastest_ms:.1f}",
                f"{row.cost_millionths:.2f}")  # fmt: skip

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{heading}</th>" for heading in self.HEADINGS)
        body = "".join(
            "<tr>" + "".join(f"<td>{cell}</td>" for cell in self._cells(row)) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.function_name)}: what memory buys</caption>"
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes())
        return f"<table>{caption}<tr>{head}</tr>{body}</table><ul>{notes}</ul>"

    def __repr__(self) -> str:
        table = [self.HEADINGS, *(self._cells(row) for row in self.rows)]
        widths = [max(len(line[column]) for line in table) for column in range(len(self.HEADINGS))]
        text = [
            "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
            for line in table
        ]
        return "\n".join([*text, "", *self.notes()])


def memory_table(lines: Sequence[ReportLine], function_name: str = "resize_image") -> MemoryTable:
    """The numbers behind ``memory_curve``, per size; CannotGradeError if too few sizes."""
    groups = _groups_for_a_curve(lines, function_name)
    rows = tuple(
        MemoryTableRow(
            memory_mb=size,
            warm_runs=len(runs.warm),
            cold_starts=len(runs.cold),
            median_ms=runs.median_ms,
            fastest_ms=min(line.duration_ms for line in runs.measured),
            cost_millionths=_median_cost(runs) * 1e6,
            cold_only=runs.cold_only,
        )
        for size, runs in groups.items()
    )
    return MemoryTable(function_name, rows)


def memory_curve(
    lines: Sequence[ReportLine],
    function_name: str = "resize_image",
    highlight: tuple[int, str] | None = None,
) -> Any:
    """A matplotlib Figure of duration and cost against memory; CannotGradeError if too few.

    Both plots start at zero, so a bar twice as high is twice as much. ``highlight``
    (memory, label) marks one size on both plots, e.g. a recommendation.
    """
    groups = _groups_for_a_curve(lines, function_name)
    from labcheck.render.figures import new_figure

    figure = new_figure(figsize=(11, 4.8), layout="constrained")
    duration_axes, cost_axes = figure.subplots(1, 2)
    _draw_durations(duration_axes, groups)
    _draw_costs(cost_axes, groups)
    for axes in (duration_axes, cost_axes):
        if highlight:
            axes.axvline(highlight[0], color="green", alpha=0.5, label=highlight[1])
        axes.set_xticks(list(groups), [f"{size:,}" for size in groups])
        axes.set_xlabel("memory (MB)")
        axes.margins(x=0.1)  # room for the last point's label
        axes.set_ylim(0, axes.get_ylim()[1] * 1.08)
        axes.grid(alpha=0.3)
    duration_axes.legend(fontsize="small", loc="upper right")
    cost_axes.legend(fontsize="small", loc="lower right")
    figure.suptitle(f"{function_name}: what memory buys (medians of warm runs)")
    return figure


def _draw_durations(axes: Any, groups: dict[int, SizeRuns]) -> None:
    sizes = list(groups)
    medians = [groups[size].median_ms for size in sizes]
    axes.plot(sizes, medians, "o-", color="tab:blue", linewidth=2, label="median of warm runs")
    warm = [(line.memory_mb, line.duration_ms) for runs in groups.values() for line in runs.warm]
    cold = [(line.memory_mb, line.duration_ms) for runs in groups.values() for line in runs.cold]
    if warm:
        axes.scatter(*zip(*warm, strict=True), s=16, color="tab:blue", alpha=0.45,
                     label="each warm run")  # fmt: skip
    if cold:
        axes.scatter(*zip(*cold, strict=True), s=44, marker="x", color="tab:red",
                     label="cold start (not in the median)")  # fmt: skip
    share = min(sizes[0] / MB_PER_VCPU, 1.0)
    ideal = [medians[0] * share / min(size / MB_PER_VCPU, 1.0) for size in sizes]
    axes.plot(sizes, ideal, "--", color="grey", label="ideal: ∝ 1/CPU up to 1 vCPU (1,769 MB)")
    for size, median in zip(sizes, medians, strict=True):
        axes.annotate(f"{median:,.0f} ms", (size, median), textcoords="offset points",
                      xytext=(6, 6), fontsize="small", color="tab:blue")  # fmt: skip
    axes.set(title="Duration of one run (lower is faster)", ylabel="duration (ms)")


def _draw_costs(axes: Any, groups: dict[int, SizeRuns]) -> None:
    sizes = list(groups)
    for architecture, marker, colour in (("x86_64", "o-", "tab:blue"),
                                         ("arm64", "s--", "tab:orange")):  # fmt: skip
        costs = [_median_cost(groups[size], architecture) * 1e6 for size in sizes]
        axes.plot(sizes, costs, marker, color=colour, label=f"{architecture} price")
        if architecture == "x86_64":
            for size, cost in zip(sizes, costs, strict=True):
                axes.annotate(f"{cost:.1f}", (size, cost), textcoords="offset points",
                              xytext=(6, 6), fontsize="small", color=colour)  # fmt: skip
    axes.set(title="Cost of one run (requests + GB-seconds)",
             ylabel="cost (millionths of a dollar)")  # fmt: skip


def check_plot_path(out: Path) -> None:
    """CannotGradeError unless ``out`` names a PNG or SVG file."""
    if out.suffix.lower() not in (".png", ".svg"):
        raise CannotGradeError(f"cannot save a plot as {out.suffix or 'no extension'}.",
                               "Use a .png or .svg file name.")  # fmt: skip


def save_memory_curve(
    lines: Sequence[ReportLine],
    out: Path,
    function_name: str,
    highlight: tuple[int, str] | None = None,
) -> Path:
    """Draw and save as PNG or SVG (by the file's extension)."""
    check_plot_path(out)
    memory_curve(lines, function_name, highlight).savefig(out, dpi=120)
    return out
