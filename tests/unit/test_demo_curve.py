"""make demo's check of the memory curve."""

from __future__ import annotations

import pytest

from solutions.demo import check_curve, curve_problems

GOOD = {512: 1500.0, 1024: 780.0, 1769: 450.0, 2048: 440.0, 3008: 455.0}


def test_a_curve_that_falls_then_flattens_passes() -> None:
    assert curve_problems(GOOD) == []


def test_a_shallow_fall_or_a_second_drop_fails() -> None:
    shallow = {**GOOD, 512: 800.0}
    assert curve_problems(shallow) == ["512 -> 1769 MB is only 1.78x faster (expected >= 2.0x)"]
    still_falling = {**GOOD, 3008: 300.0}
    assert curve_problems(still_falling) == ["not flat from 1769 MB: slowest/fastest 1.50x"]
    assert curve_problems({1024: 1.0}) == ["the curve needs runs at 512 and 1769 MB"]


def test_a_bad_curve_fails_the_demo_unless_the_host_was_busy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shallow = {**GOOD, 512: 800.0}
    assert check_curve(shallow, None) == 1
    assert "demo: error: 512 -> 1769 MB is only 1.78x" in capsys.readouterr().err
    assert check_curve(shallow, "load average 9.5 on 2 cores") == 0
    assert "Curve not checked: the machine was busy (load average 9.5" in capsys.readouterr().out
    assert check_curve(GOOD, None) == 0
