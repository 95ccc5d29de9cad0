"""The layout holds: small modules, and every moto name localaws relies on checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from localaws.moto_glue import seams
from tests.helpers import PROJECT_ROOT

MAX_MODULE_LINES = 400
PACKAGES = ("localaws", "labcheck", "solutions", "benchmarks", "tests")


def test_no_module_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for package in PACKAGES
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"


def test_every_seam_holds_in_the_installed_moto() -> None:
    assert seams.problems() == []  # those checked at start and those checked when first used


def _break(seam: seams.Seam, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the installed moto lack ``seam`` the way a release could."""
    import importlib

    module_name, _, attribute = seam.path.partition(":")
    owner: object = importlib.import_module(module_name)
    *parents, name = attribute.split(".")
    for part in parents:
        owner = getattr(owner, part)
    if seam.assigned:  # the class no longer sets the attribute in __init__
        monkeypatch.setattr(owner, name, type(name, (), {"__init__": lambda self: None}))
    elif seam.params:  # the callable takes other parameters
        monkeypatch.setattr(owner, name, lambda *renamed: None)
    else:
        monkeypatch.delattr(owner, name)


@pytest.mark.parametrize("seam", seams.SEAMS, ids=lambda seam: f"{seam.path}{seam.assigned}")
def test_the_check_catches_each_missing_seam(
    seam: seams.Seam, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break(seam, monkeypatch)
    found = seams.problems()
    assert any(seam.path in problem for problem in found), found
    with pytest.raises(seams.MotoSeamError, match=r"localaws cannot run with moto \d"):
        seams.check(lazy=seams.group_of(seam))


BROKEN_MOTO_SERVE = """
import sys
import moto.sqs.models
del moto.sqs.models.SQSBackend.send_message  # as a moto release might rename it
from localaws.cli import main
sys.exit(main(["serve", "--state-dir", sys.argv[1], "--port", "4999"]))
"""


def test_a_moto_without_a_seam_stops_serve_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BROKEN_MOTO_SERVE, str(tmp_path / "state")],
        capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("localaws: error: localaws cannot run with moto 5.")
    assert "SQSBackend.send_message is missing" in line
    assert not (tmp_path / "state").exists()  # stopped before it touched anything


def test_notebooks_released_before_the_layout_change_still_import() -> None:
    from labcheck.model.reports import parse_report
    from labcheck.plot import cost_per_invocation
    from labcheck.sandbox import this_python_runtime, zip_source

    line = parse_report(
        "REPORT RequestId: r\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 512 MB\t"
        "Max Memory Used: 60 MB\t"
    )
    assert line is not None and cost_per_invocation(line) > 0
    assert this_python_runtime().startswith("python3.")
    assert zip_source("def lambda_handler(e, c):\n    return 1\n")[:2] == b"PK"
