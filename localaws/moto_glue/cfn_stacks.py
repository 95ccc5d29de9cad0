"""CloudFormation stacks as deploy tools (SAM, CDK) rely on them.

Three things moto does differently from AWS:

- ``ExecuteChangeSet`` of a new stack ran the resources but left the stack without its
  template, ``Outputs``, exports and description, which ``CreateStack`` fills (SAM's managed
  stack is then "missing Tags and/or Outputs"). Here it fills all of them as ``CreateStack``
  does; an update change set runs as ``UpdateStack``.
- A resource type moto has no model for was skipped and the stack still reported
  ``CREATE_COMPLETE``. AWS creates every resource or none: here the stack fails before any
  resource is made, each such resource ``CREATE_FAILED`` with the reason, and rolls back
  (``ROLLBACK_COMPLETE``; ``CREATE_FAILED`` with ``DisableRollback``).
- A resource moto fails to create made the API call fail and left the stack half made, in
  ``CREATE_IN_PROGRESS``. Here the resource is ``CREATE_FAILED`` with the handler's message
  and what was created is deleted again (a rollback), as on AWS. The resource named is the
  one whose creation failed, even when another that refers to it was being made (moto makes
  a referenced resource within the referring one's creation).

``AWS::CDK::Metadata`` (which CDK adds to every stack it synthesises, to count CDK's use) is
accepted and creates nothing, as moto already does for wait conditions; on AWS it is a
resource of the stack that also does nothing.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Event, Stack

_original_create_resources = Stack.create_resources
_original_parse_and_create = parsing.parse_and_create_resource
#: The attribute a creation error carries: the logical id of the resource that raised it.
FAILED_RESOURCE = "_localaws_failed_resource"


def _parse_and_create_resource(logical_id: str, *args: Any, **kwargs: Any) -> Any:
    """As moto does; an error remembers the innermost resource it came from."""
    try:
        return _original_parse_and_create(logical_id, *args, **kwargs)
    except Exception as error:
        if not hasattr(error, FAILED_RESOURCE):
            setattr(error, FAILED_RESOURCE, logical_id)
        raise


def _handler_message(message: str) -> str:
    """A resource failure's reason, in the words AWS's resource handlers use."""
    return f'Resource handler returned message: "{message}"'


def unsupported_resources(template: dict[str, Any]) -> dict[str, str]:
    """Logical id -> type of each resource localaws cannot create."""
    models = parsing.get_model_map()
    found = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        kind = str((resource or {}).get("Type", ""))
        if kind in parsing.NULL_MODELS or kind.startswith("Custom::") or kind in models:
            continue
        found[logical_id] = kind
    return found


def _unsupported_reason(kind: str, template: dict[str, Any]) -> str:
    transform = template.get("Transform")
    if transform and kind.startswith("AWS::Serverless::"):
        return _handler_message(
            f"localaws does not expand the {transform} transform, so it cannot create "
            f"{kind}; deploy the template SAM CLI packages with plain AWS:: resources, or "
            "try it on AWS."
        )
    return _handler_message(
        f"localaws cannot create resources of type {kind} (its CloudFormation has no model "
        "for them); remove it from the template, or deploy this stack on AWS."
    )


def _resource_event(stack: Any, logical_id: str, kind: str, status: str, reason: str) -> None:
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id="",
            resource_type=kind,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _fail_creation(stack: Any, failed: dict[str, tuple[str, str]]) -> None:
    """Record the failed resources, then roll back what was created (unless disabled)."""
    for logical_id, (kind, reason) in failed.items():
        _resource_event(stack, logical_id, kind, "CREATE_FAILED", reason)
    summary = f"The following resource(s) failed to create: [{', '.join(failed)}]. "
    if getattr(stack, "disable_rollback", False):
        stack._add_stack_event("CREATE_FAILED", summary + "Rollback disabled.")
        stack.status = "CREATE_FAILED"
        return
    stack._add_stack_event("ROLLBACK_IN_PROGRESS", summary + "Rollback requested by user.")
    try:
        stack.resource_map.delete()
    except Exception as error:  # a created resource would not go: as AWS reports it
        stack._add_stack_event("ROLLBACK_FAILED", _handler_message(str(error)))
        stack.status = "ROLLBACK_FAILED"
        return
    stack._add_stack_event("ROLLBACK_COMPLETE")
    stack.status = "ROLLBACK_COMPLETE"


def _create_resources(self: Any) -> None:
    template = self.template_dict
    unsupported = unsupported_resources(template)
    if unsupported:
        self.status = "CREATE_IN_PROGRESS"
        failed = {
            key: (kind, _unsupported_reason(kind, template)) for key, kind in unsupported.items()
        }
        return _fail_creation(self, failed)
    try:
        _original_create_resources(self)
    except Exception as error:
        message = str(getattr(error, "message", "") or error)
        made = set(getattr(self.resource_map, "_parsed_resources", {}))
        resources = template.get("Resources") or {}
        culprit = getattr(error, FAILED_RESOURCE, None)
        missing = [key for key in resources if key not in made]
        key = str(culprit) if culprit in resources else (missing or list(resources))[0]
        _fail_creation(
            self, {key: (str(resources[key].get("Type", "")), _handler_message(message))}
        )


def _find_change_set(backend: Any, name: str, stack_name: str | None) -> Any:
    if name in backend.change_sets:
        return backend.change_sets[name]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == name and (
            stack_name is None or stack_name in (change_set.stack.name, change_set.stack_id)
        ):
            return change_set
    raise ValidationError(stack_name or name, message=f"ChangeSet [{name}] does not exist")


def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    """Run a change set as CreateStack or UpdateStack would run its template."""
    change_set = _find_change_set(self, change_set_name, stack_name)
    stack = self.stacks[change_set.stack_id]
    if change_set.change_set_type == "CREATE":
        stack.template = change_set.template
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = change_set.parameters
        stack.cross_stack_resources = self.exports
        stack.resource_map = stack._create_resource_map()
        stack.output_map = stack._create_output_map()
        self._validate_export_uniqueness(stack)
        for export in stack.exports:
            self.exports[export.name] = export
        stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
        stack.create_resources()
    else:
        stack.update(
            change_set.template, change_set.role_arn, change_set.parameters, change_set.tags
        )
    failed = stack.status.endswith(("FAILED", "ROLLBACK_COMPLETE"))
    change_set.execution_status = "EXECUTE_FAILED" if failed else "EXECUTE_COMPLETE"


#: Resource types a stack accepts without creating anything.
NOTHING_TO_CREATE = ("AWS::CDK::Metadata",)


def install() -> None:
    parsing.parse_and_create_resource = _parse_and_create_resource
    for kind in NOTHING_TO_CREATE:
        if kind not in parsing.NULL_MODELS:
            parsing.NULL_MODELS.append(kind)
    Stack.create_resources = _create_resources  # type: ignore[method-assign]
    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]
