"""Pictures side by side: previews small enough for a notebook, captions with the real size."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image

from labcheck.render.side_by_side import PREVIEW_PIXELS, Picture, SideBySide


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_each_picture_keeps_its_real_size_and_gets_a_small_preview() -> None:
    original = jpeg(2400, 1600)
    picture = Picture.from_bytes("lab-original", original)
    assert (picture.width, picture.height, picture.size_bytes) == (2400, 1600, len(original))
    with Image.open(io.BytesIO(picture.preview_jpeg)) as preview:
        assert max(preview.size) <= PREVIEW_PIXELS
        assert preview.size[0] / preview.size[1] == 1.5  # the shape is kept
    assert picture.caption == f"lab-original: 2400x1600 px, {len(original) / 1e6:.1f} MB"


def test_the_pair_shows_as_html_with_both_previews_and_captions() -> None:
    pair = SideBySide(
        (Picture.from_bytes("lab-original", jpeg(2400, 1600)),
         Picture.from_bytes("lab-resized", jpeg(1200, 800)))
    )  # fmt: skip
    html = pair._repr_html_()
    previews = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(previews) == 2
    for data in previews:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            assert image.format == "JPEG"
    assert "lab-original: 2400x1600 px" in html and "lab-resized: 1200x800 px" in html
    assert repr(pair).splitlines()[1].startswith("lab-resized: 1200x800 px")
