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
