"""A layer with Powertools for AWS Lambda (Python), for the monitoring notebook's demo.

Powertools is pure Python, so one wheel serves every Python runtime, on AWS and on localaws
alike; the layer holds it and its one dependency under ``python/``, where Lambda puts a layer
on ``sys.path``. Wheels come from PyPI through pip, once: later builds use the cache, as the
Pillow layer does (``layer.py``). AWS also publishes a Powertools layer of its own; building
ours keeps the demo identical offline.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from labcheck.errors import CannotGradeError
from labcheck.provision.layer import DEFAULT_CACHE, PIP_TIMEOUT

PACKAGES = ("aws-lambda-powertools", "typing-extensions")


def download_wheel(package: str, cache: Path, say: Callable[[str], None]) -> Path:
    """The newest pure-Python wheel of ``package``, downloaded once into ``cache``."""
    folder = cache / "pure" / package
    wheels = sorted(folder.glob("*.whl"))
    if wheels:
        return wheels[-1]
    folder.mkdir(parents=True, exist_ok=True)
    say(f"Downloading {package}...")
    command = [
        sys.executable, "-m", "pip", "download", package, "--quiet", "--no-deps",
        "--only-binary=:all:", "--dest", str(folder), "--disable-pip-version-check",
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        result = None
    wheels = sorted(folder.glob("*.whl"))
    if result is None or result.returncode != 0 or not wheels:
        raise CannotGradeError(
            f"could not download {package} from PyPI.",
            "Check the connection to PyPI and run the cell again.",
        )
    return wheels[-1]


def powertools_layer_zip(say: Callable[[str], None] = print, cache: Path = DEFAULT_CACHE) -> bytes:
    """The layer's zip: each wheel's files under ``python/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as layer:
        for package in PACKAGES:
            with zipfile.ZipFile(download_wheel(package, cache, say)) as wheel:
                for info in wheel.infolist():
                    if not info.is_dir():
                        layer.writestr(f"python/{info.filename}", wheel.read(info))
    return buffer.getvalue()
