"""Deployment packages unpack inside their folder only: hostile zips change nothing outside."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from localaws.executor.packages import BadPackageError, PackageStore, check_package


def zip_of(*members: tuple[str, bytes, int]) -> bytes:
    """A zip whose members carry the given Unix mode bits (file type included)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


HANDLER = ("lambda_function.py", b"def lambda_handler(e, c):\n    return 1\n", 0o100644)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A private file next to the work directory, as a learner's ~/.ssh/config would be."""
    path = tmp_path / "home" / "config"
    path.parent.mkdir()
    path.write_text("secret")
    path.chmod(0o600)
    return path


def hostile_members(victim: Path) -> dict[str, tuple[str, bytes, int]]:
    return {
        "absolute": (str(victim), b"owned", 0o100777),
        "dot-dot": ("../../home/config", b"owned", 0o100777),
        "dot-dot-inside": ("lib/../../home/config", b"owned", 0o100777),
        "symlink": ("link", str(victim).encode(), 0o120777),
    }


@pytest.mark.parametrize("kind", ["absolute", "dot-dot", "dot-dot-inside", "symlink"])
def test_a_hostile_member_is_refused_and_nothing_outside_changes(
    tmp_path: Path, victim: Path, kind: str
) -> None:
    store = PackageStore(tmp_path / "work")
    package = zip_of(HANDLER, hostile_members(victim)[kind])
    with pytest.raises(BadPackageError, match="cannot be unpacked safely"):
        store.task_root(package)
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert victim.read_text() == "secret"
    assert not (tmp_path / "work" / "code").exists() or not any(
        (tmp_path / "work" / "code").iterdir()
    )  # no half-unpacked task root is left to be reused


def test_a_layer_with_a_hostile_member_is_refused(tmp_path: Path, victim: Path) -> None:
    layer = zip_of(("python/ok.py", b"", 0o100644), hostile_members(victim)["dot-dot"])
    with pytest.raises(BadPackageError, match="climbs out"):
        PackageStore(tmp_path / "work").opt_dir([layer])
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600


def test_a_good_package_keeps_its_modes(tmp_path: Path) -> None:
    package = zip_of(HANDLER, ("bin/tool", b"#!/bin/sh\n", 0o100755), ("data/", b"", 0o40755))
    root = PackageStore(tmp_path / "work").task_root(package)
    assert (root / "lambda_function.py").read_bytes().startswith(b"def lambda_handler")
    assert stat.S_IMODE((root / "bin" / "tool").stat().st_mode) == 0o755
    assert stat.S_IMODE((root / "lambda_function.py").stat().st_mode) == 0o644


def test_bytes_that_are_no_zip_are_refused() -> None:
    with pytest.raises(BadPackageError, match="not a zip file"):
        check_package(b"print('hello')")
