"""The instructor's loop over the whole course with the real nbgrader CLI.

On a temporary copy of the course: generate every assignment, validate the source
notebooks, autograde a submission of the model answers (alice) and a blank one (bob, the
released notebooks as handed out), then feedback and export. Credentials and the endpoint
lead nowhere: graded notebooks run against the private localaws ``labcheck.connect()``
starts under the autograder, never a live account.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from labcheck.quiz.feedback import written_messages
from tests.course import check_messages
from tests.course.nbgrader_course import COMMAND_DEADLINE_SECONDS, Course, assignments
from tests.course.wrong_answers import answered_questions, with_wrong_answers
from tests.helpers import busy_machine

pytestmark = [pytest.mark.course, pytest.mark.timeout(2400)]

PASSED = "Success! Your notebook passes all the tests."
#: The class roster (nbgrader student id -> the AWS account registered for them), and lab
#: submissions done "in the console" with evidence that is, or is not, their own.
ROSTER = {
    "alice": "111111111111",
    "x-carol": "333333333333",
    "x-dave": "444444444444",
    "x-erin": "555555555555",
    "x-frank": "666666666666",
    "x-gina": "777777777777",
    "x-hana": "888888888888",
}
#: student -> (account, backend) of the evidence handed in; None: none handed in.
CONSOLE_LABS: dict[str, tuple[str, str] | None] = {
    "x-carol": None,  # nothing but blank notebooks with WAY flipped
    "x-dave": ("444444444444", "local"),  # recorded offline: there is no console there
    "x-erin": ("555555555555", "aws"),  # handed in by x-frank too (the same file)
    "x-frank": ("555555555555", "aws"),
    "x-gina": ("111111111111", "aws"),  # alice's account
    "x-hana": ("888888888888", "aws"),  # her own: full marks
}
#: Lab submissions done with the AWS CLI (WAY = "cli"): the model commands (autograded with
#: alice's, as they time the function too), and blank.
CLI_LABS = {"alice-cli": "model", "x-jo": "blank"}
VALIDATING = re.compile(r"Validating '([^']+)'")
#: Assignments whose notebooks time a function: their model answers are autograded alone,
#: beside CPU-bound processes of the test's own.
TIMED = {"lab"}
CONCEPTS_GLOB = "[0-9]*"
#: The learner who hands in a plausible wrong answer to every concept question.
WRONG = "mallory"


@dataclass(frozen=True)
class GradedCourse:
    course: Course
    validated: dict[str, str]  # notebook name -> what nbgrader validate said of it

    def gradebook(self) -> object:
        from nbgrader.api import Gradebook

        return Gradebook(f"sqlite:///{self.course.root / 'gradebook.db'}")


def validation_results(output: str) -> dict[str, str]:
    """Each notebook ``nbgrader validate`` looked at, and what it said of it."""
    parts = VALIDATING.split(output)[1:]
    return {Path(path).name: text for path, text in zip(parts[::2], parts[1::2], strict=True)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GradedCourse]:
    course = Course.copy_all(tmp_path_factory.mktemp("course"))
    course.run("generate_assignment", "*", "--force")
    for assignment in assignments():
        course.submit("alice", assignment, course.source(assignment))  # the model answers
        course.submit("bob", assignment, course.released(assignment))  # handed in blank
    hand_in_console_labs(course, tmp_path_factory.mktemp("evidence"))
    course.submit_lab_done_by("alice-cli", "cli", course.source("lab"))
    course.submit_lab_done_by("x-jo", "cli", course.released("lab"))
    concepts = [a for a in assignments() if a not in TIMED]
    for assignment in concepts:  # a plausible wrong answer to every question
        hand_in_wrong_answers(course, assignment)
    concept_sources = [str(p) for a in concepts for p in course.source(a)]
    timed_sources = [str(p) for a in sorted(TIMED) for p in course.source(a)]
    # First, side by side: the concept notebooks validated and autograded, and every blank
    # submission autograded. Then the lab's model answers, which time a function at several
    # memory sizes, one run after the other on a machine that is otherwise quiet.
    numbered = sorted(p.name for p in (course.root / "notebooks").glob(CONCEPTS_GLOB))
    assert numbered == concepts, "concept assignments are the numbered folders"
    side_by_side = (
        ("validate", *concept_sources),
        ("autograde", CONCEPTS_GLOB, "--student", "alice"),
        ("autograde", CONCEPTS_GLOB, "--student", WRONG),
        ("autograde", "*", "--student", "bob"),
        ("autograde", "lab", "--student", "x-*"),
    )
    with ThreadPoolExecutor(len(side_by_side)) as pool:
        validated, *_ = pool.map(lambda args: course.run(*args), side_by_side)
    validated += course.run("validate", *timed_sources)
    # The lab's model answers (by code and with the AWS CLI) time a function at several memory
    # sizes: they must keep every point when autograded side by side, as `xargs -P` runs them
    # (docs/INSTRUCTORS.md), on a machine busy with other work (2 x the cores of CPU-bound
    # processes).
    with (
        busy_machine(2 * (os.cpu_count() or 1), seconds=COMMAND_DEADLINE_SECONDS),
        ThreadPoolExecutor(2) as pool,
    ):
        lab_runs = pool.map(
            lambda who: course.run("autograde", "lab", "--student", who), ("alice", "alice-cli")
        )
        list(lab_runs)
    course.run("generate_feedback", "*", "--force")
    course.run("export", "--to", str(course.root / "grades.csv"))
    yield GradedCourse(course, validation_results(validated))


def hand_in_console_labs(course: Course, scratch: Path) -> None:
    """The class roster beside the course, and each CONSOLE_LABS submission."""
    from dataclasses import replace

    from labcheck.checks import grade
    from labcheck.collect.evidence import save_evidence
    from tests.unit.test_labcheck_checks import complete_state

    rows = "".join(f"{account},{student}\n" for student, account in ROSTER.items())
    (course.root / "roster.csv").write_text("account_id,name\n" + rows)
    made: dict[tuple[str, str], Path] = {}
    for student, recorded in CONSOLE_LABS.items():
        if recorded is not None and recorded not in made:  # one file per account and backend
            state = replace(complete_state(), account=recorded[0], backend=recorded[1])
            made[recorded] = scratch / f"{recorded[0]}-{recorded[1]}.json"
            save_evidence(made[recorded], state, grade(state))
        course.submit_console_lab(student, made[recorded] if recorded else None)


def hand_in_wrong_answers(course: Course, assignment: str) -> None:
    folder = course.root / "submitted" / WRONG / assignment
    folder.mkdir(parents=True)
    for source in course.source(assignment):
        nbformat.write(with_wrong_answers(source, assignment), folder / source.name)


def graded_course_notebook(
    course: Course, student: str, assignment: str, name: str
) -> nbformat.NotebookNode:
    return nbformat.read(course.root / "autograded" / student / assignment / name, as_version=4)


def graded_notebooks(paths: list[Path]) -> list[Path]:
    """Notebooks with at least one autograded test cell."""
    return [
        path
        for path in paths
        if any(
            cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code"
            for cell in nbformat.read(path, as_version=4).cells
        )
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


@pytest.mark.parametrize("assignment", assignments())
def test_generate_assignment_releases_every_notebook(graded: GradedCourse, assignment: str) -> None:
    course = graded.course
    assert [p.name for p in course.released(assignment)] == [
        p.name for p in course.source(assignment)
    ]


@pytest.mark.parametrize("assignment", assignments())
def test_the_source_notebooks_validate_clean(graded: GradedCourse, assignment: str) -> None:
    for path in graded.course.source(assignment):
        said = graded.validated.get(path.name, "(not validated)")
        assert PASSED in said, f"{path.name} fails nbgrader validate:\n{said[-6000:]}"


@pytest.mark.parametrize("assignment", assignments())
def test_the_model_answers_get_full_code_marks(graded: GradedCourse, assignment: str) -> None:
    with graded.gradebook() as gradebook:  # type: ignore[attr-defined]
        alice = gradebook.find_submission(assignment, "alice")
        assert alice.max_code_score >= 2
        assert alice.code_score == alice.max_code_score, "the model answers lose points"


@pytest.mark.parametrize("assignment", sorted(set(assignments()) - TIMED))
def test_every_question_fails_a_plausible_wrong_answer(
    graded: GradedCourse, assignment: str
) -> None:
    """Each question's graded cell, run by nbgrader on the learner's own live demo state."""
    with graded.gradebook() as gradebook:  # type: ignore[attr-defined]
        for source in graded.course.source(assignment):
            questions = sorted(answered_questions(source))
            assert questions, source.name
            scores = {
                question: gradebook.find_grade(
                    question.replace("-answer", "-tests"), source.stem, assignment, WRONG
                ).score
                for question in questions
            }
            passed = {question: score for question, score in scores.items() if score}
            assert not passed, f"{source.name}: wrong answers earn points: {passed}"
            # Each wrong answer ran: it was the tests that failed it, not a broken answer cell.
            autograded = graded_course_notebook(graded.course, WRONG, assignment, source.name)
            broken = [
                cell.metadata["nbgrader"]["grade_id"]
                for cell in autograded.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") in questions
                and any(o.output_type == "error" for o in cell.get("outputs", []))
            ]
            assert not broken, f"{source.name}: these wrong answers did not even run: {broken}"


@pytest.mark.parametrize(
    "assignment", sorted(set(assignments()) - TIMED - check_messages.BARE_ASSERTS)
)
def test_each_check_says_correct_or_what_is_wrong(graded: GradedCourse, assignment: str) -> None:
    """The model answer's test prints "Correct: <why>"; the wrong answer's fails with one of
    its written messages (so never with a computed expected value), not a bare assertion."""
    for source in graded.course.source(assignment):
        tests = check_messages.question_tests(nbformat.read(source, as_version=4))
        right = check_messages.question_tests(
            graded_course_notebook(graded.course, "alice", assignment, source.name)
        )
        wrong = check_messages.question_tests(
            graded_course_notebook(graded.course, WRONG, assignment, source.name)
        )
        for grade_id, cell in tests.items():
            visible = check_messages.visible_part(cell.source)
            assert "assert " not in visible, f"{grade_id}: a bare assert in the visible test"
            said = check_messages.printed(right[grade_id])
            assert check_messages.error(right[grade_id]) is None, (grade_id, said)
            assert any(f"Correct: {why}" in said for why in written_messages(visible, "right")), (
                grade_id,
                said,
            )
            failed = check_messages.error(wrong[grade_id])
            assert failed is not None and failed[0] == "NotYet", (grade_id, failed)
            assert failed[1] in written_messages(visible, "wrong"), failed


@pytest.mark.parametrize("assignment", assignments())
def test_a_blank_submission_fails_only_where_answers_are_missing(
    graded: GradedCourse, assignment: str
) -> None:
    course = graded.course
    released = course.released(assignment)
    autograded = sorted((course.root / "autograded" / "bob" / assignment).glob("*.ipynb"))
    assert [p.name for p in autograded] == [p.name for p in released]
    with graded.gradebook() as gradebook:  # type: ignore[attr-defined]
        assert (
            gradebook.find_submission(assignment, "bob").score
            < gradebook.find_submission(assignment, "alice").score
        )
        for path in graded_notebooks(released):
            notebook = gradebook.find_submission_notebook(path.stem, assignment, "bob")
            assert notebook.code_score < notebook.max_code_score, f"{path.name} passes blank"
    problems = [p for path in autograded for p in errors_not_caused_by_missing_answers(path)]
    assert not problems, "cells fail in a blank submission for other reasons:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("assignment", assignments())
def test_feedback_and_export(graded: GradedCourse, assignment: str) -> None:
    course = graded.course
    for student in ("alice", "bob"):
        feedback = sorted((course.root / "feedback" / student / assignment).glob("*.html"))
        assert [p.stem for p in feedback] == [p.stem for p in course.source(assignment)]
    with (course.root / "grades.csv").open() as grades:
        rows = {
            (row["assignment"], row["student_id"]): float(row["score"])
            for row in csv.DictReader(grades)
        }
    assert rows[(assignment, "alice")] > rows[(assignment, "bob")]


@pytest.mark.parametrize("student", sorted(CONSOLE_LABS))
def test_console_way_lab_counts_only_the_learners_own_aws_evidence(
    graded: GradedCourse, student: str
) -> None:
    with graded.gradebook() as gradebook:  # type: ignore[attr-defined]
        lab = gradebook.find_submission("lab", student)
        assert lab.max_code_score == 22
        expected = lab.max_code_score if student == "x-hana" else 0
        assert lab.code_score == expected, f"{student}: {lab.code_score}/{lab.max_code_score}"
    if student == "x-carol":
        return
    # Each check cell says why, in the learner's feedback.
    task1 = graded.course.root / "autograded" / student / "lab" / "task1-create-function.ipynb"
    said = str(nbformat.read(task1, as_version=4).cells)
    reason = {
        "x-dave": "recorded offline (localaws)",
        "x-erin": "handed in by x-frank",
        "x-frank": "registered to x-erin",
        "x-gina": "registered to alice",
        "x-hana": "PASS",
    }[student]
    assert reason in said, student


@pytest.mark.parametrize("student", sorted(CLI_LABS))
def test_cli_way_lab_is_run_again_by_the_autograder(graded: GradedCourse, student: str) -> None:
    """The CLI way is graded like code: CLI_STEPS run again in the private localaws. The model
    commands keep every point; blank ones lose them, failing only where commands are missing."""
    with graded.gradebook() as gradebook:  # type: ignore[attr-defined]
        lab = gradebook.find_submission("lab", student)
        assert lab.max_code_score == 22
        if CLI_LABS[student] == "model":
            assert lab.code_score == lab.max_code_score, f"{lab.code_score}/22"
        else:
            assert lab.code_score < lab.max_code_score
    folder = graded.course.root / "autograded" / student / "lab"
    task1 = nbformat.read(folder / "task1-create-function.ipynb", as_version=4)
    [run] = [c for c in task1.cells if c.source.startswith('if WAY == "cli":\n    lab.run_cli(')]
    said = "".join(o.get("text", "") for o in run.outputs)
    if CLI_LABS[student] == "model":
        assert "$ aws lambda create-function --function-name resize_image" in said
        assert "All 2 commands succeeded." in said
    else:
        [error] = [o for o in run.outputs if o.output_type == "error"]
        assert error.traceback == [
            "NotImplementedError: CLI_STEPS has no commands yet: write your AWS CLI commands in "
            "it, one per line, then run this cell again."
        ]
        problems = [
            p for path in folder.glob("*.ipynb") for p in errors_not_caused_by_missing_answers(path)
        ]
        assert not problems, problems


def test_the_autograded_lab_shows_each_result_once_as_html(graded: GradedCourse) -> None:
    """What a learner's feedback shows: one HTML table per grade cell (no second, plain-text
    copy), the two pictures side by side, and task 4's runs as a table."""
    folder = graded.course.root / "autograded" / "alice" / "lab"
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            outputs = cell.get("outputs", [])
            assert not any("\x1b[" in str(output) for output in outputs), (path.name, cell.source)
            if cell.source.startswith("labcheck.grade("):
                assert [o.output_type for o in outputs] == ["display_data"], path.name
                assert "<table>" in outputs[0].data["text/html"]
    task3 = nbformat.read(folder / "task3-upload-and-resize.ipynb", as_version=4)
    pictures = next(c for c in task3.cells if c.source.startswith("lab.compare_images("))
    assert pictures.outputs[0].data["text/html"].count("data:image/jpeg;base64,") == 2
    task4 = nbformat.read(folder / "task4-tune-memory.ipynb", as_version=4)
    runs = next(c for c in task4.cells if c.source.startswith("lab.plot("))
    html = next(o.data["text/html"] for o in runs.outputs if "data" in o)
    assert all(f"<td>{size}</td>" in html for size in ("1,024", "2,048", "3,008"))


def test_generate_assignment_refuses_evidence_in_the_sources(tmp_path: Path) -> None:
    """A live grade run in the sources writes an evidence file; it must never be released."""
    course = Course.copy_all(tmp_path)
    evidence = course.root / "notebooks" / "lab" / "labcheck-evidence.json"
    evidence.write_text("{}")
    process = course.start("generate_assignment", "lab", "--force")
    output, _ = process.communicate(timeout=300)
    assert process.returncode != 0
    assert "evidence files in the source notebooks" in output
    assert "notebooks/lab/labcheck-evidence.json" in output
    assert not (course.root / "release" / "lab").exists()
