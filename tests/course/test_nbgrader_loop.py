"""For every assignment: generate, validate, autograde, feedback and export with nbgrader.

A blank submission is the released notebooks as handed out: autograding it shows that the
released versions fail, and where.

Runs with credentials and an endpoint that lead nowhere: graded notebooks run against the
private localaws ``labcheck.connect()`` starts under the autograder, never a live account.
"""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from tests.course.nbgrader_course import Course, assignments

PASSED = "Success! Your notebook passes all the tests."
#: Assignments whose notebooks measure durations: their nbgrader runs never overlap.
TIMED = {"lab"}


def graded_notebooks(paths: list[Path]) -> list[Path]:
    """Notebooks with at least one autograded test cell."""
    return [path for path in paths if _autograded_cells(nbformat.read(path, as_version=4))]


def _autograded_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and cell.metadata.get("nbgrader", {}).get("grade")
        and not cell.metadata["nbgrader"].get("solution")
    ]


def errors_not_caused_by_missing_answers(notebook: Path) -> list[str]:
    """Cells of an autograded blank submission that fail for another reason than an answer
    the learner has not written yet (NotImplementedError) or a failing test."""
    problems = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        grading = cell.metadata.get("nbgrader", {})
        for output in cell.get("outputs", []):
            if output.output_type != "error" or grading.get("grade") or grading.get("solution"):
                continue
            traceback = "\n".join(output.get("traceback", []))
            if "NotImplementedError" not in traceback and output.ename != "NotImplementedError":
                problems.append(f"{notebook.name}: {cell.source[:80]!r}: {output.ename}")
    return problems


@pytest.mark.course
@pytest.mark.timeout(1500)
@pytest.mark.parametrize("assignment", assignments())
def test_the_instructors_loop(assignment: str, tmp_path: Path) -> None:
    course = Course.copy(tmp_path, assignment)
    course.run("generate_assignment", assignment, "--force")
    source, released = course.source(assignment), course.released(assignment)
    assert [p.name for p in released] == [p.name for p in source]
    course.submit("alice", assignment, source)  # the model answers
    course.submit("bob", assignment, released)  # handed in blank

    # Two chains side by side, one per core: the model answers validated then autograded,
    # and the blank submission autograded. The lab times its function at several memory
    # sizes, so its runs go one after another: a second busy process would blur the curve.
    model = (("validate", *map(str, source)), ("autograde", assignment, "--student", "alice"))
    blank = (("autograde", assignment, "--student", "bob"),)
    chains = (model + blank,) if assignment in TIMED else (model, blank)
    with ThreadPoolExecutor(len(chains)) as pool:
        results = list(pool.map(lambda chain: [course.run(*args) for args in chain], chains))
    assert results[0][0].count(PASSED) == len(source), results[0][0][-3000:]

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gradebook:
        alice = gradebook.find_submission(assignment, "alice")
        bob = gradebook.find_submission(assignment, "bob")
        assert alice.max_code_score >= 2
        assert alice.code_score == alice.max_code_score, "the model answers lose points"
        assert bob.score < alice.score
        scores = (alice.code_score, bob.code_score)
    print(f"{assignment}: model answers {scores[0]}, blank {scores[1]} code points")

    autograded = sorted((course.root / "autograded" / "bob" / assignment).glob("*.ipynb"))
    assert [p.name for p in autograded] == [p.name for p in released]
    # The released notebooks fail (each one with tests loses points when handed in as
    # released), and only where the learner has yet to write an answer.
    for path in graded_notebooks(released):
        with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(path.stem, assignment, "bob")
            assert notebook.code_score < notebook.max_code_score, f"{path.name} passes blank"
    problems = [p for path in autograded for p in errors_not_caused_by_missing_answers(path)]
    assert not problems, "cells fail in a blank submission for other reasons:\n" + "\n".join(
        problems
    )

    course.run("generate_feedback", assignment, "--force")
    for student in ("alice", "bob"):
        feedback = sorted((course.root / "feedback" / student / assignment).glob("*.html"))
        assert [p.stem for p in feedback] == [p.stem for p in source]
    course.run("export", "--to", str(course.root / "grades.csv"))
    with (course.root / "grades.csv").open() as grades:
        rows = {row["student_id"]: row for row in csv.DictReader(grades)}
    assert float(rows["alice"]["score"]) > float(rows["bob"]["score"])
