"""Custom runtimes (provided.al2023 / provided.al2) and AWS_LAMBDA_EXEC_WRAPPER, through boto3.

Two real runtimes speak the Runtime API: ``awslambdaric`` (AWS's runtime interface client, from
PyPI) and a bootstrap written in shell with curl, as in AWS's custom-runtime tutorial.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ServerProcess, aws_client, function_log_messages
from tests.lab_fixtures import create_role, deploy, wait_until_ready

pytestmark = pytest.mark.server

#: The tutorial's loop: fetch an event, run the "handler" (a shell function), post its answer.
SHELL_BOOTSTRAP = r"""#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
if [ -n "${FAIL_INIT:-}" ]; then
  curl -sS -X POST "$API/init/error" -H "Lambda-Runtime-Function-Error-Type: Shell.InitFailed" \
    -d '{"errorMessage": "no database", "errorType": "Shell.InitFailed"}'
  exit 1
fi
echo "init done"
HEADERS="$(mktemp)"
while true; do
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  header() { grep -i "^$1:" "$HEADERS" | cut -d' ' -f2- | tr -d '\r'; }
  REQUEST_ID=$(header Lambda-Runtime-Aws-Request-Id)
  export DEADLINE=$(header Lambda-Runtime-Deadline-Ms)
  export ARN=$(header Lambda-Runtime-Invoked-Function-Arn)
  export TRACE=$(header Lambda-Runtime-Trace-Id)
  if RESPONSE=$(handler "$EVENT"); then
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE"
  else
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/error" \
      -H "Lambda-Runtime-Function-Error-Type: Shell.HandlerFailed" -d "not json"
  fi
done
"""

SHELL_HANDLER = r"""handler() {
  echo "handling $1" >&2
  case "$1" in *fail*) return 1 ;; esac
  printf '{"deadline": "%s", "arn": "%s", "trace": "%s", ' "$DEADLINE" "$ARN" "$TRACE"
  printf '"handler": "%s", "root": "%s", "env": "%s"}' \
    "$_HANDLER" "$LAMBDA_TASK_ROOT" "${AWS_EXECUTION_ENV:-unset}"
}
"""

RIC_HANDLER = """
import json

def fn(event, context):
    print("ric got", json.dumps(event))
    if event.get("fail"):
        raise KeyError("missing")
    if event.get("big"):
        return "x" * 6_400_000
    return {
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": context.client_context.custom if context.client_context else None,
    }
"""


def package(files: dict[str, str], executable: tuple[str, ...] = ()) -> bytes:
    """A zip whose members named in ``executable`` keep mode 755, as ``zip`` stores them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o755 if name in executable else 0o644) << 16
            archive.writestr(info, text)
    return buffer.getvalue()


def create(lam: Any, iam: Any, name: str, code: bytes, runtime: str, **extra: Any) -> None:
    lam.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=create_role(iam),
        Handler=extra.pop("Handler", "function.handler"),
        Code={"ZipFile": code},
        Timeout=30,
        **extra,
    )
    wait_until_ready(lam, name)


def invoke(lam: Any, name: str, event: Any, **kwargs: Any) -> tuple[dict[str, Any], Any, float]:
    started = time.perf_counter()
    response = lam.invoke(FunctionName=name, Payload=json.dumps(event), LogType="Tail", **kwargs)
    body = json.loads(response["Payload"].read() or b"null")
    return response, body, time.perf_counter() - started


def log_tail(response: dict[str, Any]) -> str:
    return base64.b64decode(response["LogResult"]).decode()


@pytest.fixture(scope="module")
def clients(server: ServerProcess) -> tuple[Any, Any]:
    # No retries: a 5xx from Invoke must fail the test at once, not hang in botocore's retries.
    lam = aws_client(server.endpoint, "lambda", retries={"max_attempts": 1})
    return lam, aws_client(server.endpoint, "iam")


@pytest.mark.parametrize("runtime", ["provided.al2023", "provided.al2"])
def test_a_shell_bootstrap_runs_with_the_runtime_api_headers_and_environment(
    clients: tuple[Any, Any], runtime: str
) -> None:
    lam, iam = clients
    name = f"shell-{runtime.replace('.', '-')}"
    code = package(
        {"bootstrap": SHELL_BOOTSTRAP, "function.sh": SHELL_HANDLER}, executable=("bootstrap",)
    )
    create(lam, iam, name, code, runtime)
    before_ms = int(time.time() * 1000)
    response, body, _ = invoke(lam, name, {"n": 1})
    assert "FunctionError" not in response, body
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    assert body["arn"] == arn
    assert body["handler"] == "function.handler"
    assert (Path(body["root"]) / "function.sh").is_file()  # LAMBDA_TASK_ROOT: the code
    assert body["env"] == "unset"  # AWS_EXECUTION_ENV is for managed runtimes only
    assert body["trace"].startswith("Root=1-")
    assert before_ms + 29_000 < int(body["deadline"]) < before_ms + 31_000 + 5_000
    tail = log_tail(response)  # the invocation's START..REPORT: init's lines are in CloudWatch
    assert 'handling {"n": 1}' in tail
    logged = function_log_messages(lam.meta.endpoint_url, name)
    started = f"INIT_START Runtime Version: {runtime.replace('.', ':', 1)}.v"
    assert any(m.startswith(started) for m in logged) and "init done\n" in logged
    failed, error, _ = invoke(lam, name, {"fail": True})
    assert failed["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Shell.HandlerFailed"
    assert 'handling {"fail": true}' in log_tail(failed)


def test_awslambdaric_runs_as_a_custom_runtime_and_a_warm_call_is_quick(
    clients: tuple[Any, Any],
) -> None:
    lam, iam = clients
    bootstrap = f'#!/bin/sh\nexec {sys.executable} -m awslambdaric "$_HANDLER"\n'
    code = package({"bootstrap": bootstrap, "handler.py": RIC_HANDLER}, executable=("bootstrap",))
    create(lam, iam, "ric", code, "provided.al2023", Handler="handler.fn")
    context = base64.b64encode(json.dumps({"custom": {"user": "ada"}}).encode()).decode()
    first, body, _ = invoke(lam, "ric", {"a": 1}, ClientContext=context)
    assert "FunctionError" not in first, body
    assert body["request_id"] == first["ResponseMetadata"]["RequestId"]
    assert body["arn"].endswith(":function:ric")
    assert 25_000 < body["remaining"] <= 30_000
    assert body["client_context"] == {"user": "ada"}
    assert 'ric got {"a": 1}' in log_tail(first)
    warm = [invoke(lam, "ric", {"b": n})[2] for n in range(5)]
    assert min(warm) < 0.5, warm  # no fixed wait for output: it was 2 s a call
    failed, error, _ = invoke(lam, "ric", {"fail": True})
    assert failed["FunctionError"] == "Unhandled"
    assert error["errorType"] == "KeyError" and "missing" in error["errorMessage"]
    big, error, _ = invoke(lam, "ric", {"big": True})
    assert big["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Function.ResponseSizeTooLarge"
    assert "6291556 bytes" in error["errorMessage"]
    # awslambdaric exits when its response is refused; the next event gets a new environment
    _, again, _ = invoke(lam, "ric", {"c": 1})
    assert again["arn"].endswith(":function:ric")


def test_a_layer_can_bring_the_bootstrap_and_init_errors_are_reported(
    clients: tuple[Any, Any],
) -> None:
    lam, iam = clients
    layer = lam.publish_layer_version(
        LayerName="shell-runtime",
        Content={"ZipFile": package({"bootstrap": SHELL_BOOTSTRAP}, executable=("bootstrap",))},
    )["LayerVersionArn"]
    code = package({"function.sh": SHELL_HANDLER})
    create(lam, iam, "from-layer", code, "provided.al2023", Layers=[layer])
    response, body, _ = invoke(lam, "from-layer", {})
    assert "FunctionError" not in response and body["handler"] == "function.handler"

    create(
        lam,
        iam,
        "init-fails",
        code,
        "provided.al2023",
        Layers=[layer],
        Environment={"Variables": {"FAIL_INIT": "1"}},
    )
    response, error, _ = invoke(lam, "init-fails", {})
    assert response["FunctionError"] == "Unhandled"
    assert error == {
        "errorMessage": "no database",
        "errorType": "Shell.InitFailed",
        "requestId": "",
    }


@pytest.mark.parametrize(
    ("name", "files", "message"),
    [
        (
            "missing",
            {"function.sh": "x"},
            "Couldn't find valid bootstrap(s): [/var/task/bootstrap ",
        ),
        (
            "not-executable",
            {"bootstrap": "#!/bin/sh\n"},
            "fork/exec /var/task/bootstrap: permission denied",
        ),
    ],
)
def test_a_bootstrap_that_cannot_run_is_an_invalid_entrypoint(
    clients: tuple[Any, Any], name: str, files: dict[str, str], message: str
) -> None:
    lam, iam = clients
    create(lam, iam, name, package(files), "provided.al2")
    response, error, _ = invoke(lam, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.InvalidEntrypoint"
    assert error["errorMessage"].startswith(message)


WRAPPER = """#!/bin/sh
echo "wrapper got: $*"
export WRAPPED=yes
exec "$@"
"""


def test_python_runtimes_run_under_the_exec_wrapper(clients: tuple[Any, Any]) -> None:
    lam, iam = clients
    layer = lam.publish_layer_version(
        LayerName="wrapper",
        Content={"ZipFile": package({"wrapper.sh": WRAPPER}, executable=("wrapper.sh",))},
    )["LayerVersionArn"]
    source = "import os\ndef lambda_handler(event, context):\n    return os.environ['WRAPPED']\n"
    variables = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapper.sh"}
    deploy(lam, iam, "wrapped", source, Layers=[layer], Environment={"Variables": variables})
    response, body, _ = invoke(lam, "wrapped", {})
    assert body == "yes", body
    said = [m for m in function_log_messages(lam.meta.endpoint_url, "wrapped") if "wrapper" in m]
    assert said and said[0].startswith("wrapper got: ") and "bootstrap.py" in said[0]

    variables = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/missing.sh"}
    deploy(lam, iam, "badly-wrapped", source, Layers=[layer], Environment={"Variables": variables})
    response, error, _ = invoke(lam, "badly-wrapped", {})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError", error
    assert "missing.sh" in log_tail(response)


def test_a_container_image_function_is_refused_at_create(clients: tuple[Any, Any]) -> None:
    lam, iam = clients
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as raised:
        lam.create_function(
            FunctionName="from-image",
            Role=create_role(iam),
            PackageType="Image",
            Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"},
        )
    message = raised.value.response["Error"]["Message"]
    assert "cannot run container images" in message and "no container engine" in message
    assert ".zip" in message  # and what to do instead
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName="from-image")


def test_a_layer_with_an_extension_is_refused_with_a_reason(clients: tuple[Any, Any]) -> None:
    """localaws does not run Lambda extensions: a function is not given such a layer."""
    lam, iam = clients
    files = {"extensions/audit": "#!/bin/sh\nexit 0\n"}
    layer = lam.publish_layer_version(
        LayerName="with-extension",
        Content={"ZipFile": package(files, executable=("extensions/audit",))},
    )["LayerVersionArn"]
    source = "def lambda_handler(event, context):\n    return 1\n"
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as refused:
        deploy(lam, iam, "extended", source, Layers=[layer])
    assert "does not run Lambda extensions" in str(refused.value) and layer in str(refused.value)
    deploy(lam, iam, "plain", source)
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.update_function_configuration(FunctionName="plain", Layers=[layer])
    assert "Layers" not in lam.get_function_configuration(FunctionName="plain")
