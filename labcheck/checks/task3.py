"""Task 3: upload the large image; a half-size copy appears and the logs show the run."""

from __future__ import annotations

from labcheck.checks.causes import known_cause
from labcheck.model.results import Check, Hint, Verdict, failed, passed
from labcheck.model.state import FUNCTION_NAME, AccountState, ImageObject
from labcheck.spec import IMAGE_KEY

UPLOAD_HINT = Hint(
    f"Upload the lab's large image ({IMAGE_KEY}, written beside the notebook) to the original "
    "bucket.",
    console="S3 > the original bucket > Upload",
    cli=f"`aws s3 cp {IMAGE_KEY} s3://$ORIGINAL_BUCKET/{IMAGE_KEY}`",
    code=f'`s3.put_object(Bucket=lab.resources.original_bucket, Key="{IMAGE_KEY}", '
    "Body=image_bytes)`",
)
UPLOAD_AGAIN_HINT = Hint(
    "Upload the image again once the trigger is in place, then check the logs.",
    console=UPLOAD_HINT.console,
    cli=UPLOAD_HINT.cli,
    code=UPLOAD_HINT.code,
)


#: Reads the function's log with the AWS CLI v1 the course installs (v2 also has `aws logs tail`).
LOGS_COMMAND = (
    f"aws logs filter-log-events --log-group-name /aws/lambda/{FUNCTION_NAME} "
    '--query "events[].message" --output text'
)


def logs_hint(state: AccountState, why: str) -> Hint:
    """Where this learner reads the function's logs: localaws's command offline (every way: there
    is no console there); on AWS the console's page, the AWS CLI, or boto3."""
    if state.backend == "local":
        return Hint(f"Read its logs with `localaws logs {FUNCTION_NAME}` {why}.")
    return Hint(
        f"Read its logs {why}.",
        console=f"{FUNCTION_NAME} > Monitor > View CloudWatch logs",
        cli=f"`{LOGS_COMMAND}` (AWS CLI v1, which the course installs; v2 also has "
        f"`aws logs tail /aws/lambda/{FUNCTION_NAME}`)",
        code=f'`aws.client("logs").filter_log_events(logGroupName="/aws/lambda/{FUNCTION_NAME}")`, '
        "as the notebook's logs cell does",
    )


def _images(state: AccountState) -> list[ImageObject]:
    if state.original is None:
        return []
    return [item for item in state.original.objects if item.width and item.height]


def original_uploaded(state: AccountState) -> Verdict:
    images = _images(state)
    if not images:
        return failed("There is no image in the original bucket yet.", UPLOAD_HINT)
    return passed(f"Uploaded: {', '.join(image.key for image in images)}.")


def resized_copy(state: AccountState) -> Verdict:
    images = _images(state)
    if not images or state.resized is None:
        return failed("There is no uploaded image to look for.", UPLOAD_HINT)
    problems = []
    for image in images:
        copy = state.resized.object(image.key)
        if copy is None or not copy.width or not copy.height:
            problems.append(f"{image.key} has no copy in {state.resized.name}")
            continue
        assert image.width and image.height
        half = (image.width // 2, image.height // 2)
        if abs(copy.width - half[0]) > 1 or abs(copy.height - half[1]) > 1:
            problems.append(
                f"{image.key} is {copy.width}x{copy.height}, not half of "
                f"{image.width}x{image.height}"
            )
        elif copy.size >= image.size:
            problems.append(f"{image.key}'s copy is not smaller than the original")
        else:
            return passed(
                f"{image.key}: {image.width}x{image.height} -> {copy.width}x{copy.height}."
            )
    return _failed_run("; ".join(problems) + ".", state, "to see why the run failed")


def _failed_run(found: str, state: AccountState, why: str) -> Verdict:
    """A failure whose cause the logs may name: then that cause and its fix, else where to
    read the logs."""
    cause = known_cause(state.errors)
    if cause is None:
        return failed(found, logs_hint(state, why))
    meaning, fix = cause
    return failed(f"{found} {meaning}", fix)


def clean_run(state: AccountState) -> Verdict:
    if not state.reports:
        return failed(
            "The function's logs show no run yet.",
            UPLOAD_AGAIN_HINT,
        )
    clean = [line for line in state.reports if line.status is None]
    if not clean:
        statuses = sorted({str(line.status) for line in state.reports})
        return _failed_run(
            f"Every run in the logs ended badly ({', '.join(statuses)}).",
            state,
            "for the [ERROR] lines; a timeout needs a longer Timeout setting",
        )
    return passed(f"{len(clean)} clean run(s) in the logs.")


CHECKS = (
    Check("task3.uploaded", "An image in the original bucket", 1, original_uploaded),
    Check("task3.resized-copy", "A half-size copy under the same key", 2, resized_copy),
    Check("task3.clean-run", "A clean run in the logs", 1, clean_run),
)
