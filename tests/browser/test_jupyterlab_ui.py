"""The course in a real browser: JupyterLab shows its diagrams, runs labcheck in a notebook and
answers a knowledge check.

Headless Chromium opens JupyterLab (served from a learner's copy of ``notebooks/``, as
`make lab` makes it, its kernels talking to a fresh localaws) the way a learner does.
Screenshots of each step are saved under ``test-artifacts/browser/`` (and of the page as it
was when a test fails).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from tests.browser.conftest import notebooks_source

pytestmark = [pytest.mark.browser, pytest.mark.server]

WELCOME = "00-welcome/00-welcome.ipynb"
TASK1 = "lab/task1-create-function.ipynb"

#: Deadlines, in milliseconds, for what the page must show.
NOTEBOOK_OPENS_MS = 60_000
DIAGRAM_RENDERS_MS = 30_000
KERNEL_READY_MS = 60_000
GRADE_SHOWS_MS = 120_000

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# JupyterLab 4 renders a ```mermaid fence as an SVG: inline, or (4.4+) as an SVG image.
MERMAID_SVG = (
    ".jp-MarkdownOutput .jp-RenderedMermaid svg, "
    ".jp-MarkdownOutput .jp-RenderedMermaid img[src^='data:image/svg+xml']"
)
CELL_ERROR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
CHECK_ANSWERS_MS = 60_000


def open_notebook(page: Page, course: Path, notebook: str) -> Locator:
    """Open ``notebook`` as a learner can, with File > Open from Path..., and return its panel."""
    if not (course / notebook).is_file():
        pytest.fail(f"{notebooks_source() / notebook} is missing: the browser test opens it.")
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name="Open from Path…", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill(notebook)
    dialog.get_by_role("button", name="Open", exact=True).click()
    name = notebook.rsplit("/", 1)[-1]
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=name).wait_for(timeout=NOTEBOOK_OPENS_MS)
    panel = page.locator(NOTEBOOK)
    panel.locator(".jp-Cell").first.wait_for(timeout=NOTEBOOK_OPENS_MS)
    return panel


def screenshot(page: Page, path: Path) -> None:
    page.screenshot(path=path)
    print(f"screenshot: {path}")


def test_welcome_renders_mermaid_diagram(page: Page, course: Path, artifacts: Path) -> None:
    panel = open_notebook(page, course, WELCOME)
    diagram = panel.locator(MERMAID_SVG).first
    try:
        diagram.wait_for(timeout=DIAGRAM_RENDERS_MS)
    except PlaywrightError:
        pytest.fail(f"No Mermaid diagram rendered as SVG in {WELCOME} within the deadline.")
    diagram.scroll_into_view_if_needed()
    size = diagram.evaluate(
        "e => e.tagName === 'IMG' ? [e.naturalWidth, e.naturalHeight]"
        " : [e.getBoundingClientRect().width, e.getBoundingClientRect().height]"
    )
    screenshot(page, artifacts / "01-welcome-mermaid.png")
    assert min(size) > 0, f"the Mermaid SVG is empty ({size})"


def test_task1_grade_shows_results_table(page: Page, course: Path, artifacts: Path) -> None:
    panel = open_notebook(page, course, TASK1)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=KERNEL_READY_MS
    )
    grade = panel.locator(".jp-CodeCell", has_text="labcheck.grade(").first
    try:
        grade.wait_for(timeout=NOTEBOOK_OPENS_MS)
    except PlaywrightError:
        pytest.fail(f"{TASK1} shows no code cell calling labcheck.grade(...).")
    # As a learner would: run the cell choosing how they work (WAY) and the set-up cell
    # that imports labcheck (when they come earlier), then the grade cell. The cells that
    # create the function do not run, so task 1 is graded on an account without it.
    for text in ("WAY = ", "import labcheck"):
        cell = panel.locator(".jp-CodeCell", has_text=text).first
        if cell.count() and cell_index(cell) < cell_index(grade):
            run_cell(page, cell)
    run_cell(page, grade)

    table = grade.locator(".jp-OutputArea-output table", has=page.locator("th", has_text="check"))
    error = panel.locator(f"{CELL_ERROR}:has-text('Traceback')")
    try:
        table.or_(error).first.wait_for(timeout=GRADE_SHOWS_MS)
    except PlaywrightError:
        pytest.fail("labcheck.grade(...) showed no results table within the deadline.")
    grade.scroll_into_view_if_needed()
    screenshot(page, artifacts / "02-task1-grade.png")
    assert error.count() == 0, f"a cell failed:\n{error.first.inner_text()}"

    rows = table.locator("tbody tr").all_inner_texts()
    assert rows, "the results table has no checks"
    # A fresh localaws has no function yet: task1 is graded and fails, with a hint.
    assert any(row.startswith("FAIL") for row in rows), rows
    score = grade.locator(".jp-OutputArea-output p", has_text="Score").inner_text()
    assert re.fullmatch(r"Score \d+/\d+", score.strip()), score


def cell_index(cell: Locator) -> int:
    return int(cell.get_attribute("data-windowed-list-index") or 0)


def run_cell(page: Page, cell: Locator) -> None:
    """Select ``cell`` by its prompt (command mode, as a click beside it does) and run it."""
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")


def test_a_knowledge_check_says_not_yet_then_correct(
    page: Page, course: Path, artifacts: Path
) -> None:
    """In the learner's copy, question 3 of the welcome notebook: a wrong answer gets the
    check's hint (not the answer), a right one "Correct" and why."""
    panel = open_notebook(page, course, WELCOME)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=KERNEL_READY_MS
    )
    setup = panel.locator(".jp-CodeCell", has_text="import labcheck").first
    run_cell(page, setup)
    ran = setup.locator(".jp-InputPrompt", has_text=re.compile(r"\[\d+\]"))
    ran.wait_for(timeout=KERNEL_READY_MS)  # connected, labcheck imported
    check = panel.locator(".jp-CodeCell", has_text="labcheck.is_answer(free_invocations").first
    check.scroll_into_view_if_needed()
    answer = check.locator("xpath=preceding-sibling::div[1]")  # the answer cell, just above
    for typed, expected, shot in (
        ("free_invocations = 1_000_000", "Not yet: work out the GB-seconds", "03-not-yet.png"),
        ("free_invocations = 800_000", "Correct: ", "04-correct.png"),
    ):
        write_cell(page, answer, typed)
        run_cell(page, answer)
        run_cell(page, check)
        said = check.locator(".jp-OutputArea-output", has_text=expected)
        try:
            said.wait_for(timeout=CHECK_ANSWERS_MS)
        except PlaywrightError:
            pytest.fail(f"after {typed!r} the check did not say {expected!r}")
        check.scroll_into_view_if_needed()
        screenshot(page, artifacts / shot)
        text = check.locator(".jp-OutputArea").inner_text()
        assert "800000" not in text.replace("_", "").replace(",", "")  # never the answer
        assert "Traceback" not in text


def write_cell(page: Page, cell: Locator, text: str) -> None:
    """Replace ``cell``'s source with ``text``, typed as a learner types it."""
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Escape")
