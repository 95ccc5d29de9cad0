"""Tuning results as CSV (one row per memory size) or JSON (settings, choice and sizes)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labcheck.tune.measure import SizeResult

SCHEMA = 1
COLUMNS = (
    "memory_mb", "runs", "errors", "kept_runs", "avg_duration_ms", "avg_billed_ms",
    "max_memory_used_mb", "avg_cost_usd", "architecture", "status", "recommended",
    "first_error",
)  # fmt: skip


def size_row(result: SizeResult, recommended: int | None) -> dict[str, Any]:
    errors = result.errors
    return {
        "memory_mb": result.memory_mb,
        "runs": len(result.runs),
        "errors": len(errors),
        "kept_runs": len(result.kept),
        "avg_duration_ms": _round(result.duration_ms, 2),
        "avg_billed_ms": _round(result.billed_ms, 2),
        "max_memory_used_mb": result.max_memory_used_mb,
        "avg_cost_usd": _round(result.cost, 12),
        "architecture": result.architecture,
        "status": "all runs failed" if result.all_failed else "ok",
        "recommended": result.memory_mb == recommended,
        "first_error": errors[0] if errors else None,
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def write_csv(path: Path, results: Sequence[SizeResult], recommended: int | None) -> None:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        for result in results:
            row = size_row(result, recommended)
            writer.writerow({key: "" if value is None else value for key, value in row.items()})


def to_json(
    function: str,
    strategy: str,
    weight: float,
    results: Sequence[SizeResult],
    recommended: int | None,
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "function": function,
        "strategy": strategy,
        "balanced_weight": weight,
        "runs_per_size": max((len(result.runs) for result in results), default=0),
        "recommended_memory_mb": recommended,
        "sizes": [size_row(result, recommended) for result in results],
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n")
