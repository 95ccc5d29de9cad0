"""The autograder's copy of the lab photo: half the width and height, made once."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from labcheck.provision.image import ensure_smaller_copy


def test_the_copy_is_half_size_and_made_once(tmp_path: Path) -> None:
    original = tmp_path / "lab-image.jpg"
    Image.new("RGB", (640, 480), (90, 140, 200)).save(original, format="JPEG")
    copy = ensure_smaller_copy(original, tmp_path / "cache" / "smaller.jpg")
    with Image.open(copy) as image:
        assert (image.width, image.height, image.format) == (320, 240, "JPEG")
    made = copy.stat().st_mtime_ns
    assert ensure_smaller_copy(original, copy) == copy and copy.stat().st_mtime_ns == made
    assert [path.name for path in copy.parent.iterdir()] == ["smaller.jpg"]  # no leftovers
