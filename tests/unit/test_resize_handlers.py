"""Both resize handlers, run in-process with a fake S3, make a faithful half-size copy."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

from labcheck.provision.image import draw_lab_image
from tests.helpers import PROJECT_ROOT
from tests.image_compare import half_size_problems, mean_difference, reference_half

HANDLERS = {
    "reference": PROJECT_ROOT / "solutions/resize_image/lambda_function.py",
    "fast": PROJECT_ROOT / "solutions/resize_image_fast/lambda_function.py",
}


class FakeS3:
    """get_object and put_object over a dict."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def get_object(self, **request: str) -> dict[str, Any]:
        return {"Body": StreamingBody(self.objects[(request["Bucket"], request["Key"])])}

    def put_object(self, **request: Any) -> None:
        body = request["Body"]
        data = body if isinstance(body, bytes) else body.read()
        self.objects[(request["Bucket"], request["Key"])] = data


class StreamingBody:
    """Like botocore's: read() only, no seeking back."""

    def __init__(self, data: bytes) -> None:
        self._stream = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)


def load_handler(path: Path, s3: FakeS3) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"handler_{path.parent.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.s3 = s3  # the client the handler made at import, swapped for the fake
    return module


@pytest.fixture(scope="module")
def lab_image() -> bytes:
    return draw_lab_image()


def run(handler: str, image: bytes, key: str = "photos/my+picture.jpg") -> bytes:
    s3 = FakeS3()
    s3.objects[("originals", "photos/my picture.jpg")] = image
    module = load_handler(HANDLERS[handler], s3)
    event = {"Records": [{"s3": {"bucket": {"name": "originals"}, "object": {"key": key}}}]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESIZED_BUCKET", "resized")
        assert module.lambda_handler(event, None) == {"resized": 1}
    return s3.objects[("resized", "photos/my picture.jpg")]


@pytest.mark.parametrize("handler", list(HANDLERS))
def test_the_copy_is_half_size_decodable_and_close_to_pillows(
    handler: str, lab_image: bytes
) -> None:
    copy = run(handler, lab_image)
    assert half_size_problems(lab_image, copy) == []
    with Image.open(io.BytesIO(copy)) as half:
        assert (half.size, half.format) == ((1600, 1200), "JPEG")


@pytest.mark.parametrize("handler", list(HANDLERS))
def test_odd_sizes_and_png_keep_the_contract(handler: str, lab_image: bytes) -> None:
    with Image.open(io.BytesIO(lab_image)) as image:
        cropped = image.crop((0, 0, 801, 601))
    for image_format in ("JPEG", "PNG"):
        encoded = io.BytesIO()
        cropped.save(encoded, format=image_format)
        copy = run(handler, encoded.getvalue())
        assert half_size_problems(encoded.getvalue(), copy) == [], image_format


def test_the_comparison_can_fail(lab_image: bytes) -> None:
    reference = reference_half(lab_image)
    mirrored = io.BytesIO()
    reference.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored, format="JPEG")
    problems = half_size_problems(lab_image, mirrored.getvalue())
    assert len(problems) == 1 and problems[0].startswith("mean pixel difference")
    assert mean_difference(reference, reference) == 0
