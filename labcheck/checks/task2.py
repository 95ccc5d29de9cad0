"""Task 2: the S3 trigger (bucket notification plus the permission for S3 to invoke)."""

from __future__ import annotations

from labcheck.model.results import Check, Hint, Verdict, failed, passed
from labcheck.model.state import FUNCTION_NAME, AccountState

ALL_CREATE_EVENTS = {
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
}
#: The notification as the AWS CLI's shorthand takes it (REGION and ACCOUNT_ID: Lab prints them).
CLI_NOTIFICATION = (
    '"LambdaFunctionConfigurations=[{LambdaFunctionArn=arn:aws:lambda:$REGION:$ACCOUNT_ID:'
    f'function:{FUNCTION_NAME},Events=[s3:ObjectCreated:*]}}]"'
)
TRIGGER_HINT = Hint(
    f"Send every object created in the original bucket to {FUNCTION_NAME} (S3 may invoke it "
    "once its resource policy allows that).",
    console=f"{FUNCTION_NAME} > Add trigger: source S3, the original bucket, event types "
    "'All object create events'",
    cli="`aws lambda add-permission ...` (see the permission check), then `aws s3api "
    "put-bucket-notification-configuration --bucket $ORIGINAL_BUCKET "
    f"--notification-configuration {CLI_NOTIFICATION}`",
    code="`s3.put_bucket_notification_configuration(Bucket=lab.resources.original_bucket, "
    'NotificationConfiguration=...)` with "Events": ["s3:ObjectCreated:*"], after '
    "lam.add_permission",
)
ALL_EVENTS_HINT = Hint(
    "Choose all object-create events (s3:ObjectCreated:*) for the trigger.",
    console="Configuration > Triggers: delete this trigger, then add it again with 'All object "
    "create events'",
    cli="`Events=[s3:ObjectCreated:*]` in put-bucket-notification-configuration's "
    "--notification-configuration",
    code='`"Events": ["s3:ObjectCreated:*"]` in the notification configuration',
)
NO_LOOP_HINT = Hint(
    "Remove the trigger from the resized bucket right away, then add it to the original bucket.",
    console="Configuration > Triggers: delete the resized bucket's trigger, then Add trigger "
    "with the original bucket",
    cli="`aws s3api put-bucket-notification-configuration --bucket $RESIZED_BUCKET "
    "--notification-configuration '{}'` (an empty configuration), then the same command for "
    f"$ORIGINAL_BUCKET with {CLI_NOTIFICATION}",
    code="`s3.put_bucket_notification_configuration(Bucket=lab.resources.resized_bucket, "
    "NotificationConfiguration={})`, then the configuration on lab.resources.original_bucket",
)


def _sends_to_function(config: dict[str, object]) -> bool:
    return str(config.get("LambdaFunctionArn", "")).split(":")[6:7] == [FUNCTION_NAME]


def _covers_all_creates(events: list[str]) -> bool:
    return "s3:ObjectCreated:*" in events or set(events) >= ALL_CREATE_EVENTS


def notification(state: AccountState) -> Verdict:
    if state.original is None:
        return failed("The lab's original bucket was not found.", "Run 'labcheck setup' first.")
    targets = [c for c in state.original.lambda_notifications if _sends_to_function(c)]
    looped = state.resized is not None and any(
        _sends_to_function(config) for config in state.resized.lambda_notifications
    )
    if looped and state.resized is not None:
        return failed(
            f"{state.resized.name}, the resized bucket, sends events to {FUNCTION_NAME}: every "
            "copy it writes there would invoke it again, an endless loop that costs money.",
            NO_LOOP_HINT,
        )
    if not targets:
        return failed(f"{state.original.name} sends no events to {FUNCTION_NAME}.", TRIGGER_HINT)
    if not any(_covers_all_creates(list(config.get("Events", []))) for config in targets):
        events = sorted({event for config in targets for event in config.get("Events", [])})
        return failed(
            f"{state.original.name} sends only {', '.join(events)} to {FUNCTION_NAME}.",
            ALL_EVENTS_HINT,
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
        Hint(
            f"Let s3.amazonaws.com invoke {FUNCTION_NAME} for {state.original.name} only.",
            console="adding the trigger (Add trigger, source S3) adds this permission; see "
            "Configuration > Permissions > Resource-based policy statements",
            cli=f"`aws lambda add-permission --function-name {FUNCTION_NAME} --statement-id "
            "s3-invoke-resize-image --action lambda:InvokeFunction --principal s3.amazonaws.com "
            f"--source-arn {source} --source-account $ACCOUNT_ID`",
            code=f'`lam.add_permission(FunctionName="{FUNCTION_NAME}", '
            'StatementId="s3-invoke-resize-image", Action="lambda:InvokeFunction", '
            f'Principal="s3.amazonaws.com", SourceArn="{source}", '
            "SourceAccount=aws.account_id)`",
        ),
    )


CHECKS = (
    Check("task2.notification", "All object-create events invoke resize_image", 2, notification),
    Check("task2.permission", "S3 may invoke resize_image for that bucket", 2, permission),
)
