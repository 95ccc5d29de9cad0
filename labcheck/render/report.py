"""Turning results into what people read: a terminal table, JSON, or HTML for notebooks.

Each takes the learner's ``way`` (code, cli or console) to word the hints for it; without one
(an instructor's report) a hint lists every way's step.
"""

from __future__ import annotations

import html
import io
from typing import Any

from labcheck.model.results import TaskResult
from labcheck.model.state import AccountState


def to_json(
    state: AccountState, results: list[TaskResult], way: str | None = None
) -> dict[str, Any]:
    return {
        "schema": 1,
        "backend": state.backend,
        "account": state.account,
        "region": state.region,
        "score": sum(result.score for result in results),
        "max_score": sum(result.max_score for result in results),
        "tasks": [result.to_json(way) for result in results],
    }


def to_text(
    state: AccountState, results: list[TaskResult], color: bool, way: str | None = None
) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buffer = io.StringIO()
    # force_jupyter=False: in a notebook rich would display the table itself, not write it.
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=110, force_jupyter=False
    )
    for result in results:
        table = Table(title=f"{result.task}: {result.score}/{result.max_score}", expand=True)
        table.add_column("", width=4)
        table.add_column("check", ratio=2)
        table.add_column("points", justify="right", width=6)
        # fold: a long CLI command wraps onto the next line instead of ending in an ellipsis
        table.add_column("what was found / what to do", ratio=5, overflow="fold")
        for check in result.checks:
            mark = "[green]PASS[/]" if check.passed else "[red]FAIL[/]"
            detail = check.message
            if check.warning:
                detail += f"\n[yellow]warning: {check.warning}[/]"
            if check.hint:
                detail += f"\n[bold]next: {escape(check.hint.text(way))}[/]"
            table.add_row(mark, check.title, f"{check.points}/{check.max_points}", detail)
        console.print(table)
    total = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    console.print(
        f"Score {total}/{possible} ({state.backend} account {state.account}, {state.region})"
    )
    return buffer.getvalue()


def to_html(results: list[TaskResult], way: str | None = None) -> str:
    rows = []
    for result in results:
        for check in result.checks:
            colour = "#1a7f37" if check.passed else "#cf222e"
            note = html.escape(check.message)
            if check.warning:
                note += f"<br><em>warning: {html.escape(check.warning)}</em>"
            if check.hint:
                note += f"<br><strong>next:</strong> {html.escape(check.hint.text(way))}"
            rows.append(
                f"<tr><td style='color:{colour}'>{'PASS' if check.passed else 'FAIL'}</td>"
                f"<td style='text-align:left'>{html.escape(check.title)}</td>"
                f"<td>{check.points}/{check.max_points}</td>"
                f"<td style='text-align:left'>{note}</td></tr>"
            )
    total = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    return (
        "<table><thead><tr><th></th><th>check</th><th>points</th><th>details</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table><p>Score {total}/{possible}</p>"
    )
