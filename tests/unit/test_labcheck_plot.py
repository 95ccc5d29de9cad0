"""The memory curve from recorded REPORT lines."""

from __future__ import annotations

from dataclasses import replace
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


def test_the_curve_has_labelled_axes_from_zero_and_a_legend() -> None:
    figure = memory_curve(lines())
    duration, cost = figure.axes
    assert duration.get_xlabel() == "memory (MB)" and duration.get_ylabel() == "duration (ms)"
    assert cost.get_ylabel() == "cost (millionths of a dollar)"
    assert duration.get_ylim()[0] == 0 and cost.get_ylim()[0] == 0  # heights compare as ratios
    labels = [text.get_text() for text in duration.get_legend().get_texts()]
    assert "cold start (not in the median)" in labels and "each warm run" in labels
    assert "median of warm runs" in labels and any(label.startswith("ideal") for label in labels)
    prices = [text.get_text() for text in cost.get_legend().get_texts()]
    assert prices == ["x86_64 price", "arm64 price"]
    assert list(duration.get_xticks()) == [512, 1024, 2048]  # the timed-out run is left out
    assert [label.get_text() for label in duration.get_xticklabels()] == ["512", "1,024", "2,048"]


def test_the_median_line_leaves_the_cold_start_out() -> None:
    duration = memory_curve(lines()).axes[0]
    (median,) = [line for line in duration.get_lines() if line.get_label() == "median of warm runs"]
    assert list(median.get_ydata()) == [1490.10, 760.00, 430.20]  # not (1555.54 + 1490.10) / 2


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


def test_the_table_has_the_warm_medians_and_the_speed_ups() -> None:
    table = memory_table(lines())
    assert [row.memory_mb for row in table.rows] == [512, 1024, 2048]  # timed-out run left out
    first = table.rows[0]
    assert (first.warm_runs, first.cold_starts) == (1, 1)
    assert first.median_ms == pytest.approx(1490.10)  # the cold start is not in the median
    assert first.cost_millionths == pytest.approx((0.5 * 1.491 * 0.0000166667 + 2e-7) * 1e6)
    text = repr(table).splitlines()
    assert text[0].split()[:2] == ["memory", "(MB)"]
    assert text[1].split()[:4] == ["512", "1", "1", "1490.1"]
    assert "512 → 1,024 MB: 1.96x as fast (96 % faster: median 1,490 → 760 ms)" in text[-2]
    assert text[-1].startswith("1,024 → 2,048 MB: 1.77x as fast (77 % faster")
    html = table._repr_html_()
    assert html.count("<tr>") == 4 and "<td>2,048</td>" in html
    assert "<li>1,024 → 2,048 MB: 1.77x as fast" in html


def test_a_size_with_only_cold_starts_gets_a_point_and_a_note() -> None:
    cold_only = [line for line in lines() if line.request_id != "b"]
    table = memory_table(cold_only)
    assert table.rows[0].cold_only and table.rows[0].median_ms == pytest.approx(1555.54)
    assert "Only cold starts so far at 512 MB" in repr(table)


def test_a_step_that_got_slower_says_so() -> None:
    slower = replace(lines()[2], duration_ms=1600.0, billed_ms=1600)
    (step,) = memory_table([*lines()[:2], slower]).speed_ups
    assert step.sentence() == (
        "512 → 1,024 MB: 0.93x as fast (7 % slower: median 1,490 → 1,600 ms), "
        "cost per invocation 113 % dearer"
    )


def test_the_table_too_says_what_to_run_when_under_two_sizes() -> None:
    with pytest.raises(CannotGradeError, match="a curve needs two"):
        memory_table(lines()[:1])
