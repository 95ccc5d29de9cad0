"""Build the PillowPythonLambdaLayer: Pillow wheels for each Python runtime, in one zip.

Lambda puts ``/opt/python/lib/python3.X/site-packages`` on ``sys.path`` for the runtime's own
version, so one layer holding a Pillow per version serves every Python runtime. Wheels come
from PyPI through pip: manylinux x86_64 wheels for AWS, this machine's platform for localaws.
Downloads are cached, so a second set-up builds the layer without the network.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from labcheck.errors import CannotGradeError

AWS_PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
DEFAULT_CACHE = Path.home() / ".cache" / "serverless-lab" / "wheels"
#: How long one ``pip download`` of Pillow may take.
PIP_TIMEOUT = 600


def download_pillow(
    python_version: str, target: str, cache: Path, say: Callable[[str], None]
) -> Path:
    """The Pillow wheel for ``python_version`` ("3.12") and ``target`` (local or aws)."""
    folder = cache / target / python_version
    wheels = sorted(folder.glob("pillow-*.whl")) + sorted(folder.glob("Pillow-*.whl"))
    if wheels:
        return wheels[-1]
    say(f"Downloading Pillow for Python {python_version} ({target})...")
    options = ["--implementation", "cp", "--python-version", python_version]
    if target == "aws":
        for platform in AWS_PLATFORMS:
            options += ["--platform", platform]
    what = f"Pillow for Python {python_version}"
    return pip_download("pillow", options, folder, what, "run 'labcheck setup' again")


def pip_download(package: str, options: list[str], folder: Path, what: str, retry: str) -> Path:
    """The wheel pip downloads for ``package`` into ``folder``; CannotGradeError saying what
    failed and to ``retry`` once the connection to PyPI is back."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", package, "--quiet", "--no-deps",
        "--only-binary=:all:", *options, "--dest", str(folder), "--disable-pip-version-check",
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CannotGradeError(
            f"downloading {what} took over {PIP_TIMEOUT} s.",
            f"Check the connection to PyPI and {retry}.",
        ) from None
    wheels = sorted(folder.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise CannotGradeError(
            f"could not download {what}: "
            f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'no wheel'}.",
            f"Check the connection to PyPI and {retry}.",
        )
    return wheels[-1]


def build_layer(wheels: dict[str, Path]) -> bytes:
    """One zip with each wheel's files under python/lib/python3.X/site-packages/."""
    buffer = io.BytesIO()
    # Level 1: the .so files shrink almost as much as at level 6, several times faster.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as layer:
        for version, wheel in sorted(wheels.items()):
            prefix = f"python/lib/python{version}/site-packages/"
            with zipfile.ZipFile(wheel) as source:
                for info in source.infolist():
                    if info.is_dir():
                        continue
                    entry = zipfile.ZipInfo(prefix + info.filename, info.date_time)
                    entry.external_attr = info.external_attr or (0o644 << 16)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    layer.writestr(entry, source.read(info))
    return buffer.getvalue()


def layer_fingerprint(wheels: dict[str, Path]) -> str:
    names = ",".join(f"{version}:{wheel.name}" for version, wheel in sorted(wheels.items()))
    return hashlib.sha256(names.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PillowLayer:
    """The layer's wheels and fingerprint; the zip is built (and cached) only when needed."""

    wheels: dict[str, Path]
    target: str
    cache: Path

    @property
    def fingerprint(self) -> str:
        return layer_fingerprint(self.wheels)

    def content(self, say: Callable[[str], None]) -> bytes:
        packed = self.cache / "layers" / f"{self.target}-{self.fingerprint}.zip"
        if packed.is_file():
            return packed.read_bytes()
        say(f"Packing the layer ({len(self.wheels)} Python versions)...")
        content = build_layer(self.wheels)
        packed.parent.mkdir(parents=True, exist_ok=True)
        partial = packed.with_suffix(".partial")
        partial.write_bytes(content)
        partial.replace(packed)
        return content


def pillow_layer(
    python_versions: Sequence[str],
    target: str,
    say: Callable[[str], None],
    cache: Path = DEFAULT_CACHE,
) -> PillowLayer:
    """The layer for ``python_versions`` on ``target`` (wheels downloaded once, then cached)."""
    wheels = {version: download_pillow(version, target, cache, say) for version in python_versions}
    return PillowLayer(wheels, target, cache)
