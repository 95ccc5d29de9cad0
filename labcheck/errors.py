"""Errors that stop grading; the CLI prints one line and exits with 2."""

from __future__ import annotations


class CannotGradeError(Exception):
    """Grading cannot start or finish; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()

    def _render_traceback_(self) -> list[str]:
        """How IPython shows it in a notebook: the message and the next step, no traceback."""
        return [f"labcheck: {self.message}", *([f"What to do: {self.hint}"] if self.hint else [])]


class ReadOnlyViolation(CannotGradeError):
    """The grader tried a call that could change the account (a bug; refused)."""
