"""Is one image a faithful half-size copy of another? Size, format, and pixels close enough."""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageStat

#: Mean absolute difference per channel (0-255) allowed against Pillow's Lanczos half-size
#: reference. On the grainy lab image the handlers score about 6-7; the same reference
#: mirrored scores 14, nearest-neighbour sampling 18.
MAX_MEAN_DIFFERENCE = 10.0


def reference_half(original: bytes) -> Image.Image:
    with Image.open(io.BytesIO(original)) as image:
        size = (image.width // 2, image.height // 2)
        return image.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
    return sum(ImageStat.Stat(difference).mean) / 3


def half_size_problems(original: bytes, copy: bytes) -> list[str]:
    """What is wrong with ``copy`` as a half-size copy of ``original`` (empty: nothing)."""
    reference = reference_half(original)
    with Image.open(io.BytesIO(original)) as source:
        expected_format = source.format
    with Image.open(io.BytesIO(copy)) as half:
        half.load()
        if half.size != reference.size:
            return [f"size {half.size}, expected {reference.size}"]
        problems = [] if half.format == expected_format else [f"format {half.format}"]
        difference = mean_difference(half, reference)
    if difference > MAX_MEAN_DIFFERENCE:
        problems.append(f"mean pixel difference {difference:.1f} > {MAX_MEAN_DIFFERENCE}")
    return problems
