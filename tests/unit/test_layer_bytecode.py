"""The Pillow layer carries its modules' bytecode, valid whatever times unpacking gives them."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from labcheck.provision.layer import build_layer, layer_fingerprint

VERSION = f"3.{sys.version_info.minor}"
SITE_PACKAGES = f"python/lib/python{VERSION}/site-packages"


def fake_wheel(folder: Path) -> Path:
    wheel = folder / "tiny-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tiny/__init__.py", "VALUE = 'as built'\n")
        archive.writestr("tiny-1.0.dist-info/METADATA", "Name: tiny\n")
    return wheel


def unpack_and_import(layer: bytes, folder: Path) -> str:
    """Unpack as localaws does (new file times), change the source, import without writing."""
    zipfile.ZipFile(io.BytesIO(layer)).extractall(folder)
    source = folder / SITE_PACKAGES / "tiny" / "__init__.py"
    source.write_text("VALUE = 'changed after unpacking'\n")
    result = subprocess.run(
        [sys.executable, "-B", "-c", "import tiny; print(tiny.VALUE)"],
        env={"PYTHONPATH": str(folder / SITE_PACKAGES)},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_version_with_an_interpreter_gets_bytecode_that_imports_as_built(tmp_path: Path) -> None:
    wheels = {VERSION: fake_wheel(tmp_path)}
    layer = build_layer(wheels, {VERSION: sys.executable})
    names = zipfile.ZipFile(io.BytesIO(layer)).namelist()
    assert any(name.startswith(f"{SITE_PACKAGES}/tiny/__pycache__/") for name in names)
    # Unchecked-hash bytecode: imported as is, never compiled again from the source.
    assert unpack_and_import(layer, tmp_path / "unpacked") == "as built"


def test_without_an_interpreter_the_layer_holds_the_sources_alone(tmp_path: Path) -> None:
    layer = build_layer({VERSION: fake_wheel(tmp_path)}, {})
    assert not any("__pycache__" in name for name in zipfile.ZipFile(io.BytesIO(layer)).namelist())
    assert unpack_and_import(layer, tmp_path / "unpacked") == "changed after unpacking"


def test_the_fingerprint_says_which_versions_carry_bytecode(tmp_path: Path) -> None:
    """A cached or published layer built before (without bytecode) is not taken as current."""
    wheels = {VERSION: fake_wheel(tmp_path)}
    assert layer_fingerprint(wheels, (VERSION,)) != layer_fingerprint(wheels, ())
