"""The autograder's check of cell metadata: nbgrader's verdicts, its schema checked once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata

from labcheck.autograde import cell_metadata
from labcheck.autograde.cell_metadata import CheckCellMetadataOnce, autograde_steps
from tests.helpers import PROJECT_ROOT

LAB = sorted((PROJECT_ROOT / "notebooks" / "lab").glob("*.ipynb"))


def graded_cell(**meta: Any) -> Any:
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {
        "grade": True, "solution": False, "locked": True, "grade_id": "q1", "points": 1,
        "schema_version": 3, "task": False, **meta,
    }  # fmt: skip
    return cell


def notebook(*cells: Any) -> Any:
    book = nbformat.v4.new_notebook()
    book.cells.extend(cells)
    return book


def verdict(check: Any, book: Any) -> str:
    """The type of error the check raised, or "ok"."""
    try:
        check.preprocess(copy.deepcopy(book), {})
    except Exception as error:  # the verdicts of both checks are compared
        return type(error).__name__
    return "ok"


BROKEN = {
    "points not a number": notebook(graded_cell(points="one")),
    "a grade cell without points": notebook(graded_cell(points=None)),
    "an unknown metadata type": notebook(graded_cell(grade="yes")),
    "a grade id left empty": notebook(graded_cell(grade_id="")),
    "two cells with one grade id": notebook(graded_cell(), graded_cell()),
    "an old schema version": notebook(graded_cell(schema_version=1)),
    "a newer schema version": notebook(graded_cell(schema_version=4)),
    "a code cell marked as a task": notebook(graded_cell(task=True, grade=False)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_metadata_fails_as_with_nbgraders_own_check(case: str) -> None:
    book = BROKEN[case]
    for cell in book.cells:  # None stands for a key left out
        cell.metadata.nbgrader = {k: v for k, v in cell.metadata.nbgrader.items() if v is not None}
    ours, theirs = verdict(CheckCellMetadataOnce(), book), verdict(CheckCellMetadata(), book)
    assert ours != "ok"
    assert ours == theirs


@pytest.mark.parametrize("path", LAB, ids=lambda path: path.name)
def test_the_lab_notebooks_pass_both(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    assert verdict(CheckCellMetadataOnce(), book) == verdict(CheckCellMetadata(), book) == "ok"


def test_the_schema_itself_is_checked_once_not_once_a_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = []
    kind = jsonschema.validators.validator_for(cell_metadata.QuickMetadataValidator().schema)
    original = kind.check_schema

    def counting(schema: Any) -> None:
        checked.append(schema)
        original(schema)

    monkeypatch.setattr(cell_metadata, "_validators", {})
    monkeypatch.setattr(kind, "check_schema", staticmethod(counting))
    book = nbformat.read(LAB[0], as_version=4)
    graded = [cell for cell in book.cells if "nbgrader" in cell.metadata]
    assert len(graded) > 10
    for _ in range(2):  # nbgrader checks each notebook twice
        CheckCellMetadataOnce().preprocess(book, {})
    assert len(checked) == 1


def test_autograding_uses_it_in_place_of_nbgraders_check_and_keeps_every_other_step() -> None:
    from nbgrader.converters.autograde import Autograde

    for name, steps in autograde_steps().items():
        nbgraders = Autograde.class_traits()[name].default()
        assert CheckCellMetadata in nbgraders and CheckCellMetadataOnce in steps
        assert [CheckCellMetadata if s is CheckCellMetadataOnce else s for s in steps] == nbgraders
