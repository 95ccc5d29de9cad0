"""Environments' cgroups left empty by earlier servers are removed; live and new ones stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from localaws.executor.cpu import STALE_SECONDS, _CgroupLimiter


def test_only_old_empty_cgroups_are_removed(tmp_path: Path) -> None:
    old = time.time() - STALE_SECONDS - 10
    for name in ("left-over", "still-running", "just-made"):
        (tmp_path / name).mkdir()
    (tmp_path / "still-running" / "cgroup.procs").write_text("4242\n")  # cannot be removed
    for name in ("left-over", "still-running"):
        os.utime(tmp_path / name, (old, old))
    assert _CgroupLimiter(tmp_path).remove_stale_cgroups() == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["just-made", "still-running"]


def test_a_missing_parent_removes_nothing(tmp_path: Path) -> None:
    assert _CgroupLimiter(tmp_path / "gone").remove_stale_cgroups() == 0
