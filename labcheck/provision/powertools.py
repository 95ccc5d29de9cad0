"""A layer with Powertools for AWS Lambda (Python), for the monitoring notebook's demo.

Powertools is pure Python, so one wheel serves every Python runtime, on AWS and on localaws
alike; the layer holds it and its one dependency under ``python/``, where Lambda puts a layer
on ``sys.path``. Wheels come from PyPI through pip, once: later builds use the cache, as the
Pillow layer does (``layer.py``). AWS also publishes a Powertools layer of its own; building
ours keeps the demo identical offline.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from labcheck.provision.layer import DEFAULT_CACHE, pip_download

PACKAGES = ("aws-lambda-powertools", "typing-extensions")


def download_wheel(package: str, cache: Path, say: Callable[[str], None]) -> Path:
    """The newest pure-Python wheel of ``package``, downloaded once into ``cache``."""
    folder = cache / "pure" / package
    wheels = sorted(folder.glob("*.whl"))
    if wheels:
        return wheels[-1]
    say(f"Downloading {package}...")
    return pip_download(package, [], folder, package, "run the cell again")


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
