"""Task 1: create the resize_image function."""

from __future__ import annotations

import re

from labcheck.model.results import Check, Hint, Verdict, failed, passed
from labcheck.model.state import FUNCTION_NAME, LAYER_NAME, ROLE_NAME, AccountState
from labcheck.spec import DEPRECATED_RUNTIMES, LAB_MEMORY_MB, SUPPORTED_RUNTIMES

SUPPORTED = SUPPORTED_RUNTIMES
DEPRECATED = DEPRECATED_RUNTIMES
HANDLER = "lambda_function.lambda_handler"
CREATE_HINT = Hint(
    f"Create a function named {FUNCTION_NAME}, then run the check again. Created it already? "
    "Check that labcheck looks in the same region (AWS_DEFAULT_REGION or --region).",
    console="Lambda > Functions > Create function",
    cli=f"`aws lambda create-function --function-name {FUNCTION_NAME} ...` with the settings "
    "of task 1's CLI steps",
    code=f'`lam.create_function(FunctionName="{FUNCTION_NAME}", ...)` in create_resize_function',
)
#: Redeploying the code: the console's editor, function.zip with the CLI, zip_source in code.
DEPLOY_CODE = {
    "console": "edit lambda_function.py in the Code tab, then Deploy",
    "cli": f"`aws lambda update-function-code --function-name {FUNCTION_NAME} "
    "--zip-file fileb://function.zip` (function.zip holds the lab's handler)",
    "code": f'`lam.update_function_code(FunctionName="{FUNCTION_NAME}", '
    "ZipFile=zip_source(HANDLER_SOURCE))`",
}


def configure(todo: str, console: str, option: str, argument: str) -> Hint:
    """A hint to change one setting: where in the console, the AWS CLI's ``option`` of
    update-function-configuration, and boto3's ``argument`` of the same call."""
    return Hint(
        todo,
        console=console,
        cli=f"`aws lambda update-function-configuration --function-name {FUNCTION_NAME} {option}`",
        code=f'`lam.update_function_configuration(FunctionName="{FUNCTION_NAME}", {argument})`',
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
        configure(
            "Set the runtime to a supported Python, such as python3.12.",
            "Code > Runtime settings > Edit",
            "--runtime $RUNTIME",
            "Runtime=lab.runtime",
        ),
    )


def role(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    if function.role_arn.endswith(f"/{ROLE_NAME}"):
        return passed(f"Execution role {ROLE_NAME}.")
    return failed(
        f"The execution role is {function.role_arn}.",
        configure(
            f"Use the existing role {ROLE_NAME}: it may read the original bucket, write the "
            "resized one and write logs.",
            "Configuration > Permissions > Execution role > Edit > Use an existing role",
            "--role $ROLE_ARN",
            "Role=lab.resources.role_arn",
        ),
    )


def layer(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    if LAYER_NAME in function.layer_names:
        return passed(f"Layer {LAYER_NAME} is attached.")
    return failed(
        f"Layers attached: {', '.join(function.layer_names) or 'none'}.",
        configure(
            f"Add the layer {LAYER_NAME}: it provides Pillow.",
            "Code > Layers > Add a layer > Custom layers",
            "--layers $LAYER_ARN",
            "Layers=[lab.resources.layer_arn]",
        ),
    )


def handler(state: AccountState) -> Verdict:
    function = state.function
    if function is None:
        return _missing()
    module, _, name = function.handler.rpartition(".")
    source = function.code_files.get(f"{module.replace('.', '/')}.py")
    set_handler = configure(
        f"Set the handler to {HANDLER} (file lambda_function.py, function lambda_handler).",
        "Code > Runtime settings > Edit > Handler",
        f"--handler {HANDLER}",
        f'Handler="{HANDLER}"',
    )
    if source is None:
        return failed(
            f"The handler is {function.handler!r} but the code has no {module}.py.", set_handler
        )
    if not _defines(source, name):
        if function.handler != HANDLER and _defines(source, "lambda_handler"):
            return failed(
                f"The handler is {function.handler!r}, but {module}.py defines no function "
                f"{name}: it defines lambda_handler.",
                set_handler,
            )
        return failed(
            f"{module}.py defines no function {name}.",
            Hint(
                f"Define def {name}(event, context): in {module}.py and deploy it.", **DEPLOY_CODE
            ),
        )
    return passed(f"Handler {function.handler}.")


def _defines(source: str, name: str) -> bool:
    return re.search(rf"^def {re.escape(name)}\s*\(", source, re.MULTILINE) is not None


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
            Hint("Put the lab's resize code in lambda_function.py and deploy it.", **DEPLOY_CODE),
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
        configure(
            f"Set memory to {LAB_MEMORY_MB} MB.",
            "Configuration > General configuration > Edit",
            f"--memory-size {LAB_MEMORY_MB}",
            f"MemorySize={LAB_MEMORY_MB}",
        ),
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
            set_resized_bucket(f"Add RESIZED_BUCKET = {resized or 'the resized bucket name'}."),
        )
    if value == original:
        return failed(
            f"RESIZED_BUCKET is {value}, the bucket that triggers the function: every resized "
            "image would trigger it again, an endless loop that costs money.",
            set_resized_bucket(
                f"Change RESIZED_BUCKET to {resized or 'the resized bucket'} right away."
            ),
        )
    if resized and value != resized:
        return failed(
            f"RESIZED_BUCKET is {value}, not the lab's resized bucket {resized}.",
            set_resized_bucket(f"Set RESIZED_BUCKET = {resized}."),
        )
    return passed(f"RESIZED_BUCKET = {value}.")


def set_resized_bucket(todo: str) -> Hint:
    return configure(
        todo,
        "Configuration > Environment variables > Edit",
        '--environment "Variables={RESIZED_BUCKET=$RESIZED_BUCKET}"',
        'Environment={"Variables": {"RESIZED_BUCKET": lab.resources.resized_bucket}}',
    )


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
