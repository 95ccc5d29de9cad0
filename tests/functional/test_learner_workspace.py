"""`make lab`'s learner copy: nbgrader's release of the course, never overwriting the learner's
work, opened in a JupyterLab without the instructor's tools."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from labcheck.workspace import LEARNER_JUPYTER_CONFIG
from localaws.api import wait_for
from tests.helpers import PROJECT_ROOT, free_port, http_status

SOURCES = PROJECT_ROOT / "notebooks"
CONFIG = PROJECT_ROOT / "nbgrader_config.py"
#: Text only the instructor's copy has: a hidden test, a model answer, a reflection's answer.
ANSWER_KEY = (
    "### BEGIN SOLUTION",
    "### BEGIN HIDDEN TESTS",
    "assert attempts_by_default == 3",
    'not_a_microservice_property = "c"',
    "The average hides the slow tail",
    "**Rubric",  # the instructor's marking guide under each reflection
)


def labcheck_workspace(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labcheck", "workspace", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def copy_sources(destination: Path) -> Path:
    """The course's sources and nbgrader config, to change them as a course update would."""
    shutil.copytree(SOURCES, destination / "notebooks", ignore=shutil.ignore_patterns("*.json"))
    shutil.copy(CONFIG, destination / "nbgrader_config.py")
    return destination


def released_copy(folder: Path) -> tuple[Path, Path, tuple[str, ...]]:
    """A copy of the course's sources, released into a workspace: (course, workspace, the
    options that release it again)."""
    course = copy_sources(folder / "course")
    workspace = folder / "workspace"
    options = ("--into", str(workspace), "--sources", str(course / "notebooks"),
               "--config", str(course / "nbgrader_config.py"))  # fmt: skip
    assert labcheck_workspace(*options).returncode == 0
    return course, workspace, options


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("learner") / "workspace"
    result = labcheck_workspace("--into", str(workspace), "--sources", str(SOURCES),
                                "--config", str(CONFIG))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "15 file(s) added" in result.stdout
    return workspace


def test_the_learner_copy_has_every_notebook_and_no_answer_key(released: Path) -> None:
    sources = sorted(p.relative_to(SOURCES) for p in SOURCES.rglob("*.ipynb"))
    assert sorted(p.relative_to(released) for p in released.rglob("*.ipynb")) == sources
    for path in released.rglob("*.ipynb"):
        text = path.read_text()
        leaked = [key for key in ANSWER_KEY if key in text]
        assert not leaked, f"{path.name} shows {leaked}"
    welcome = nbformat.read(released / "00-welcome" / "00-welcome.ipynb", as_version=4)
    answers = [c for c in welcome.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and all("raise NotImplementedError()" in c.source for c in answers
                           if c.cell_type == "code")  # fmt: skip


def test_a_second_run_is_quick_and_changes_nothing(released: Path) -> None:
    before = {p: p.read_bytes() for p in released.rglob("*.ipynb")}
    result = labcheck_workspace("--into", str(released), "--sources", str(SOURCES),
                                "--config", str(CONFIG))  # fmt: skip
    assert result.returncode == 0 and "is up to date" in result.stdout, result
    assert {p: p.read_bytes() for p in released.rglob("*.ipynb")} == before


def test_a_course_update_keeps_the_learners_work_and_offers_the_new_version(
    tmp_path: Path,
) -> None:
    course, workspace, options = released_copy(tmp_path)
    mine = workspace / "04-invocation-types" / "04-invocation-types.ipynb"
    untouched = workspace / "02-event-driven-architecture" / "02-event-driven-architecture.ipynb"
    notebook = nbformat.read(mine, as_version=4)
    answer = next(c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == "q2-answer")
    answer.source = "attempts_by_default = 3  # my answer"
    nbformat.write(notebook, mine)
    my_work = mine.read_bytes()
    for name in ("04-invocation-types", "02-event-driven-architecture"):  # the course changes
        source = course / "notebooks" / name / f"{name}.ipynb"
        updated = nbformat.read(source, as_version=4)
        updated.cells[0].source += "\n\nUpdated for this term."
        nbformat.write(updated, source)

    result = labcheck_workspace(*options)

    assert result.returncode == 0, result.stderr
    assert mine.read_bytes() == my_work  # never overwritten
    offered = mine.with_name("04-invocation-types.updated.ipynb")
    assert "Updated for this term." in offered.read_text()
    assert "Updated for this term." in untouched.read_text()  # not changed by the learner
    assert not untouched.with_name(f"{untouched.stem}.updated.ipynb").exists()
    assert "04-invocation-types.ipynb: yours is kept" in result.stdout
    assert "1 notebook(s) you had not changed, updated" in result.stdout
    again = labcheck_workspace(*options)
    assert "is up to date" in again.stdout and mine.read_bytes() == my_work


def test_a_missing_source_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = labcheck_workspace("--into", str(tmp_path / "w"), "--sources", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr.startswith("labcheck: error: no source notebooks folder at")
    assert "Traceback" not in result.stderr and not (tmp_path / "w").exists()


@pytest.fixture
def learner_jupyterlab(released: Path, tmp_path: Path) -> Iterator[str]:
    """JupyterLab as `make lab` starts it, on the learner copy."""
    port, token = free_port(), "learner-test-token"
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_PATH": str(LEARNER_JUPYTER_CONFIG),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--notebook-dir={released}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: http_status(f"{base}/api?token={token}") == 200, 60)
        yield f"{base}/%s?token={token}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_learners_jupyterlab_has_no_instructor_tools_and_no_news(learner_jupyterlab: str) -> None:
    assert http_status(learner_jupyterlab % "formgrader") == 404
    with urllib.request.urlopen(learner_jupyterlab % "lab", timeout=30) as response:
        page = response.read().decode()
    assert '"news": {"disabled": true}' in page
    for plugin in ("create-assignment", "course-list", "assignment-list", "menu"):
        assert f'"@jupyter/nbgrader:{plugin}"' in page.split('"disabledExtensions"', 1)[1][:400]


def test_an_update_elsewhere_offers_nothing_and_never_overwrites_an_updated_copy(
    tmp_path: Path,
) -> None:
    course, workspace, options = released_copy(tmp_path)
    mine = workspace / "00-welcome" / "00-welcome.ipynb"
    mine.write_text(mine.read_text().replace("Welcome", "My welcome", 1))
    source = course / "notebooks" / "01-serverless-and-microservices"
    changed = source / "01-serverless-and-microservices.ipynb"
    changed.write_text(changed.read_text().replace("serverless", "Serverless", 1))

    first = labcheck_workspace(*options)  # the course changed, but not 00-welcome

    assert "00-welcome" not in first.stdout and "1 notebook(s) you had not changed" in first.stdout
    assert not list(workspace.glob("00-welcome/*.updated*"))
    welcome = course / "notebooks" / "00-welcome" / "00-welcome.ipynb"
    welcome.write_text(welcome.read_text().replace("Welcome", "Welcome back", 1))
    labcheck_workspace(*options)
    offered = workspace / "00-welcome" / "00-welcome.updated.ipynb"
    offered.write_text(offered.read_text().replace("Welcome back", "Worked in", 1))  # theirs now
    welcome.write_text(welcome.read_text().replace("Welcome back", "Welcome again", 1))

    labcheck_workspace(*options)

    assert "Worked in" in offered.read_text()  # never overwritten
    assert "Welcome again" in (workspace / "00-welcome" / "00-welcome.updated-2.ipynb").read_text()
