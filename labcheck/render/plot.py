"""The memory-vs-duration curve of lab task 4, from the function's own REPORT lines.

Duration (median per memory size, the spread, every run as a point, cold starts marked) and
cost per invocation (x86 and arm64 prices, billed duration including a cold start's init) are
drawn against memory, with the ideal curve where duration falls as 1/CPU (one thread: no gain
past 1,769 MB, one vCPU).
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labcheck.errors import CannotGradeError
from labcheck.model.state import ReportLine
from labcheck.spec import LAB_SIZES, MB_PER_VCPU, PRICE_PER_GB_SECOND, PRICE_PER_REQUEST


def cost_per_invocation(line: ReportLine, architecture: str = "x86_64") -> float:
    """Dollars for one invocation: billed GB-seconds (init included) plus the request."""
    gb_seconds = (line.memory_mb / 1024) * (line.billed_ms / 1000)
    return gb_seconds * PRICE_PER_GB_SECOND[architecture] + PRICE_PER_REQUEST


def _by_size(lines: Sequence[ReportLine]) -> dict[int, list[ReportLine]]:
    groups: dict[int, list[ReportLine]] = {}
    for line in lines:
        if line.status is None:
            groups.setdefault(line.memory_mb, []).append(line)
    return dict(sorted(groups.items()))


def _groups_for_a_curve(
    lines: Sequence[ReportLine], function_name: str
) -> dict[int, list[ReportLine]]:
    """Clean runs by memory size; CannotGradeError (saying what to run) if under two sizes."""
    groups = _by_size(lines)
    if len(groups) < 2:
        missing = [size for size in LAB_SIZES if size not in groups]
        raise CannotGradeError(
            f"{function_name} has clean runs at {len(groups)} memory size(s); a curve needs two.",
            "Still to run: " + ", ".join(f"{size} MB" for size in missing) + ".",
        )
    return groups


@dataclass(frozen=True)
class MemoryTableRow:
    memory_mb: int
    runs: int
    cold_starts: int
    median_ms: float
    fastest_ms: float
    cost_millionths: float  # x86_64, median billed duration


@dataclass(frozen=True)
class MemoryTable:
    """The curve's numbers as a table: HTML in Jupyter, aligned text elsewhere."""

    function_name: str
    rows: tuple[MemoryTableRow, ...]
    HEADINGS = ("memory (MB)", "clean runs", "cold starts", "median (ms)", "fastest (ms)",
                "cost (millionths of $, x86)")  # fmt: skip

    def _cells(self, row: MemoryTableRow) -> tuple[str, ...]:
        return (f"{row.memory_mb:,}", str(row.runs), str(row.cold_starts),
                f"{row.median_ms:.1f}", f"{row.fastest_ms:.1f}",
                f"{row.cost_millionths:.2f}")  # fmt: skip

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{heading}</th>" for heading in self.HEADINGS)
        body = "".join(
            "<tr>" + "".join(f"<td>{cell}</td>" for cell in self._cells(row)) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.function_name)}: what memory buys</caption>"
        return f"<table>{caption}<tr>{head}</tr>{body}</table>"

    def __repr__(self) -> str:
        table = [self.HEADINGS, *(self._cells(row) for row in self.rows)]
        widths = [max(len(line[column]) for line in table) for column in range(len(self.HEADINGS))]
        return "\n".join(
            "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
            for line in table
        )


def memory_table(lines: Sequence[ReportLine], function_name: str = "resize_image") -> MemoryTable:
    """The numbers behind ``memory_curve``, per size; CannotGradeError if too few sizes."""
    groups = _groups_for_a_curve(lines, function_name)
    rows = tuple(
        MemoryTableRow(
            memory_mb=size,
            runs=len(runs),
            cold_starts=sum(1 for line in runs if line.init_ms is not None),
            median_ms=statistics.median(line.duration_ms for line in runs),
            fastest_ms=min(line.duration_ms for line in runs),
            cost_millionths=statistics.median(cost_per_invocation(line) for line in runs) * 1e6,
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

    ``highlight`` (memory, label) marks one size on both plots, e.g. a recommendation.
    """
    groups = _groups_for_a_curve(lines, function_name)
    from labcheck.render.figures import new_figure

    sizes = list(groups)
    figure = new_figure(figsize=(10, 4.5), layout="constrained")
    duration_axes, cost_axes = figure.subplots(1, 2)
    medians = [statistics.median(line.duration_ms for line in groups[size]) for size in sizes]
    low = [
        m - min(line.duration_ms for line in groups[s]) for m, s in zip(medians, sizes, strict=True)
    ]
    high = [
        max(line.duration_ms for line in groups[s]) - m for m, s in zip(medians, sizes, strict=True)
    ]
    duration_axes.errorbar(sizes, medians, yerr=[low, high], fmt="o-", capsize=4,
                           label="median (bars: fastest to slowest)")  # fmt: skip
    warm = [
        (line.memory_mb, line.duration_ms)
        for line in lines
        if line.status is None and line.init_ms is None
    ]
    cold = [
        (line.memory_mb, line.duration_ms)
        for line in lines
        if line.status is None and line.init_ms is not None
    ]
    if warm:
        duration_axes.scatter(*zip(*warm, strict=True), s=14, alpha=0.5, label="warm runs")
    if cold:
        duration_axes.scatter(*zip(*cold, strict=True), s=40, marker="x", label="cold starts")
    reference = sizes[0]
    share = min(reference / MB_PER_VCPU, 1.0)
    ideal = [medians[0] * share / min(size / MB_PER_VCPU, 1.0) for size in sizes]
    duration_axes.plot(
        sizes, ideal, "--", color="grey", label="ideal: duration ∝ 1/CPU (one thread)"
    )
    duration_axes.set(title="Duration against memory", xlabel="memory (MB)", ylabel="duration (ms)")
    duration_axes.legend(fontsize="small")
    for architecture, marker in (("x86_64", "o-"), ("arm64", "s-")):
        costs = [
            statistics.median(cost_per_invocation(line, architecture) for line in groups[size])
            * 1e6
            for size in sizes
        ]
        cost_axes.plot(sizes, costs, marker, label=architecture)
    cost_axes.set(
        title="Cost per invocation", xlabel="memory (MB)", ylabel="cost (millionths of a dollar)"
    )
    cost_axes.legend(fontsize="small")
    for axes in (duration_axes, cost_axes):
        if highlight:
            axes.axvline(highlight[0], color="green", alpha=0.5, label=highlight[1])
            axes.legend(fontsize="small")
        axes.set_xticks(sizes)
        axes.grid(alpha=0.3)
    figure.suptitle(f"{function_name}: what memory buys")
    return figure


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
