"""Fixtures for the browser test: a copy of the course, JupyterLab on it, and headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from labcheck.workspace import update_workspace
from localaws.state.owner import load_or_create
from tests.browser.jupyterlab import JupyterLabProcess
from tests.helpers import PROJECT_ROOT, ServerProcess

#: Screenshots of each step land here (git-ignored), kept after the run for people to look at.
ARTIFACTS_DIR = PROJECT_ROOT / "test-artifacts" / "browser"

#: Deadline for JupyterLab's page to load and show its first tab.
APP_LOADS_MS = 60_000

#: Overrides the folder of notebooks the test copies (default: the course's ``notebooks/``).
NOTEBOOKS_ENV = "LAB_BROWSER_NOTEBOOKS"

#: Overrides the Chromium the test drives (default: ``chromium`` on PATH, Debian's package).
CHROMIUM_ENV = "CHROMIUM"


def notebooks_source() -> Path:
    return Path(os.environ.get(NOTEBOOKS_ENV) or PROJECT_ROOT / "notebooks")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The learner's copy of the course, made as `make lab` makes it (nbgrader's generate step:
    no solutions, no hidden tests), so that running it never writes the repo."""
    source = tmp_path_factory.mktemp("sources") / "notebooks"
    shutil.copytree(
        notebooks_source(),
        source,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "labcheck-evidence.json"),
    )
    workspace = tmp_path_factory.mktemp("course") / "workspace"
    update_workspace(source, PROJECT_ROOT / "nbgrader_config.py", workspace)
    return workspace


@pytest.fixture(scope="module")
def jupyterlab(
    course: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterLabProcess]:
    """JupyterLab on the course copy, its kernels talking to a fresh localaws of their own."""
    localaws = ServerProcess(tmp_path_factory.mktemp("localaws-state"))
    # Its owner's credentials now (localaws keeps those it finds), for kernels started early.
    load_or_create(localaws.state_dir)
    lab = JupyterLabProcess(course, tmp_path_factory.mktemp("jupyter-home"), localaws.endpoint)
    lab.launch()  # the two servers start side by side; kernels only need localaws later
    try:
        localaws.start()
        lab.wait_ready(deadline=90)
        yield lab
    finally:
        lab.stop()
        localaws.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium")
    if not executable:
        pytest.fail(
            "Chromium is not installed: `make chromium` installs Debian's package "
            f"(or set {CHROMIUM_ENV}=/path/to/chromium)."
        )
    # Playwright drives the system's Chromium; it never downloads a browser of its own.
    # It runs it without the setuid sandbox (--no-sandbox), which Chromium needs as root.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab_page(browser: Browser, jupyterlab: JupyterLabProcess) -> Iterator[Page]:
    """JupyterLab loaded once in a page; the tests open their notebooks in it."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(jupyterlab.url())
    page.locator(".jp-Launcher, .jp-NotebookPanel").first.wait_for(timeout=APP_LOADS_MS)
    yield page
    context.close()


@pytest.fixture
def page(lab_page: Page, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The JupyterLab page; a screenshot of it is saved when the test fails."""
    yield lab_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        path = artifacts / f"{request.node.name}-FAILED.png"
        lab_page.screenshot(path=path)
        print(f"screenshot: {path}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.report_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS_DIR, ignore_errors=True)
    ARTIFACTS_DIR.mkdir(parents=True)
    return ARTIFACTS_DIR
