"""Small fixes to moto where a learner would meet a difference from AWS; one module each."""

from __future__ import annotations

import threading
from typing import Any

from localaws.extensions import (
    cfn_managed_policies,
    code_location,
    dead_letter_config,
    managed_policies,
    package_check,
    s3_notification_permission,
)

STEP_FUNCTIONS_TARGET = "AWSStepFunctions."
_endpoint = ""  # localaws's own address, for extensions installed at first use
_step_functions_installed = False
_step_functions_lock = threading.Lock()


def install_all(endpoint: str) -> None:
    """Apply every extension (before state is restored); ``endpoint`` is localaws's address."""
    code_location.install(endpoint)
    cfn_managed_policies.install()
    managed_policies.install()
    dead_letter_config.install()
    package_check.install()
    s3_notification_permission.install()
    global _endpoint
    _endpoint = endpoint


def before_request(environ: dict[str, Any]) -> None:
    """Install what a request needs that was left until first use (Step Functions tasks)."""
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith(STEP_FUNCTIONS_TARGET):
        _install_step_functions_tasks()


def _install_step_functions_tasks() -> None:
    """At the first Step Functions call, not at start: moto's interpreter takes over a second
    to import (it loads EC2's whole model), and makes boto3 sessions as it is imported, which
    must not happen before the server has dropped the host's AWS settings."""
    global _step_functions_installed
    with _step_functions_lock:
        if _step_functions_installed:
            return
        from localaws.extensions import stepfunctions_tasks

        stepfunctions_tasks.install(_endpoint)
        _step_functions_installed = True


def after_restore() -> None:
    """Bring state restored from an older snapshot up to what the extensions provide."""
    managed_policies.backfill_restored()
