"""What a knowledge check's visible test says, read from the notebooks nbgrader autograded."""

from __future__ import annotations

import nbformat

from labcheck.quiz.notebooks import HIDDEN_TESTS

#: Notebooks whose knowledge checks still fail with bare asserts (being rewritten elsewhere).
BARE_ASSERTS: set[str] = set()


def visible_part(source: str) -> str:
    return source.split(HIDDEN_TESTS, 1)[0]


def question_tests(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Each question's test cell (grade id -> cell)."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-tests")
    }


def printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def error(cell: nbformat.NotebookNode) -> tuple[str, str] | None:
    """The (ename, evalue) a cell failed with, if it failed."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return str(output.ename), str(output.evalue)
    return None
