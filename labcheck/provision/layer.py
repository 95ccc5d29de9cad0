"""Build the PillowPythonLambdaLayer: Pillow wheels for each Python runtime, in one zip.

Lambda puts ``/opt/python/lib/python3.X/site-packages`` on ``sys.path`` for the runtime's own
version, so one layer holding a Pillow per version serves every Python runtime. Wheels come
from PyPI through pip: manylinux x86_64 wheels for AWS, this machine's platform for localaws.
Downloads are cached, so a second set-up builds the layer without the network.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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


def build_layer(wheels: dict[str, Path], compilers: Mapping[str, str] | None = None) -> bytes:
    """One zip with each wheel's files under python/lib/python3.X/site-packages/, and the
    bytecode of its modules for each version ``compilers`` names an interpreter for."""
    buffer = io.BytesIO()
    # Level 1: the .so files shrink almost as much as at level 6, several times faster.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as layer:
        for version, wheel in sorted(wheels.items()):
            prefix = f"python/lib/python{version}/site-packages/"
            sources: dict[str, bytes] = {}
            with zipfile.ZipFile(wheel) as source:
                for info in source.infolist():
                    if info.is_dir():
                        continue
                    entry = zipfile.ZipInfo(prefix + info.filename, info.date_time)
                    entry.external_attr = info.external_attr or (0o644 << 16)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    content = source.read(info)
                    layer.writestr(entry, content)
                    if info.filename.endswith(".py"):
                        sources[info.filename] = content
            python = (compilers or {}).get(version)
            for name, bytecode in (compile_modules(sources, python) if python else {}).items():
                entry = zipfile.ZipInfo(prefix + name, (2020, 1, 1, 0, 0, 0))
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                layer.writestr(entry, bytecode)
    return buffer.getvalue()


def compile_modules(sources: Mapping[str, bytes], python: str) -> dict[str, bytes]:
    """The ``__pycache__`` files ``python`` makes for ``sources`` (path in the package ->
    text), by their paths in the package; {} if it cannot run.

    Unchecked-hash bytecode (PEP 552) stays valid whatever times the unpacked files get, so a
    cold start imports it instead of compiling Pillow's modules again: on AWS, whose /opt is
    read-only, every cold start would; in localaws, the first run after each set-up, at the
    function's CPU share (about 0.25 s at 512 MB).
    """
    with tempfile.TemporaryDirectory(prefix="layer-bytecode-") as folder:
        root = Path(folder)
        for name, text in sources.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
        command = [python, "-I", "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
        try:  # a module this Python cannot compile stays source only; the others are kept
            subprocess.run([*command, folder], capture_output=True, timeout=PIP_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            return {}
        return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*.pyc")}


def layer_fingerprint(wheels: dict[str, Path], compiled: Sequence[str] = ()) -> str:
    """Names the layer's content: the wheels, and which versions carry bytecode."""
    names = ",".join(
        f"{version}:{wheel.name}{'+bytecode' if version in compiled else ''}"
        for version, wheel in sorted(wheels.items())
    )
    return hashlib.sha256(names.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PillowLayer:
    """The layer's wheels and fingerprint; the zip is built (and cached) only when needed."""

    wheels: dict[str, Path]
    target: str
    cache: Path
    #: The interpreter that compiles each version's bytecode, where this machine has one.
    compilers: Mapping[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return layer_fingerprint(self.wheels, tuple(self.compilers))

    def content(self, say: Callable[[str], None]) -> bytes:
        packed = self.cache / "layers" / f"{self.target}-{self.fingerprint}.zip"
        if packed.is_file():
            return packed.read_bytes()
        say(f"Packing the layer ({len(self.wheels)} Python versions)...")
        content = build_layer(self.wheels, self.compilers)
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
    return PillowLayer(wheels, target, cache, interpreters(python_versions))


def interpreters(python_versions: Sequence[str]) -> dict[str, str]:
    """This machine's interpreter for each of ``python_versions`` ("3.12") it has."""
    from localaws.api import find_python

    found = {v: find_python(int(v.split(".")[1]), os.environ) for v in python_versions}
    return {version: path for version, path in found.items() if path}
