"""The course's large test image: our own picture, drawn deterministically, about 5 MB."""

from __future__ import annotations

import io
import math
import random
from pathlib import Path

from labcheck.atomic_files import write_atomically

WIDTH, HEIGHT = 3200, 2400
DEFAULT_PATH = Path("assets") / "lab-image.jpg"


def draw_lab_image(seed: int = 2026) -> bytes:
    """A sunset-coloured landscape with grain: detailed enough to weigh about 5 MB as JPEG."""
    from PIL import Image, ImageDraw, ImageFilter

    generator = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            [(0, y), (WIDTH, y)], fill=(int(250 - 120 * t), int(150 - 60 * t), int(90 + 110 * t))
        )
    for layer in range(5):
        base = HEIGHT * (0.45 + 0.1 * layer)
        points: list[tuple[int, int]] = [(0, HEIGHT)]
        for x in range(0, WIDTH + 40, 40):
            wave = math.sin(x / (180 + 60 * layer) + layer) * 60 + generator.uniform(-25, 25)
            points.append((x, int(base + wave)))
        points.append((WIDTH, HEIGHT))
        shade = 40 + 30 * layer
        draw.polygon(points, fill=(shade, int(shade * 0.7), int(shade * 1.2)))
    image = image.filter(ImageFilter.SMOOTH)
    grain = Image.frombytes("L", (WIDTH, HEIGHT), generator.randbytes(WIDTH * HEIGHT))
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.32)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=95)
    return output.getvalue()


def ensure_lab_image(path: Path = DEFAULT_PATH) -> Path:
    """Write the image to ``path`` unless it is already there."""
    if not path.exists():
        write_atomically(path, draw_lab_image())
    return path


def ensure_smaller_copy(original: Path, path: Path) -> Path:
    """Write ``original`` at half its width and height to ``path`` unless it is there and
    newer than ``original``."""
    if not path.exists() or path.stat().st_mtime < original.stat().st_mtime:
        from PIL import Image

        with Image.open(original) as image:
            half = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
        output = io.BytesIO()
        half.save(output, format="JPEG", quality=95)
        write_atomically(path, output.getvalue())
    return path
