"""Knowledge checks' feedback: what is wrong (never the answer), or "Correct" and why."""

from __future__ import annotations

import pytest

import labcheck
from labcheck.quiz.feedback import NotYet, written_messages


def test_a_wrong_answer_raises_its_message_alone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NotYet) as failed:
        labcheck.check(2 + 2 == 5, wrong="Add again.", right="arithmetic.")
    assert str(failed.value) == "Add again."
    assert failed.value._render_traceback_() == ["Not yet: Add again."]
    said_so = NotYet("Not yet: the units.")._render_traceback_()
    assert said_so == ["Not yet: the units."]  # said once
    assert isinstance(failed.value, AssertionError)  # nbgrader counts it as a failed test
    assert capsys.readouterr().out == ""


def test_a_right_answer_says_correct_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    labcheck.check(True, wrong="x")  # an intermediate check says nothing
    labcheck.check(True, wrong="x", right="the why.")
    assert capsys.readouterr().out == "Correct: the why.\n"


def test_answer_keys_compare_values_not_spelling() -> None:
    key = labcheck.answer_key({"b": [1, 0.1 + 0.2], "a": {3, 1}})
    assert len(key) == 16 and "0.3" not in key
    assert labcheck.is_answer({"a": {1, 3}, "b": (1, 0.3)}, key)  # order, float noise
    assert labcheck.is_answer(900.0, labcheck.answer_key(900))
    assert not labcheck.is_answer(True, labcheck.answer_key(1))
    assert not labcheck.is_answer("900", labcheck.answer_key(900))
    assert not labcheck.is_answer(0.3001, labcheck.answer_key(0.3))
    assert not labcheck.is_answer(object(), key)  # no JSON form: simply not the answer


def test_the_written_messages_are_read_from_the_cell() -> None:
    cell = (
        'labcheck.check(x == 1, wrong="One "\n'
        '               "line.", right="why.")\n'
        "labcheck.check(y, wrong=f'{y} computed')\n"
    )
    assert written_messages(cell) == {"One line."}
    assert written_messages(cell, "right") == {"why."}
    assert written_messages("def (:") == set()
