"""When an access key (and the role it was issued for) was last used: recorded by writes only.

moto stamps the key's ``AccessKeyLastUsed`` and the role's ``RoleLastUsed`` on every request
made with a key it issued (``AssumeRole``'s, as CDK's deploy and publishing roles use), reads
included. A read takes no write lock and is not saved, so IAM then differed from its saved
state. Here only requests that change something (and are saved) record the use; AWS records
reads too, and says the information can lag by hours.
"""

from __future__ import annotations

from typing import Any

from moto.iam import models

from localaws.state.touched import touch_log

_original = models.mark_account_as_visited


def mark_account_as_visited(account_id: str, access_key: str, service: str, region: str) -> Any:
    """As moto does, while a write runs; nothing for a read."""
    if touch_log.recording_when():
        return _original(account_id, access_key, service, region)
    return None


def install() -> None:
    models.mark_account_as_visited = mark_account_as_visited
