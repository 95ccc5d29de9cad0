"""A class image (postBuild with ``.class-image``) keeps no instructor notebooks: self-study
says it is off instead of failing on a missing file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_a_class_image_without_the_sources_says_self_study_is_off(tmp_path: Path) -> None:
    """postBuild with ``.class-image`` removes the instructor's notebooks after the release."""
    from labcheck.errors import CannotGradeError
    from labcheck.quiz.notebooks import this_notebook
    from labcheck.workspace.learner_copy import MANIFEST

    gone = {"sources": str(tmp_path / "notebooks"), "config": str(tmp_path / "nbgrader.py")}
    (tmp_path / "workspace" / "00-welcome").mkdir(parents=True)
    (tmp_path / "workspace" / MANIFEST).write_text(json.dumps({"course": gone}))
    notebook = tmp_path / "workspace" / "00-welcome" / "00-welcome.ipynb"
    notebook.write_text("{}")
    with pytest.raises(CannotGradeError, match="turned self-study checks and model answers off"):
        this_notebook(notebook)
