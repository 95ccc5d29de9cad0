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


def debug_enabled() -> bool:
    """True when ``LABCHECK_DEBUG`` asks for tracebacks (1, true, yes, on)."""
    import os

    return os.environ.get("LABCHECK_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def describe_unexpected(error: Exception, endpoint: str | None) -> CannotGradeError:
    """One line for an error no command expected, with what to do next.

    An endpoint that does not answer says whether it is localaws's and how to start it.
    """
    import urllib.error

    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, (BotoCoreError, ClientError)):
        return describe_aws_error(error)
    if isinstance(error, (ConnectionError, urllib.error.URLError, TimeoutError)):
        return unreachable(endpoint, error)
    if isinstance(error, OSError):
        return CannotGradeError(f"{error}.", "Check the path and its permissions.")
    return CannotGradeError(
        f"unexpected {type(error).__name__}: {error}.",
        "Run again with LABCHECK_DEBUG=1 to see the traceback, and report it if it persists.",
    )


def unreachable(endpoint: str | None, error: object) -> CannotGradeError:
    """The endpoint did not answer: is it a localaws that is not running?"""
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint or "")
    where = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "AWS"
    host = parts.hostname
    if host in ("127.0.0.1", "localhost", "::1"):
        return CannotGradeError(
            f"cannot reach {where}: localaws is not running there ({error}).",
            "Start it with 'localaws start' (or 'make lab'), then try again.",
        )
    return CannotGradeError(
        f"cannot reach {where} ({error}).", "Check the endpoint address and your network."
    )


def describe_aws_error(error: Exception) -> CannotGradeError:
    """One clear line (and what to do) for the AWS errors a learner meets."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    if isinstance(error, NoCredentialsError):
        return CannotGradeError(
            "no AWS credentials were found.",
            "Configure them ('aws configure' or AWS_PROFILE), or use localaws "
            "('make lab' sets everything up).",
        )
    if isinstance(error, NoRegionError):
        return CannotGradeError(
            "no AWS region is set.", "Set AWS_DEFAULT_REGION=us-east-1 or pass --region."
        )
    if isinstance(error, EndpointConnectionError):
        return unreachable(error.kwargs.get("endpoint_url"), "no answer")
    if not isinstance(error, ClientError):
        return CannotGradeError(f"the AWS call failed: {error}")
    code = error.response["Error"]["Code"]
    operation = error.operation_name
    if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
        return CannotGradeError(
            "your AWS session has expired.", "Start a new lab session or refresh credentials."
        )
    if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
        return CannotGradeError(
            f"access denied for {operation}.",
            "Grant the permission named in labcheck/policies/grader-readonly.json.",
        )
    if code in ("InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"):
        return CannotGradeError(
            "AWS did not accept these credentials.",
            "Check them with 'aws sts get-caller-identity'.",
        )
    return CannotGradeError(f"{operation} failed: {code}: {error.response['Error'].get('Message')}")
