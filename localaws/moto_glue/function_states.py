"""Function states as on AWS: Pending after CreateFunction, InProgress after an update.

moto answers every function as ``Active`` and every update as ``Successful`` at once, so a
client that skips the ``function_active_v2`` / ``function_updated_v2`` waiters never meets the
errors it meets on AWS. Here a new function is ``Pending`` and an updated one
``LastUpdateStatus: InProgress`` until its code and layers are unpacked and its runtime checked
(``function_preparer.py``, on a thread of its own); meanwhile Invoke of a pending function and a
further update or PublishVersion answer 409 ``ResourceConflictException`` with AWS's wording.
Every change gives the function a new ``RevisionId``, which updates honour as a precondition
(412 ``PreconditionFailedException``). The configuration is shaped as AWS sends it
(``function_shape.py``).

An Invoke during an update runs the new configuration once it is saved (moto has no copy of
the previous one); AWS may still run the previous one until the update completes.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

from moto.awslambda.exceptions import LambdaClientError, PreconditionFailedException
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda.responses import LambdaResponse

log = logging.getLogger("localaws")

BEING_CREATED = "The function is being created."
REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)
_UPDATE_PATH = re.compile(r"/functions/(?P<name>[^/]+)/(code|configuration|versions)$")
Submit = Callable[[str, str, str], None]
_submit: Submit = lambda account, region, name: None  # noqa: E731  (set by install)
#: Gets a function ready at once (set by the preparer): CloudFormation waits for it.
prepare_now: Callable[[Any], None] = lambda function: None  # noqa: E731


@dataclasses.dataclass(frozen=True)
class Lifecycle:
    """Where a function (or version) is in its lifecycle, and its revision."""

    state: str = "Active"
    state_reason: str = ""
    state_reason_code: str = ""
    last_update: str | None = "Successful"
    last_update_reason: str = ""
    last_update_reason_code: str = ""
    revision_id: str = ""

    @property
    def busy(self) -> bool:
        return self.state == "Pending" or self.last_update == "InProgress"

    def ready(self, failure: str | None) -> Lifecycle:
        """The lifecycle once preparation ended (``failure``: why it failed, or None)."""
        revision = str(uuid.uuid4())
        if failure is None:
            return Lifecycle(revision_id=revision)
        if self.state == "Pending":
            return Lifecycle("Failed", failure, "InternalError", None, revision_id=revision)
        return dataclasses.replace(
            self,
            last_update="Failed",
            last_update_reason=failure,
            last_update_reason_code="InternalError",
            revision_id=revision,
        )


PENDING = Lifecycle("Pending", BEING_CREATED, "Creating", None)
IN_PROGRESS = Lifecycle("Active", "", "", "InProgress", BEING_CREATED, "Creating")


def lifecycle(function: Any) -> Lifecycle:
    """The function's lifecycle; one saved before localaws tracked it is Active with a
    revision that stays the same until it changes."""
    known = getattr(function, "lifecycle_status", None)
    if isinstance(known, Lifecycle):
        return known
    seed = f"{function.function_arn}:{function.version}:{function.last_modified}"
    return Lifecycle(revision_id=str(uuid.uuid5(uuid.NAMESPACE_URL, seed)))


def _begin(function: Any, template: Lifecycle) -> None:
    function.lifecycle_status = dataclasses.replace(template, revision_id=str(uuid.uuid4()))


class FunctionNotReady(LambdaClientError):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ResourceConflictException", message)


def check_can_change(function: Any, revision_id: str | None) -> None:
    """AWS's answers to an update or a publish of a function that is not ready, or whose
    revision is not the one the caller read."""
    current = lifecycle(function)
    if current.state == "Pending":
        raise FunctionNotReady(
            "The operation cannot be performed at this time. "
            "The function is currently in the following state: Pending"
        )
    if current.last_update == "InProgress":
        raise FunctionNotReady(
            "The operation cannot be performed at this time. An update is in progress for "
            f"resource: {str(function.function_arn).removesuffix(':$LATEST')}"
        )
    if revision_id and revision_id != current.revision_id:
        raise PreconditionFailedException(REVISION_MISMATCH)


def remember_settings(function: Any, settings: dict[str, Any]) -> None:
    """Keep what moto drops of a CreateFunction or UpdateFunctionConfiguration request."""
    if isinstance(settings.get("LoggingConfig"), dict):
        given = {k: str(v) for k, v in settings["LoggingConfig"].items() if v}
        known = getattr(function, "logging_settings", None) or {}
        function.logging_settings = {**known, **given}
    if "Environment" in settings:
        function.environment_given = True


def functions_of(backend: Any, name: str) -> Iterator[Any]:
    """$LATEST and every published version of ``name`` (moto's own objects; its listing
    gives a copy of $LATEST)."""
    yield backend.get_function(name)
    yield from list(backend.list_versions_by_function(name))[1:]


def _create_function(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_function(self: LambdaBackend, spec: dict[str, Any]) -> LambdaFunction:
        answer = original(self, spec)
        name = answer.function_name
        functions = list(functions_of(self, name))
        for function in [*functions, answer]:
            _begin(function, PENDING)
            remember_settings(function, spec)
        _submit(self.account_id, self.region_name, name)
        # With Publish, AWS answers with the version it published (its ARN ends in ":1");
        # moto answers with a copy of $LATEST that only says which version it is.
        return functions[-1] if spec.get("Publish") else answer

    return create_function


def _guarded_change(original: Callable[..., Any], updates: bool) -> Callable[..., Any]:
    """An update (``updates``) or PublishVersion, refused while the function is not ready or
    its revision differs; an update leaves it InProgress until the preparer is done."""

    def change(self: LambdaResponse) -> Any:
        match = _UPDATE_PATH.search(self.path)
        body = self.json_body if isinstance(self.json_body, dict) else {}
        if match is None:
            return original(self)
        function: Any = self.backend.get_function(unquote(match["name"]), None)
        check_can_change(function, body.get("RevisionId"))
        if not updates or body.get("DryRun"):
            return original(self)
        before = lifecycle(function)
        _begin(function, IN_PROGRESS)
        try:
            answer = original(self)
        except Exception:
            function.lifecycle_status = before
            raise
        if self.path.endswith("/configuration"):
            remember_settings(function, body)
        _submit(function.account_id, function.region, function.function_name)
        return answer

    return change


def _invoke(original: Callable[..., Any]) -> Callable[..., Any]:
    def invoke(self: LambdaBackend, function_name: str, qualifier: str | None, *args: Any) -> Any:
        try:
            function = self.get_function(function_name, qualifier)
        except LambdaClientError:
            function = None  # moto's own answer follows
        if function is not None and lifecycle(function).state in ("Pending", "Failed"):
            state = lifecycle(function).state
            raise FunctionNotReady(
                "The operation cannot be performed at this time. "
                f"The function is currently in the following state: {state}"
            )
        return original(self, function_name, qualifier, *args)

    return invoke


def _publish_version(original: Callable[..., Any]) -> Callable[..., Any]:
    def publish_version(self: Any, name_or_arn: str, description: str = "") -> Any:
        version = original(self, name_or_arn, description)
        if version is not None and getattr(version, "lifecycle_status", None) is not None:
            latest = self.get_function_by_name_or_arn_forbid_qualifier(name_or_arn)
            if version is not latest:
                version.lifecycle_status = dataclasses.replace(
                    lifecycle(latest), revision_id=str(uuid.uuid4())
                )
        return version

    return publish_version


def _create_from_cloudformation(original: Callable[..., Any]) -> Any:
    """On AWS a stack's function resource is complete once the function is Active."""

    def create(cls: type, *args: Any, **kwargs: Any) -> Any:
        function = original(cls, *args, **kwargs)
        prepare_now(function)
        return function

    return classmethod(create)


def install(submit: Submit) -> None:
    """Patch moto (once) so functions have AWS's states; ``submit`` queues a preparation."""
    from moto.awslambda.models import LambdaStorage

    global _submit
    _submit = submit
    if getattr(LambdaBackend.create_function, "localaws_states", False):
        return
    LambdaBackend.create_function = _create_function(LambdaBackend.create_function)  # type: ignore[method-assign]
    LambdaBackend.create_function.localaws_states = True  # type: ignore[attr-defined]
    LambdaBackend.invoke = _invoke(LambdaBackend.invoke)  # type: ignore[method-assign]
    LambdaFunction.create_from_cloudformation_json = _create_from_cloudformation(  # type: ignore[method-assign]
        LambdaFunction.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    )
    LambdaStorage.publish_version = _publish_version(LambdaStorage.publish_version)  # type: ignore[method-assign]
    for operation, updates in (
        ("update_function_code", True),
        ("update_function_configuration", True),
        ("publish_version", False),
    ):
        guarded = _guarded_change(getattr(LambdaResponse, operation), updates)
        setattr(LambdaResponse, operation, guarded)
