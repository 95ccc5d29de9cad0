"""Self-study in the learner's copy: the instructor's verdict per question without the hidden
tests, and the model answer only after an attempt was checked."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import labcheck
from labcheck.errors import CannotGradeError
from labcheck.quiz.notebooks import this_notebook
from labcheck.quiz.reveal import model_answer
from labcheck.quiz.selfcheck import check_answers
from labcheck.workspace import update_workspace
from tests.course.wrong_answers import WRONG_ANSWERS
from tests.helpers import PROJECT_ROOT

EVENTS = "02-event-driven-architecture"
SOURCE = PROJECT_ROOT / "notebooks" / EVENTS / f"{EVENTS}.ipynb"
#: Text of the instructor's copy the learner must not see in a verdict.
HIDDEN = ("reports/sales 2025.csv", "holiday 2024", "unquote_plus(record", "_matches(shipped")


def answer(path: Path, question: str, code: str) -> None:
    """Write ``code`` as the learner's answer to ``question``, keeping the cell's frame."""
    notebook = nbformat.read(path, as_version=4)
    model = nbformat.read(SOURCE, as_version=4)
    [source] = [c.source for c in model.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == f"{question}-answer"]  # fmt: skip
    before, rest = source.split("### BEGIN SOLUTION\n", 1)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{question}-answer":
            cell.source = before.rstrip(" ") + code + rest.split("### END SOLUTION", 1)[1]
    nbformat.write(notebook, path)


def model_code(question: str) -> str:
    model = nbformat.read(SOURCE, as_version=4)
    [source] = [c.source for c in model.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == f"{question}-answer"]  # fmt: skip
    return source.split("### BEGIN SOLUTION\n", 1)[1].split("### END SOLUTION")[0].rstrip(" ")


#: Right for keys with "+" (every key the visible test tries), wrong for a plain key.
PASSES_WHAT_IT_SEES = (
    '    record = event["Records"][0]\n'
    '    key = record["s3"]["object"]["key"]\n'
    '    return record["s3"]["bucket"]["name"], unquote_plus(key) if "+" in key else ""'
)


@pytest.fixture(scope="module")
def learner_notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("self-study") / "workspace"
    update_workspace(PROJECT_ROOT / "notebooks", PROJECT_ROOT / "nbgrader_config.py", workspace)
    return workspace / EVENTS / f"{EVENTS}.ipynb"


def test_each_question_gets_a_verdict_that_shows_no_hidden_test(
    learner_notebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(learner_notebook, "q1", PASSES_WHAT_IT_SEES)
    answer(learner_notebook, "q2", 'shipped_pattern = ["shop.shipping"]')  # fails a visible test
    with pytest.raises(CannotGradeError, match="opens after your own attempt"):
        model_answer(this_notebook(learner_notebook), 1)

    labcheck.check_answers(str(learner_notebook))

    said = capsys.readouterr().out
    assert "Question 1: not yet: it passes the tests you can see, not all" in said
    assert "Question 2: not yet: An event pattern is a dict (JSON object)." in said
    assert "Question 3: not answered: replace raise NotImplementedError()" in said
    assert not [text for text in HIDDEN if text in said]


def test_a_visible_tests_message_is_the_verdict(
    learner_notebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(learner_notebook, "q1", WRONG_ANSWERS[(EVENTS, "q1-answer")])  # the key left encoded
    labcheck.check_answers(str(learner_notebook))
    said = capsys.readouterr().out
    assert "Question 1: not yet: compare your key with the file the demo uploaded." in said


def test_a_right_answer_is_correct_and_opens_the_model_answer(
    learner_notebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(learner_notebook, "q2", model_code("q2"))
    notebook = this_notebook(learner_notebook)
    verdicts = {v.question: v.status for v in check_answers(notebook)}
    assert verdicts["q2"] == "correct"
    shown = model_answer(notebook, "Question 2")
    assert (
        'shipped_pattern = {"source": ["shop.shipping"], "detail-type": ["ParcelShipped"]}' in shown
    )
    assert "# Why: Every field of a pattern must match" in shown
    with pytest.raises(CannotGradeError, match="opens after your own attempt"):
        model_answer(notebook, 3)  # never answered


def test_the_kernel_finds_its_own_notebook(
    learner_notebook: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", str(learner_notebook))  # as JupyterLab sets it
    assert this_notebook().source == SOURCE
    monkeypatch.setenv("JPY_SESSION_NAME", "")
    with pytest.raises(CannotGradeError, match="not a notebook opened in JupyterLab"):
        this_notebook()
    outside = tmp_path / "mine.ipynb"
    outside.write_text(learner_notebook.read_text())
    with pytest.raises(CannotGradeError, match="not in a learner's copy"):
        this_notebook(outside)
