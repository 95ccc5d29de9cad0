"""Errors a user of localaws can meet; the CLI turns them into one line and an exit code."""

from __future__ import annotations


class LocalAwsError(Exception):
    """A problem the user can fix; ``hint`` says what to do next."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class PortInUseError(LocalAwsError):
    """The port localaws should listen on is taken."""


class StateDirError(LocalAwsError):
    """The state directory cannot be used (unwritable, locked by another server, unreadable)."""


class StateFormatError(StateDirError):
    """The saved state was written by a newer localaws or is corrupt."""


class NotRunningError(LocalAwsError):
    """No localaws server runs for this state directory."""


class SettingError(LocalAwsError):
    """A setting (an option or a ``LOCALAWS_*`` variable) has a value it does not allow."""
