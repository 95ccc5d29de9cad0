"""Who may use this localaws: its owner, by SigV4 signature, and what AWS serves to anyone.

moto has an access control of its own (``INITIAL_NO_AUTH_ACTION_COUNT``, moto/iam/
access_control.py), and its signature step is the same botocore computation used here. It
does not fit as a whole: it is one switch for the whole process, it only knows keys of IAM
users and roles kept in the emulated account (which a learner lists, deletes and resets), it
then evaluates IAM policies (denying everything a learner's fresh account has no policy for),
only reads the Authorization header (no presigned URLs), and runs only inside the services
that call it. Here every request is checked once, before moto, against keys kept outside the
account: the owner's (state dir) and the functions' session keys, and also the keys the
account issued (IAM users', assumed roles').
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Any

from localaws.executor.session_keys import SessionKeys
from localaws.moto_glue import errors as aws_errors
from localaws.moto_glue.account_keys import issued_keys
from localaws.moto_glue.code_location import CODE_PATH_PREFIX
from localaws.server.sigv2 import is_presigned_v2, verify_v2
from localaws.server.sigv4 import Refusal, Secret, verify
from localaws.server.unsigned import served_unsigned
from localaws.state.owner import OwnerCredentials

log = logging.getLogger("localaws")
Answer = aws_errors.Answer
TOKEN_HEADER = "HTTP_X_LOCALAWS_TOKEN"
HEALTH_PATH = "/_localaws/health"
#: moto's own endpoints (reset, configuration, data): the owner's, as ``/_localaws/`` is.
MOTO_API_PREFIX = "/moto-api/"
WHAT_TO_DO = (
    ' This localaws accepts only its owner\'s credentials: run `eval "$(localaws env)"` (or '
    "`localaws env` to see them) and try again; on a single-user machine "
    "`localaws start --allow-any-credentials` accepts any."
)
_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method."
)
_INVALID_TOKEN = "The security token included in the request is invalid."
#: (status, code, message) for each refusal, by protocol: S3's XML, query, and the JSON ones.
_S3 = {
    "unsigned": (403, "AccessDenied", "Access Denied." + WHAT_TO_DO),
    "unknown-key": (
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records." + WHAT_TO_DO,
    ),
    "bad-token": (400, "InvalidToken", "The provided token is malformed or otherwise invalid."),
    "expired": (403, "AccessDenied", "Request has expired"),
    "bad-signature": (403, "SignatureDoesNotMatch", _SIGNATURE_MESSAGE),
}
_QUERY = {
    "unsigned": (
        403,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token." + WHAT_TO_DO,
    ),
    "unknown-key": (403, "InvalidClientTokenId", _INVALID_TOKEN + WHAT_TO_DO),
    "bad-token": (403, "InvalidClientTokenId", _INVALID_TOKEN),
    "expired": (403, "ExpiredToken", "The security token included in the request is expired"),
    "bad-signature": (403, "SignatureDoesNotMatch", _SIGNATURE_MESSAGE),
}
_JSON = {
    "unsigned": (
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token." + WHAT_TO_DO,
    ),
    "unknown-key": (403, "UnrecognizedClientException", _INVALID_TOKEN + WHAT_TO_DO),
    "bad-token": (403, "UnrecognizedClientException", _INVALID_TOKEN),
    "expired": (
        403,
        "ExpiredTokenException",
        "The security token included in the request is expired",
    ),
    "bad-signature": (403, "InvalidSignatureException", _SIGNATURE_MESSAGE),
}


def refusal_answer(environ: dict[str, Any], kind: str) -> Answer:
    """The service's own error for a refused request, in its protocol."""
    protocol = aws_errors.request_protocol(environ)
    table = _S3 if protocol == "rest-xml" else _QUERY if protocol == "query" else _JSON
    status, code, message = table[kind]
    return aws_errors.error_answer(environ, status, code, message)


class AccessGate:
    """Decides, before moto sees it, whether a request may go on."""

    def __init__(
        self,
        owner: OwnerCredentials,
        session_keys: SessionKeys,
        allow_any_credentials: bool = False,
        account_keys: Callable[[str], tuple[str, str | None] | None] = issued_keys,
    ) -> None:
        self.owner = owner
        self.session_keys = session_keys
        self.allow_any_credentials = allow_any_credentials
        self.account_keys = account_keys

    def find_secret(self, access_key_id: str) -> Secret | None:
        owner = self._owner_only(access_key_id)
        if owner is not None:
            return owner
        session = self.session_keys.find(access_key_id)
        if session is not None:
            return Secret(session.secret_access_key, session.session_token)
        issued = self.account_keys(access_key_id)
        return None if issued is None else Secret(*issued)

    def admin_allowed(self, environ: dict[str, Any]) -> bool:
        """Health and code downloads for anyone who reaches the port (the same Unix user,
        see peer_uid.py); everything else under ``/_localaws/`` for the owner: the state
        dir's token (``X-Localaws-Token``) or a request signed with the owner's keys."""
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH or path.startswith(CODE_PATH_PREFIX):
            return True
        if self.allow_any_credentials:
            return True
        if self._has_admin_token(environ):
            return True
        try:
            verify(environ, self._owner_only)
        except Refusal:
            return False
        return True

    def _has_admin_token(self, environ: dict[str, Any]) -> bool:
        token = str(environ.get(TOKEN_HEADER, ""))
        return bool(token) and hmac.compare_digest(token, self.owner.admin_token)

    def _owner_only(self, access_key_id: str) -> Secret | None:
        if hmac.compare_digest(access_key_id, self.owner.access_key_id):
            return Secret(self.owner.secret_access_key)
        return None

    def check(self, environ: dict[str, Any]) -> Answer | None:
        """None when the request may go on; otherwise the error to answer with."""
        if self.allow_any_credentials:
            return None
        moto_api = environ.get("PATH_INFO", "").startswith(MOTO_API_PREFIX)
        if moto_api and self._has_admin_token(environ):
            return None  # moto's own endpoints: the admin token or a signature
        try:
            if is_presigned_v2(environ):
                verify_v2(environ, self.find_secret)
            else:
                verify(environ, self.find_secret)
        except Refusal as refusal:
            if refusal.kind == "unsigned" and served_unsigned(environ):
                return None
            log.warning(
                "localaws: refused %s %s: %s",
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
                refusal.kind,
            )
            return refusal_answer(environ, refusal.kind)
        return None
