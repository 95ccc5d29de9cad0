"""The memory curve from recorded REPORT lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from labcheck.errors import CannotGradeError
from labcheck.model.reports import parse_report
from labcheck.render.plot import cost_per_invocation, memory_curve, memory_table, save_memory_curve

RECORDED = [
    "REPORT RequestId: a\tDuration: 1555.54 ms\tBilled Duration: 2223 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 114 MB\tInit Duration: 667.16 ms\t",
    "REPORT RequestId: b\tDuration: 1490.10 ms\tBilled Duration: 1491 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 114 MB\t",
    "REPORT RequestId: c\tDuration: 760.00 ms\tBilled Duration: 760 ms\tMemory Size: 1024 MB\t"
    "Max Memory Used: 115 MB\t",
    "REPORT RequestId: d\tDuration: 430.20 ms\tBilled Duration: 431 ms\tMemory Size: 2048 MB\t"
    "Max Memory Used: 116 MB\t",
    "REPORT RequestId: e\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 3008 MB\t"
    "Max Memory Used: 116 MB\tStatus: timeout",
]


def lines() -> list:  # type: ignore[type-arg]
    return [line for line in map(parse_report, RECORDED) if line is not None]


def test_the_curve_has_duration_and_cost_against_memory() -> None:
    figure = memory_curve(lines())
    duration, cost = figure.axes
    assert duration.get_xlabel() == "memory (MB)" and duration.get_ylabel() == "duration (ms)"
    assert cost.get_ylabel() == "cost (millionths of a dollar)"
    labels = [text.get_text() for text in duration.get_legend().get_texts()]
    assert "cold starts" in labels and "warm runs" in labels
    assert any(label.startswith("ideal") for label in labels)
    assert [text.get_text() for text in cost.get_legend().get_texts()] == ["x86_64", "arm64"]
    assert list(duration.get_xticks()) == [512, 1024, 2048]  # the timed-out run is left out


def test_cost_counts_billed_time_including_init() -> None:
    cold = lines()[0]
    expected = 0.5 * 2.223 * 0.0000166667 + 0.0000002
    assert cost_per_invocation(cold) == pytest.approx(expected)
    assert cost_per_invocation(cold, "arm64") < cost_per_invocation(cold)


def test_too_few_sizes_say_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(CannotGradeError) as raised:
        memory_curve(lines()[:2])
    assert "Still to run: 1024 MB, 2048 MB, 3008 MB." in str(raised.value)
    with pytest.raises(CannotGradeError, match=r"png or \.svg"):
        save_memory_curve(lines(), tmp_path / "curve.pdf", "resize_image")
    svg = save_memory_curve(lines(), tmp_path / "curve.svg", "resize_image")
    assert svg.read_text().startswith("<?xml")


def test_a_recommended_size_is_marked_on_both_plots() -> None:
    figure = memory_curve(lines(), highlight=(1024, "recommended"))
    for axes in figure.axes:
        assert "recommended" in [text.get_text() for text in axes.get_legend().get_texts()]


def test_the_table_has_the_curves_numbers_per_size() -> None:
    table = memory_table(lines())
    assert [row.memory_mb for row in table.rows] == [512, 1024, 2048]  # timed-out run left out
    first = table.rows[0]
    assert (first.runs, first.cold_starts) == (2, 1)
    assert first.median_ms == pytest.approx((1555.54 + 1490.10) / 2)
    assert first.fastest_ms == pytest.approx(1490.10)
    text = repr(table).splitlines()
    assert text[0].split()[:2] == ["memory", "(MB)"] and text[1].split()[:3] == ["512", "2", "1"]
    html = table._repr_html_()
    assert html.count("<tr>") == 4 and "<td>2,048</td>" in html


def test_the_table_too_says_what_to_run_when_under_two_sizes() -> None:
    with pytest.raises(CannotGradeError, match="a curve needs two"):
        memory_table(lines()[:1])
