"""Why the resize failed, read from the error lines of its runs (``AccountState.errors``).

A missing copy or a failed run has one of a few usual causes, and the function's log names
it; each known error line here maps to the step that fixes it, for the learner's way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labcheck.checks.task1 import configure, set_resized_bucket
from labcheck.model.results import Hint
from labcheck.model.state import LAYER_NAME, ROLE_NAME


@dataclass(frozen=True)
class Cause:
    """An error line's pattern, what it means, and the fix."""

    pattern: re.Pattern[str]
    meaning: str
    fix: Hint


CAUSES = (
    Cause(
        re.compile(r"No module named '?PIL'?"),
        "the function cannot import Pillow",
        configure(
            f"Attach the layer {LAYER_NAME}: it provides Pillow under /opt.",
            "Code > Layers > Add a layer > Custom layers",
            "--layers $LAYER_ARN",
            "Layers=[lab.resources.layer_arn]",
        ),
    ),
    Cause(
        re.compile(r"KeyError: '?RESIZED_BUCKET'?"),
        "the function has no RESIZED_BUCKET variable",
        set_resized_bucket("Add RESIZED_BUCKET with the resized bucket's name."),
    ),
    Cause(
        re.compile(r"NoSuchBucket"),
        "a bucket the function uses does not exist (RESIZED_BUCKET names one that is not there)",
        set_resized_bucket("Set RESIZED_BUCKET to the resized bucket's exact name."),
    ),
    Cause(
        re.compile(r"AccessDenied|not authorized"),
        "the execution role does not allow what the function tried",
        configure(
            f"Use the role {ROLE_NAME}: it may read the original bucket and write the resized one.",
            "Configuration > Permissions > Execution role > Edit > Use an existing role",
            "--role $ROLE_ARN",
            "Role=lab.resources.role_arn",
        ),
    ),
    Cause(
        re.compile(r"Task timed out"),
        "a run took longer than the function's timeout",
        configure(
            "Set the timeout to 60 seconds: a big photo at low memory takes a few seconds.",
            "Configuration > General configuration > Edit > Timeout",
            "--timeout 60",
            "Timeout=60",
        ),
    ),
    Cause(
        re.compile(r"Runtime\.(ImportModuleError|HandlerNotFound)"),
        "Lambda could not load the handler",
        configure(
            "Set the handler to lambda_function.lambda_handler and deploy the lab's code.",
            "Code > Runtime settings > Edit > Handler",
            "--handler lambda_function.lambda_handler",
            'Handler="lambda_function.lambda_handler"',
        ),
    ),
)


def known_cause(errors: tuple[str, ...]) -> tuple[str, Hint] | None:
    """(what the newest recognised error line means, quoting it; the fix), or None."""
    for line in reversed(errors):
        for cause in CAUSES:
            if cause.pattern.search(line):
                return f"The last failed run says {line!r}: {cause.meaning}.", cause.fix
    return None
