"""Matplotlib figures that show themselves in a notebook without pyplot or a backend."""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure


class NotebookFigure(Figure):
    """A Figure that Jupyter displays as a PNG when it is a cell's result."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def new_figure(**settings: Any) -> NotebookFigure:
    return NotebookFigure(**settings)
