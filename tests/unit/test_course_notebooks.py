"""The course's notebooks keep the shape every lesson promises (fast, no execution)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from labcheck.checks import TASKS
from tests.helpers import PROJECT_ROOT

NOTEBOOKS = PROJECT_ROOT / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*/*.ipynb"))
CONCEPTS = [path for path in ALL if path.parent.name != "lab"]
LAB = sorted((NOTEBOOKS / "lab").glob("task*.ipynb"))
MERMAID_WITH_TEXT = re.compile(r"```mermaid\n.+?```.*?text alternative", re.S | re.I)
TIME_ESTIMATE = re.compile(r"\*\*Time:\*\* about \d+ minutes")
NEXT_LINK = re.compile(r"\*\*Next:\*\* \[[^\]]+\]\(\.\./([\w-]+/[\w-]+\.ipynb)\)")
#: Sections that are not a lesson's main sections.
NOT_MAIN = {"Check your understanding", "Key points", "Clean up"}
#: Notebooks being reshaped elsewhere: strict xfail, so the list shrinks when each is done.
SHAPE_PENDING: set[str] = set()


def cells(path: Path) -> list[nbformat.NotebookNode]:
    return list(nbformat.read(path, as_version=4).cells)


def nbgrader(cell: nbformat.NotebookNode) -> dict[str, object]:
    return dict(cell.metadata.get("nbgrader", {}))


def autograded_tests(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in cells(path) if nbgrader(c).get("grade") and c.cell_type == "code"]


def test_the_course_has_every_assignment_in_order() -> None:
    folders = sorted(p.name for p in NOTEBOOKS.iterdir() if p.is_dir())
    assert folders[0] == "00-welcome"
    assert "lab" in folders and len(LAB) == 4


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebooks_are_valid_and_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    executed = [c.source[:40] for c in notebook.cells if c.cell_type == "code" and c.outputs]
    assert not executed, f"outputs committed in {path.name}: {executed}"
    ids = [nbgrader(c)["grade_id"] for c in notebook.cells if nbgrader(c)]
    assert len(ids) == len(set(ids)), "grade_id must be unique within a notebook"
    # nbformat gives a cell without an id a random one when it reads it: every release would
    # then differ, and a learner's copy would be "updated" when nothing changed.
    missing = [c["source"][:1] for c in json.loads(path.read_text())["cells"] if "id" not in c]
    assert not missing, f"cells without an id in {path.name}: {missing}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_each_notebook_connects_first_and_draws_a_diagram(path: Path) -> None:
    code = [c.source for c in cells(path) if c.cell_type == "code"]
    first_account_use = next(i for i, s in enumerate(code) if "aws" in s or "labcheck" in s)
    assert "labcheck.connect()" in code[first_account_use]
    markdown = "\n".join(c.source for c in cells(path) if c.cell_type == "markdown")
    assert MERMAID_WITH_TEXT.search(markdown), "a Mermaid diagram with a text alternative"


@pytest.mark.parametrize("path", CONCEPTS, ids=lambda p: p.name)
def test_concept_notebooks_have_objectives_questions_and_key_points(path: Path) -> None:
    markdown = "\n".join(c.source for c in cells(path) if c.cell_type == "markdown").lower()
    assert "objectives" in markdown and "key points" in markdown
    tests = autograded_tests(path)
    assert len(tests) >= 2, "at least two autograded questions"
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests), "each with hidden tests"
    last_code = [c.source for c in cells(path) if c.cell_type == "code"][-1]
    assert ".cleanup()" in last_code, "the demos clean up at the end"


@pytest.mark.parametrize("path", LAB, ids=lambda p: p.name)
def test_each_lab_check_is_its_own_graded_cell_worth_its_points(path: Path) -> None:
    task = path.stem.split("-", 1)[0]
    graded = {
        re.fullmatch(r'lab\.check\("([\w.-]+)"\)', c.source.strip()).group(1): nbgrader(c)["points"]  # type: ignore[union-attr]
        for c in autograded_tests(path)
    }
    assert graded == {check.id: check.max_points for check in TASKS[task]}
    sources = [c.source for c in cells(path)]
    assert any(f'labcheck.grade("{task}"' in s for s in sources), "the full table"
    manual = [c for c in cells(path) if c.cell_type == "markdown" and nbgrader(c).get("grade")]
    assert manual, "a reflection graded by hand"


def test_make_lab_opens_the_welcome_notebook_first() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "--LabApp.default_url=/lab/tree/00-welcome/00-welcome.ipynb" in makefile
    assert (NOTEBOOKS / "00-welcome" / "00-welcome.ipynb").is_file()


def shaped(paths: list[Path]) -> list[object]:
    return [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="being reshaped"))
        if p.parent.name in SHAPE_PENDING
        else p
        for p in paths
    ]


def main_sections(path: Path) -> dict[str, list[nbformat.NotebookNode]]:
    """Each ``## `` section's cells (its heading's cell first), questions left out."""
    sections: dict[str, list[nbformat.NotebookNode]] = {}
    current: list[nbformat.NotebookNode] | None = None
    for cell in cells(path):
        if str(nbgrader(cell).get("grade_id", "")).startswith("q"):
            continue
        headings = [x[3:] for x in cell.source.splitlines() if x.startswith("## ")]
        if current is not None and not cell.source.startswith("## "):
            current.append(cell)  # text before a heading still belongs to the section above
        if cell.cell_type == "markdown" and headings:
            current = sections.setdefault(headings[-1], [])
            current.append(cell)
    return {title: body for title, body in sections.items() if title not in NOT_MAIN}


def has_predict_then_run(section: list[nbformat.NotebookNode]) -> bool:
    """A "*Predict:*" prompt, then a demo cell, then text that discusses what it showed."""
    kinds = "".join(
        "p" if c.cell_type == "markdown" and "*Predict:*" in c.source else c.cell_type[0]
        for c in section
    )
    return re.search(r"p[^p]*c[^p]*m", kinds) is not None


@pytest.mark.parametrize("path", shaped(ALL), ids=lambda p: getattr(p, "name", ""))
def test_each_notebook_gives_its_time_and_links_the_next_one(path: Path) -> None:
    order = CONCEPTS + LAB
    assert TIME_ESTIMATE.search(cells(path)[0].source), "a time estimate under the title"
    link = NEXT_LINK.search(cells(path)[-1].source)
    assert link, "the last cell links the next notebook"
    following = order[(order.index(path) + 1) % len(order)]
    assert NOTEBOOKS / link.group(1) == following, f"links {link.group(1)}, not {following.name}"


@pytest.mark.parametrize("path", shaped(CONCEPTS), ids=lambda p: getattr(p, "name", ""))
def test_each_main_section_with_a_demo_has_a_predict_then_run_exercise(path: Path) -> None:
    sections = main_sections(path)
    assert len(sections) >= 3, sections.keys()
    with_demos = {
        t: body for t, body in sections.items() if any(c.cell_type == "code" for c in body)
    }
    assert with_demos, "live demos"
    missing = [title for title, body in with_demos.items() if not has_predict_then_run(body)]
    assert not missing, f"sections with a demo and no predict-then-run exercise: {missing}"


def hand_graded(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in cells(path) if c.cell_type == "markdown" and nbgrader(c).get("grade")]


@pytest.mark.parametrize(
    "path", shaped([p for p in ALL if hand_graded(p)]), ids=lambda p: getattr(p, "name", "")
)
def test_each_reflection_has_a_rubric_in_the_instructors_copy_only(path: Path) -> None:
    """The rubric sits in the model answer's cell, which nbgrader replaces when it releases."""
    for cell in hand_graded(path):
        assert nbgrader(cell).get("solution"), "a reflection is an answer cell"
        assert "**Rubric (" in cell.source and "point" in cell.source, cell.source[:80]
