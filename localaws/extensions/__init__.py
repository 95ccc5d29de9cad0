"""Small fixes to moto where a learner would meet a difference from AWS; one module each."""

from __future__ import annotations

from localaws.extensions import (
    cfn_managed_policies,
    code_location,
    dead_letter_config,
    managed_policies,
    s3_notification_permission,
)


def install_all(endpoint: str) -> None:
    """Apply every extension (before state is restored); ``endpoint`` is localaws's address."""
    code_location.install(endpoint)
    cfn_managed_policies.install()
    managed_policies.install()
    dead_letter_config.install()
    s3_notification_permission.install()
    # Imported here, not at the top: moto's ASL interpreter makes boto3 sessions as it is
    # imported, which must not happen before the server has dropped the host's AWS settings
    # (and every `localaws` command would pay for the import).
    from localaws.extensions import stepfunctions_tasks

    stepfunctions_tasks.install(endpoint)


def after_restore() -> None:
    """Bring state restored from an older snapshot up to what the extensions provide."""
    managed_policies.backfill_restored()
