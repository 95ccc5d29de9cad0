"""Task 1: create the resize_image function."""

from __future__ import annotations

import re

from labcheck.model.results import Check, Verdict, failed, passed
from labcheck.model.state import FUNCTION_NAME, LAYER_NAME, ROLE_NAME, AccountState
from labcheck.spec import DEPRECATED_RUNTIMES, LAB_MEMORY_MB, SUPPORTED_RUNTIMES

SUPPORTED = SUPPORTED_RUNTIMES
DEPRECATED = DEPRECATED_RUNTIMES
CREATE_HINT = (
    f"Create a function named {FUNCTION_NAME} (Lambda console > Create function, or "
    "'aws lambda create-function'), then run the check again. Created it already? Check that "
    "labcheck looks in the same region (AWS_DEFAULT_REGION or --region)."
)


def _missing(region: str = "") -> Verdict:
    where = f" in {region}" if region else ""
    return failed(f"There is no function named {FUNCTION_NAME}{where}.", CREATE_HINT)


def function_exists(state: AccountState) -> Verdict:
    if state.function is None:
        return _missing(state.region)
    return passed(f"Found {FUNCTION_NAME}.")


def runtime(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    if function.runtime in SUPPORTED:
        return passed(f"Runtime {function.runtime}.")
    if function.runtime in DEPRECATED:
        return passed(
            f"Runtime {function.runtime}.",
            warning=f"{function.runtime} is deprecated; choose python3.12 or newer next time.",
        )
    return failed(
        f"Runtime is {function.runtime or 'not set'}, not a supported Python runtime.",
        "Set the runtime to python3.12 (Configuration > Runtime settings).",
    )


def role(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    if function.role_arn.endswith(f"/{ROLE_NAME}"):
        return passed(f"Execution role {ROLE_NAME}.")
    return failed(
        f"The execution role is {function.role_arn}.",
        f"Use the existing role {ROLE_NAME}: it may read the original bucket, write the "
        "resized one and write logs.",
    )


def layer(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    if LAYER_NAME in function.layer_names:
        return passed(f"Layer {LAYER_NAME} is attached.")
    return failed(
        f"Layers attached: {', '.join(function.layer_names) or 'none'}.",
        f"Add the layer {LAYER_NAME} (Layers > Add a layer > Custom layers): it provides Pillow.",
    )


def handler(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    module, _, name = function.handler.rpartition(".")
    source = function.code_files.get(f"{module.replace('.', '/')}.py")
    if source is None:
        return failed(
            f"The handler is {function.handler!r} but the code has no {module}.py.",
            "Set the handler to lambda_function.lambda_handler and keep the code in "
            "lambda_function.py.",
        )
    if not re.search(rf"^def {re.escape(name)}\s*\(", source, re.MULTILINE):
        return failed(
            f"{module}.py defines no function {name}.",
            f"Define def {name}(event, context): in {module}.py.",
        )
    return passed(f"Handler {function.handler}.")


def code_resizes(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    source = "\n".join(function.code_files.values())
    missing = [
        what
        for what, pattern in (
            ("uses Pillow (from PIL import Image)", r"\bPIL\b"),
            ("reads the RESIZED_BUCKET variable", r"RESIZED_BUCKET"),
            ("uploads the result", r"put_object|upload_file|upload_fileobj"),
        )
        if not re.search(pattern, source)
    ]
    if missing:
        return failed(
            "The code does not yet: " + "; ".join(missing) + ".",
            "Paste the lab's resize code into lambda_function.py and deploy it.",
        )
    return passed("The code resizes with Pillow and uploads to RESIZED_BUCKET.")


def memory(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    seen = {line.memory_mb for line in state.reports}
    if function.memory_mb == LAB_MEMORY_MB or LAB_MEMORY_MB in seen:
        return passed(f"Memory {LAB_MEMORY_MB} MB (now {function.memory_mb} MB).")
    return failed(
        f"Memory is {function.memory_mb} MB and no run at {LAB_MEMORY_MB} MB is in the logs.",
        f"Set memory to {LAB_MEMORY_MB} MB (Configuration > General configuration).",
    )


def resized_bucket(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    value = function.variables.get("RESIZED_BUCKET")
    original = state.original.name if state.original else None
    resized = state.resized.name if state.resized else None
    if value is None:
        return failed(
            "The function has no RESIZED_BUCKET environment variable.",
            f"Add RESIZED_BUCKET = {resized or 'the resized bucket name'} "
            "(Configuration > Environment variables).",
        )
    if value == original:
        return failed(
            f"RESIZED_BUCKET is {value}, the bucket that triggers the function: every resized "
            "image would trigger it again, an endless loop that costs money.",
            f"Change RESIZED_BUCKET to {resized or 'the resized bucket'} right away.",
        )
    if resized and value != resized:
        return failed(
            f"RESIZED_BUCKET is {value}, not the lab's resized bucket {resized}.",
            f"Set RESIZED_BUCKET = {resized}.",
        )
    return passed(f"RESIZED_BUCKET = {value}.")


CHECKS = (
    Check("task1.function-exists", "The function resize_image exists", 2, function_exists),
    Check("task1.runtime", "A supported Python runtime", 1, runtime),
    Check("task1.role", f"Execution role {ROLE_NAME}", 1, role),
    Check("task1.layer", f"Layer {LAYER_NAME} attached", 1, layer),
    Check("task1.handler", "Handler lambda_function.lambda_handler", 1, handler),
    Check("task1.code", "The code resizes and uploads", 1, code_resizes),
    Check("task1.memory", "Memory 512 MB", 1, memory),
    Check("task1.resized-bucket", "RESIZED_BUCKET names the resized bucket", 2, resized_bucket),
)
