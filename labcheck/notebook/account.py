"""``labcheck.connect()``: the one place a notebook chooses its account, and says which it is.

Precedence: the ``endpoint_url`` argument, else ``$AWS_ENDPOINT_URL`` (localaws, as ``make lab``
sets it), else the real AWS account of the standard credential chain. Under nbgrader's
autograder the notebook gets a private localaws, emptied for it (autograde.py), and the
process's AWS settings are pointed at it, so a submission never reaches a live account.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from labcheck.collect import endpoint_url as resolve_endpoint
from labcheck.errors import CannotGradeError

DEFAULT_REGION = "us-east-1"
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, read_timeout=300)


@dataclass(frozen=True)
class Account:
    """Where a notebook's demos run: localaws or a real AWS account, with its region."""

    endpoint_url: str | None
    region: str
    account_id: str
    identity_arn: str

    @property
    def offline(self) -> bool:
        return self.endpoint_url is not None

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` in this account and region (made once, then reused)."""
        return _client(service, self.endpoint_url, self.region)

    def describe(self) -> str:
        if self.offline:
            return (
                f"localaws (offline, no AWS account) at {self.endpoint_url}, region {self.region}"
            )
        return f"AWS account {self.account_id}, region {self.region}, as {self.identity_arn}"

    def __str__(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        colour = "#1b7f3b" if self.offline else "#b35900"
        return f'<p style="color:{colour}"><b>Connected:</b> {self.describe()}</p>'


@functools.lru_cache(maxsize=64)
def _client(service: str, endpoint_url: str | None, region: str) -> Any:
    import boto3

    return boto3.client(
        service, endpoint_url=endpoint_url, region_name=region, config=CLIENT_CONFIG
    )


#: What localaws (and AWS) answer to credentials they do not accept.
REFUSED_CREDENTIALS = (
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "MissingAuthenticationToken",
)


def autograding() -> bool:
    """True inside nbgrader's autograder (or its validate step)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def connect(endpoint_url: str | None = None, region: str | None = None) -> Account:
    """Choose the account for this notebook, print which one it is, and return it."""
    if autograding():
        from labcheck.autograde.model_cache import use_cached_models
        from labcheck.autograde.server import endpoint_for_this_notebook

        endpoint_url = endpoint_for_this_notebook()
        if not _client.cache_info().currsize:  # before this kernel's first client
            use_cached_models()
    endpoint_url = resolve_endpoint(endpoint_url)
    region = region or _configured_region() or DEFAULT_REGION
    os.environ["AWS_DEFAULT_REGION"] = region
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = endpoint_url
    account = Account(endpoint_url, region, *_identity(endpoint_url, region))
    print(f"Connected: {account}")
    return account


def _configured_region() -> str | None:
    if os.environ.get("AWS_DEFAULT_REGION"):  # boto3's first choice, without making a session
        return os.environ["AWS_DEFAULT_REGION"]
    import boto3

    return boto3.session.Session().region_name


def _identity(endpoint_url: str | None, region: str) -> tuple[str, str]:
    sts = _client("sts", endpoint_url, region)
    try:
        identity = sts.get_caller_identity()
    except (BotoCoreError, ClientError) as error:
        code = error.response["Error"].get("Code") if isinstance(error, ClientError) else None
        if endpoint_url and code in REFUSED_CREDENTIALS:
            raise CannotGradeError(
                f"localaws at {endpoint_url} refused these credentials ({code}): it accepts only "
                "its owner's, which `localaws env` prints.",
                'Start JupyterLab with `make lab` (it sets them), or run `eval "$(localaws env)"` '
                "in the terminal you start it from, then restart the kernel.",
            ) from error
        if endpoint_url:
            raise CannotGradeError(
                f"localaws does not answer at {endpoint_url}.",
                "Start it with `make lab` (or `localaws start`) and run this cell again.",
            ) from error
        raise CannotGradeError(
            f"No usable AWS credentials: {error}",
            "Configure credentials (`aws configure` or `aws sso login`), or use localaws: "
            "start JupyterLab with `make lab`.",
        ) from error
    return identity["Account"], identity["Arn"]
