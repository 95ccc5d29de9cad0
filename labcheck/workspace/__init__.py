"""The learner's copy of the course: nbgrader's released notebooks in a workspace of their own."""

from labcheck.workspace.learner_copy import (
    LEARNER_JUPYTER_CONFIG,
    WorkspaceReport,
    update_workspace,
)

__all__ = ["LEARNER_JUPYTER_CONFIG", "WorkspaceReport", "update_workspace"]
