"""CPU scales with memory as in Lambda, and the lab's resize function runs on a Pillow layer."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.helpers import ServerProcess, aws_client, busy_machine, eventually, server_status
from tests.lab_build import IMAGE_KEY, ORIGINAL, RESIZED, do_tasks_1_to_3
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server

CPU_BOUND = """
def lambda_handler(event, context):
    total = 0
    for number in range(event["n"]):
        total += number * number
    return total
"""
MODEL_RATIO = 1769 / 512  # 2,048 MB is a whole vCPU for one thread, 512 MB is 512/1769 of one


def client(server: ServerProcess, service: str) -> Any:
    return aws_client(server.endpoint, service, retries={"max_attempts": 1}, read_timeout=300)


@pytest.fixture(scope="module", params=["duty-cycle", "cgroup"])
def throttled_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    mode = request.param
    process = ServerProcess(
        tmp_path_factory.mktemp(f"cpu-{mode}"), env={"LOCALAWS_CPU_THROTTLE": mode}
    ).start()
    in_force = server_status(process.endpoint)["cpu_throttle_mode"]
    if mode == "cgroup" and "cgroup" not in in_force:
        process.stop()
        pytest.skip(f"cgroups are not available here ({in_force})")
    yield process
    process.stop()


def report_duration(response: dict[str, Any]) -> float:
    import base64

    text = base64.b64decode(response["LogResult"]).decode()
    match = re.search(r"\tDuration: (\d+\.\d+) ms", text)
    assert match, text
    return float(match.group(1))


def duration_ratio(server: ServerProcess, prefix: str) -> tuple[dict[int, float], float]:
    """The fastest of five interleaved runs at 512 and 2,048 MB, and 512's over 2,048's."""
    lam, iam = client(server, "lambda"), client(server, "iam")
    samples: dict[int, list[float]] = {512: [], 2048: []}
    for memory in samples:
        deploy(lam, iam, f"{prefix}_{memory}", CPU_BOUND, MemorySize=memory, Timeout=120)
        lam.invoke(FunctionName=f"{prefix}_{memory}", Payload=json.dumps({"n": 1000}))  # cold
    for _ in range(5):  # interleaved, so both sizes meet the same background noise
        for memory in samples:
            response = lam.invoke(
                FunctionName=f"{prefix}_{memory}",
                Payload=json.dumps({"n": 1_500_000}),
                LogType="Tail",
            )
            samples[memory].append(report_duration(response))
    # The fastest run of each size: background noise only ever adds time.
    durations = {memory: min(values) for memory, values in samples.items()}
    return durations, durations[512] / durations[2048]


def assert_ratio_follows_the_model(server: ServerProcess, prefix: str, attempts: int = 3) -> None:
    """The ratio lands within the model's bounds in one of ``attempts`` measurements.

    A shared machine can be slow for seconds at a time (its host busy), which no number of
    back-to-back runs gets past; a later measurement usually does. A limiter that does not
    hold (no weight, no quota) misses the bounds every time, so it still fails.
    """
    # Below the model by at most 25 %. Above it by up to 75 %: when the host itself throttles
    # this virtual machine (its CPU time then stretches for everyone), the throttled size
    # loses most, as a CPU-time limiter counts the stretched time as used.
    low, high = MODEL_RATIO * 0.75, MODEL_RATIO * 1.75
    measured = []
    for attempt in range(attempts):
        durations, ratio = duration_ratio(server, f"{prefix}{attempt}")
        measured.append((durations, round(ratio, 2)))
        if low <= ratio <= high:
            return
    pytest.fail(f"512 MB over 2,048 MB outside [{low:.2f}, {high:.2f}] every time: {measured}")


def test_cpu_bound_duration_follows_memory(throttled_server: ServerProcess) -> None:
    assert_ratio_follows_the_model(throttled_server, "cpu")


def test_a_busy_machine_does_not_take_a_functions_share(throttled_server: ServerProcess) -> None:
    """On AWS a function's CPU share is its own. An autograder busy with other notebooks
    (here 2 x the machine's cores of CPU-bound processes) must not flatten the curve."""
    if throttled_server.env["LOCALAWS_CPU_THROTTLE"] != "cgroup":
        pytest.skip("only a cgroup weight can put functions before other processes")
    with busy_machine(2 * (os.cpu_count() or 1)):
        assert_ratio_follows_the_model(throttled_server, "busy")


def cpu_cgroup(pid: int) -> tuple[Path, str, str]:
    """Where the CPU controller's hierarchy is mounted, ``pid``'s cgroup in it, and the name
    of a cgroup's weight file there (cgroup v1 or v2)."""
    lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    for _, controllers, path in (line.split(":", 2) for line in lines):
        if "cpu" in controllers.split(","):
            return Path("/sys/fs/cgroup/cpu"), path, "cpu.shares"
    unified = next(
        path for number, _, path in (line.split(":", 2) for line in lines) if number == "0"
    )
    return Path("/sys/fs/cgroup"), unified, "cpu.weight"


def test_the_server_the_functions_call_has_their_weight(throttled_server: ServerProcess) -> None:
    """A function's run waits for localaws whenever it calls AWS: on a busy machine (parallel
    autograders) the server must not be the one left waiting for the CPU."""
    if throttled_server.env["LOCALAWS_CPU_THROTTLE"] != "cgroup":
        pytest.skip("only a cgroup can weigh the server against other processes")
    assert throttled_server.process is not None
    pid = throttled_server.process.pid
    # Once it has started (its warm-up done): starting, it would outweigh the functions.
    assert eventually(lambda: cpu_cgroup(pid)[1] == "/localaws-servers", deadline=30)
    root, _, weight_file = cpu_cgroup(pid)
    weight = int((root / "localaws-servers" / weight_file).read_text())
    assert weight == int((root / "localaws" / weight_file).read_text()) > 1024


def test_an_environment_leaves_no_cgroup_behind(throttled_server: ServerProcess) -> None:
    """Each throttled environment gets a cgroup; it goes with the environment (a killed
    process stays in its cgroup until it is reaped, so removing it at the kill failed)."""
    if throttled_server.env["LOCALAWS_CPU_THROTTLE"] != "cgroup":
        pytest.skip("only the cgroup mode makes cgroups")
    lam = client(throttled_server, "lambda")
    source = "import os\ndef lambda_handler(event, context):\n    return os.getpid()\n"
    deploy(lam, client(throttled_server, "iam"), "cgroup_probe", source, MemorySize=512)
    pid = json.loads(lam.invoke(FunctionName="cgroup_probe")["Payload"].read())
    root, path, _ = cpu_cgroup(pid)
    own = root / path.lstrip("/")
    assert own.parent.name == "localaws" and own.is_dir()
    lam.update_function_configuration(FunctionName="cgroup_probe", MemorySize=1024)
    lam.get_waiter("function_updated_v2").wait(FunctionName="cgroup_probe")
    lam.invoke(FunctionName="cgroup_probe")  # a new environment; the old one is retired
    assert eventually(lambda: not own.exists(), deadline=15), f"{own} was left behind"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("lab")).start()
    yield process
    process.stop()


def test_lab_resize_with_a_pillow_layer_through_an_s3_trigger(lab_server: ServerProcess) -> None:
    image = do_tasks_1_to_3(lab_server.endpoint)
    assert 4_000_000 < len(image) < 7_000_000
    s3 = client(lab_server, "s3")
    resized = s3.get_object(Bucket=RESIZED, Key=IMAGE_KEY)["Body"].read()
    with Image.open(io.BytesIO(resized)) as half:
        assert half.size == (1200, 900)
        assert half.format == "JPEG"
    assert len(resized) < len(image)
    logs = client(lab_server, "logs").filter_log_events(logGroupName="/aws/lambda/resize_image")
    messages = [event["message"] for event in logs["events"]]
    assert f"Resized {ORIGINAL}/{IMAGE_KEY} to 1200x900 in {RESIZED}\n" in messages
    report = next(m for m in messages if m.startswith("REPORT"))
    assert "\tMemory Size: 512 MB\t" in report and "Init Duration" in report


def test_pillow_is_not_importable_without_the_layer(
    lab_server: ServerProcess, tmp_path: Path
) -> None:
    lam = client(lab_server, "lambda")
    deploy(
        lam,
        client(lab_server, "iam"),
        "no_layer",
        "import PIL\ndef lambda_handler(e, c):\n    return 1\n",
    )
    response = lam.invoke(FunctionName="no_layer")
    body = json.loads(response["Payload"].read())
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert (
        body["errorMessage"] == "Unable to import module 'lambda_function': No module named 'PIL'"
    )
