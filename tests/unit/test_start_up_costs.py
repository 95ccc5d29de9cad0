"""What a notebook kernel and a starting localaws load, and when."""

from __future__ import annotations

import gc
import subprocess
import sys
from typing import Any

import pytest

from localaws.server import serve

IMPORTED_BY_LABCHECK = """
import sys
import labcheck
print(" ".join(name for name in ("nbformat", "jsonschema", "nbconvert") if name in sys.modules))
"""


def test_importing_labcheck_leaves_the_self_study_tools_unloaded() -> None:
    """Every lab notebook imports labcheck; nbformat and jsonschema cost ~0.15 s a kernel and
    only ``check_answers()`` and ``reveal()`` need them."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED_BY_LABCHECK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


class _AppThatFails:
    def __init__(self) -> None:
        self.app_instances: dict[str, Any] = {}

    def create_app(self, backend: str) -> Any:
        raise RuntimeError(f"no {backend} today")


def test_the_warm_up_turns_garbage_collection_back_on_even_when_it_fails() -> None:
    """``localaws serve`` starts with the collector off; a failed warm-up must not leave it so."""
    gc.disable()
    try:
        with pytest.raises(RuntimeError, match="no cloudformation today"):
            serve._warm_up_later(_AppThatFails())
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
