"""A Lambda layer holding this machine's Pillow, as localaws's lab set-up builds for offline use."""

from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path

import PIL


def pillow_layer_zip() -> bytes:
    """``python/PIL`` and Pillow's bundled libraries, zipped the way layers are laid out."""
    site_packages = Path(PIL.__file__).parent.parent
    folders = [site_packages / "PIL"] + [
        path for path in site_packages.iterdir() if path.name.lower() == "pillow.libs"
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for folder in folders:
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, f"python/{path.relative_to(site_packages)}")
    return buffer.getvalue()


def this_python_runtime() -> str:
    return f"python3.{sys.version_info.minor}"


def noisy_jpeg(width: int = 2400, height: int = 1800, seed: int = 7) -> bytes:
    """A deterministic JPEG of about 5 MB (noise compresses poorly)."""
    from PIL import Image

    pixels = random.Random(seed).randbytes(width * height * 3)
    output = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(output, format="JPEG", quality=95)
    return output.getvalue()
