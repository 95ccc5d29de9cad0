"""Benchmark the lab's two resize handlers on the lab image: reference vs fast, same memory.

Run: ``.venv/bin/python -m benchmarks.resize_handlers``. Starts its own localaws on a free
loopback port with throw-away state, publishes the Pillow layer for Python 3.12 (cached
wheels, as ``labcheck setup`` does), deploys both handlers side by side and times warm
invocations (Duration from the REPORT line, S3 download and upload included), interleaved so
both meet the same background noise. Then the same without localaws: each handler in this
process with an in-memory S3, unthrottled.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import json
import re
import statistics
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.lambda_executor import client, server
from labcheck.provision.image import draw_lab_image
from labcheck.provision.layer import pillow_layer

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = {
    "reference": ROOT / "solutions/resize_image/lambda_function.py",
    "fast": ROOT / "solutions/resize_image_fast/lambda_function.py",
}
MEMORY_SIZES = (512, 1769)
RUNS = 7
ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": []})
EVENT = {"Records": [{"s3": {"bucket": {"name": "bench-original"}, "object": {"key": "lab.jpg"}}}]}


def _package(handler: Path) -> bytes:
    from solutions.lab_tasks import zip_handler

    return zip_handler(handler)


def deploy_pair(endpoint: str, image: bytes, memory: int) -> None:
    s3, lam, iam = (client(endpoint, name) for name in ("s3", "lambda", "iam"))
    for bucket in ("bench-original", "bench-resized"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="bench-original", Key="lab.jpg", Body=image)
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    layer_zip = pillow_layer(["3.12"], "local", lambda message: None).content(lambda _: None)
    layer = lam.publish_layer_version(LayerName="pillow", Content={"ZipFile": layer_zip})
    for name, path in HANDLERS.items():
        lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, MemorySize=memory,
            Handler="lambda_function.lambda_handler", Timeout=300,
            Code={"ZipFile": _package(path)}, Layers=[layer["LayerVersionArn"]],
            Environment={"Variables": {"RESIZED_BUCKET": "bench-resized"}},
        )  # fmt: skip


def invoke_ms(lam: Any, name: str) -> float:
    response = lam.invoke(FunctionName=name, Payload=json.dumps(EVENT), LogType="Tail")
    if response.get("FunctionError"):
        raise RuntimeError(f"{name} failed: {response['Payload'].read()!r}")
    tail = base64.b64decode(response["LogResult"]).decode()
    match = re.search(r"\tDuration: ([\d.]+) ms", tail)
    assert match, tail
    return float(match.group(1))


def through_localaws(image: bytes) -> dict[int, dict[str, float]]:
    """Median warm Duration of each handler at each memory size."""
    results = {}
    for memory in MEMORY_SIZES:
        with server() as endpoint:
            deploy_pair(endpoint, image, memory)
            lam = client(endpoint, "lambda")
            samples: dict[str, list[float]] = {name: [] for name in HANDLERS}
            for name in HANDLERS:
                invoke_ms(lam, name)  # cold start, not counted
            for _ in range(RUNS):
                for name in HANDLERS:
                    samples[name].append(invoke_ms(lam, name))
            results[memory] = {name: statistics.median(values) for name, values in samples.items()}
    return results


class _MemoryS3:
    def __init__(self, image: bytes) -> None:
        self.image = image

    def get_object(self, **request: Any) -> dict[str, Any]:
        return {"Body": io.BytesIO(self.image)}

    def put_object(self, **request: Any) -> None:
        body = request["Body"]
        if not isinstance(body, bytes):
            body.read()


def _load(path: Path, image: bytes) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{path.parent.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    setattr(module, "s3", _MemoryS3(image))  # noqa: B010 - replaces the handler's client
    return module


def in_process(image: bytes) -> dict[str, float]:
    import os

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ["RESIZED_BUCKET"] = "bench-resized"
    modules = {name: _load(path, image) for name, path in HANDLERS.items()}
    samples: dict[str, list[float]] = {name: [] for name in HANDLERS}
    for _ in range(RUNS):
        for name, module in modules.items():
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):  # the handler's log line
                module.lambda_handler(EVENT, None)
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    image = draw_lab_image()
    print(f"Lab image: {len(image) / 1e6:.2f} MB, 3200x2400 JPEG")
    for memory, medians in through_localaws(image).items():
        reference, fast = medians["reference"], medians["fast"]
        print(f"localaws, {memory} MB, warm Duration median of {RUNS}: reference "
              f"{reference:.1f} ms vs fast {fast:.1f} ms: {reference / fast:.2f}x")  # fmt: skip
    local = in_process(image)
    print(f"in process, in-memory S3, median of {RUNS}: reference {local['reference']:.1f} ms "
          f"vs fast {local['fast']:.1f} ms: {local['reference'] / local['fast']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
