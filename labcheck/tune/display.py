"""What ``labcheck tune`` shows: a progress bar while it runs, then a table of the results."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from labcheck.tune.measure import Run, SizeResult


@contextlib.contextmanager
def progress_bar(console: Console, total: int) -> Iterator[Callable[[int, Run], None]]:
    """A bar over every timed run; yields the callback that advances it."""
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("tuning", total=total)

        def advance(memory: int, run: Run) -> None:
            progress.update(task, advance=1, description=f"{memory} MB")

        yield advance


def results_table(
    function: str, results: Sequence[SizeResult], recommended: int | None, strategy: str
) -> Table:
    table = Table(title=f"{function}: trimmed means (fastest and slowest 20 % dropped)")
    for name in ("memory", "avg duration", "avg billed", "max memory used",
                 "cost / 1M invocations", "errors", ""):  # fmt: skip
        table.add_column(name, justify="left" if name in ("", "errors") else "right")
    for result in results:
        errors = result.errors
        if result.all_failed:
            table.add_row(
                f"{result.memory_mb} MB", "—", "—", "—", "—",
                f"[red]all {len(result.runs)} runs failed[/]", "",
            )  # fmt: skip
            continue
        cost = result.cost or 0.0
        table.add_row(
            f"{result.memory_mb} MB",
            f"{result.duration_ms:.1f} ms",
            f"{result.billed_ms:.1f} ms",
            f"{result.max_memory_used_mb} MB",
            f"${cost * 1e6:.2f}",
            f"[yellow]{len(errors)} of {len(result.runs)}[/]" if errors else "0",
            f"[green]← {strategy}[/]" if result.memory_mb == recommended else "",
        )
    return table


def error_lines(results: Sequence[SizeResult]) -> list[str]:
    """One line per size with failed runs: how many, and the first error."""
    lines = []
    for result in results:
        errors = result.errors
        if errors:
            lines.append(
                f"{result.memory_mb} MB: {len(errors)} of {len(result.runs)} runs failed, "
                f"first: {errors[0]}"
            )
    return lines
