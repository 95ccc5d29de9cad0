"""What an execution environment starts: a custom runtime's ``bootstrap``, or the Python
runtime, under ``AWS_LAMBDA_EXEC_WRAPPER`` when the function sets one.

On AWS the code sits at ``/var/task`` and layers at ``/opt``; here they are unpacked elsewhere
(a task root and an opt dir per content hash), so paths under those two that a function names
in ``AWS_LAMBDA_EXEC_WRAPPER`` are mapped to where the files really are.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: OS-only runtimes: the function (or a layer) brings an executable ``bootstrap``.
CUSTOM_RUNTIMES = ("provided.al2023", "provided.al2")
TASK_ROOT = "/var/task"
OPT = "/opt"
EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"
#: Runs "$@" the way the managed runtime's own start script does, so a wrapper that is
#: missing or not executable fails as it does there: the shell's message, then exit 126/127.
EXEC_SHELL = ("/bin/sh", "-c", 'exec "$@"', "bootstrap")


class InvalidEntrypoint(Exception):
    """No runnable ``bootstrap``: Lambda's ``Runtime.InvalidEntrypoint`` init error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.error: dict[str, Any] = {
            "errorType": "Runtime.InvalidEntrypoint",
            "errorMessage": message,
        }


def is_custom_runtime(runtime: str) -> bool:
    return runtime in CUSTOM_RUNTIMES


def host_path(path: str, task_root: Path, opt: Path | None) -> str:
    """``path`` as it is on this machine: ``/var/task/...`` in the task root, ``/opt/...`` in
    the layers' opt dir (when the function has layers); any other path unchanged."""
    for prefix, real in ((TASK_ROOT, task_root), (OPT, opt)):
        if real is not None and (path == prefix or path.startswith(prefix + "/")):
            return str(real) + path[len(prefix) :]
    return path


def custom_bootstrap(task_root: Path, opt: Path | None) -> Path:
    """The function's ``bootstrap``, else the one a layer put at ``/opt/bootstrap``, as Lambda
    looks for them; InvalidEntrypoint, with AWS's message, when neither can run."""
    candidates = [task_root / "bootstrap"] + ([opt / "bootstrap"] if opt else [])
    for candidate in candidates:
        if candidate.is_file():
            if not os.access(candidate, os.X_OK):
                shown = lambda_path(candidate, task_root, opt)
                raise InvalidEntrypoint(f"fork/exec {shown}: permission denied")
            return candidate
    raise InvalidEntrypoint(
        f"Couldn't find valid bootstrap(s): [{TASK_ROOT}/bootstrap {OPT}/bootstrap]"
    )


def lambda_path(path: Path, task_root: Path, opt: Path | None) -> str:
    """The Lambda path (``/var/task/...`` or ``/opt/...``) of a file in the task root or opt
    dir, for messages that should read as they do on AWS."""
    for prefix, real in ((TASK_ROOT, task_root), (OPT, opt)):
        if real is not None and path.is_relative_to(real):
            return prefix + "/" + str(path.relative_to(real))
    return str(path)


def with_exec_wrapper(
    argv: Sequence[str], variables: Mapping[str, str], task_root: Path, opt: Path | None
) -> list[str]:
    """``argv`` run by the function's ``AWS_LAMBDA_EXEC_WRAPPER``, which gets the runtime's
    command line as its arguments; ``argv`` itself when the variable is unset or empty."""
    wrapper = variables.get(EXEC_WRAPPER, "").strip()
    if not wrapper:
        return list(argv)
    return [*EXEC_SHELL, host_path(wrapper, task_root, opt), *argv]
