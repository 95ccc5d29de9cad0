"""Task 2: the S3 trigger (bucket notification plus the permission for S3 to invoke)."""

from __future__ import annotations

from labcheck.model.results import Check, Verdict, failed, passed
from labcheck.model.state import FUNCTION_NAME, AccountState

ALL_CREATE_EVENTS = {
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
}
TRIGGER_HINT = (
    f"Add a trigger to {FUNCTION_NAME}: source S3, the original bucket, event type "
    "'All object create events'."
)


def _covers_all_creates(events: list[str]) -> bool:
    return "s3:ObjectCreated:*" in events or set(events) >= ALL_CREATE_EVENTS


def notification(state: AccountState) -> Verdict:
    if state.original is None:
        return failed("The lab's original bucket was not found.", "Run 'labcheck setup' first.")
    targets = [
        config
        for config in state.original.lambda_notifications
        if str(config.get("LambdaFunctionArn", "")).split(":")[6:7] == [FUNCTION_NAME]
    ]
    if not targets:
        return failed(f"{state.original.name} sends no events to {FUNCTION_NAME}.", TRIGGER_HINT)
    if not any(_covers_all_creates(list(config.get("Events", []))) for config in targets):
        events = sorted({event for config in targets for event in config.get("Events", [])})
        return failed(
            f"{state.original.name} sends only {', '.join(events)} to {FUNCTION_NAME}.",
            "Choose 'All object create events' (s3:ObjectCreated:*) for the trigger.",
        )
    return passed(f"Every object created in {state.original.name} invokes {FUNCTION_NAME}.")


def permission(state: AccountState) -> Verdict:
    if state.function is None or state.original is None:
        return failed(f"There is no {FUNCTION_NAME} or original bucket yet.", TRIGGER_HINT)
    source = f"arn:aws:s3:::{state.original.name}"
    for statement in state.function.policy_statements:
        principal = statement.get("Principal", {})
        service = principal.get("Service") if isinstance(principal, dict) else principal
        condition = statement.get("Condition", {})
        arns = [value.get("AWS:SourceArn") for value in condition.values()]
        actions = statement.get("Action")
        allows = actions in ("lambda:InvokeFunction", "lambda:*")
        if service == "s3.amazonaws.com" and allows and source in arns:
            return passed(f"S3 may invoke {FUNCTION_NAME} for {state.original.name}.")
    return failed(
        f"{FUNCTION_NAME}'s resource policy does not let s3.amazonaws.com invoke it for "
        f"{state.original.name}.",
        "Adding the trigger in the console adds this permission; by hand: 'aws lambda "
        f"add-permission --function-name {FUNCTION_NAME} --principal s3.amazonaws.com "
        f"--action lambda:InvokeFunction --source-arn {source} --statement-id s3-trigger'.",
    )


CHECKS = (
    Check("task2.notification", "All object-create events invoke resize_image", 2, notification),
    Check("task2.permission", "S3 may invoke resize_image for that bucket", 2, permission),
)
