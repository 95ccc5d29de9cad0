"""Pictures side by side in a notebook: small inline previews, with each picture's real size."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

PREVIEW_PIXELS = 480


@dataclass(frozen=True)
class Picture:
    """One picture: where it came from, its real dimensions and bytes, and a JPEG preview."""

    title: str
    width: int
    height: int
    size_bytes: int
    preview_jpeg: bytes

    @classmethod
    def from_bytes(cls, title: str, data: bytes) -> Picture:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.draft("RGB", (PREVIEW_PIXELS, PREVIEW_PIXELS))  # JPEG: decode at a small scale
            preview = image.convert("RGB")
        preview.thumbnail((PREVIEW_PIXELS, PREVIEW_PIXELS))
        buffer = io.BytesIO()
        preview.save(buffer, format="JPEG", quality=80)
        return cls(title, width, height, len(data), buffer.getvalue())

    @property
    def caption(self) -> str:
        return f"{self.title}: {self.width}x{self.height} px, {self.size_bytes / 1e6:.1f} MB"


@dataclass(frozen=True)
class SideBySide:
    """Shows as HTML in Jupyter (previews and captions), as text elsewhere."""

    pictures: tuple[Picture, ...]

    def _repr_html_(self) -> str:
        cells = []
        for picture in self.pictures:
            data = base64.b64encode(picture.preview_jpeg).decode()
            caption = html.escape(picture.caption)
            cells.append(
                '<figure style="margin:0 1em 0 0">'
                f'<img src="data:image/jpeg;base64,{data}" alt="{caption}" '
                f'style="max-width:{PREVIEW_PIXELS}px;width:100%">'
                f"<figcaption>{caption}</figcaption></figure>"
            )
        return f'<div style="display:flex;flex-wrap:wrap">{"".join(cells)}</div>'

    def __repr__(self) -> str:
        return "\n".join(picture.caption for picture in self.pictures)
