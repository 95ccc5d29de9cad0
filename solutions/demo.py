"""``make demo``: the whole lab with the reference solution on a fresh localaws, headless.

Starts localaws on its own port and state directory, runs ``labcheck setup``, the four tasks
(``solutions.lab_tasks``), ``labcheck grade`` (full marks or it fails), extra runs so the
memory curve has 512, 1,024, 1,769, 2,048 and 3,008 MB, ``labcheck plot``, and checks the
curve: with localaws's CPU throttle, duration falls at least 2x from 512 to 1,769 MB (one
vCPU) and is flat after it (a single-threaded handler gains nothing from a second vCPU).
localaws is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from localaws.api import client_environment

ROOT = Path(__file__).resolve().parent.parent
CURVE_SIZES = (512, 1024, 1769, 2048, 3008)
MIN_FALL = 2.0  # 512 MB -> 1,769 MB
MAX_PLATEAU_SPREAD = 1.3  # slowest / fastest among 1,769 MB and above
BIN = Path(sys.executable).parent


class DemoError(Exception):
    """The demo could not run, or its result is not what the lab promises."""


def curve_problems(durations: Mapping[int, float]) -> list[str]:
    """What is wrong with a memory curve (median warm Duration in ms per size)."""
    if 512 not in durations or 1769 not in durations:
        return ["the curve needs runs at 512 and 1769 MB"]
    problems = []
    fall = durations[512] / durations[1769]
    if fall < MIN_FALL:
        problems.append(f"512 -> 1769 MB is only {fall:.2f}x faster (expected >= {MIN_FALL}x)")
    plateau = [durations[size] for size in durations if size >= 1769]
    spread = max(plateau) / min(plateau)
    if spread > MAX_PLATEAU_SPREAD:
        problems.append(f"not flat from 1769 MB: slowest/fastest {spread:.2f}x")
    return problems


def busy_host() -> str | None:
    """A description of the load when other work leaves a one-vCPU function less than one
    core (the 1-minute load average above the core count), else None."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    return f"load average {load:.1f} on {cores} cores" if load > cores else None


def warm_medians(endpoint: str) -> dict[int, float]:
    from labcheck.collect.live import live_collector

    by_size: dict[int, list[float]] = {}
    for line in live_collector(endpoint).reports("resize_image"):
        if line.status is None and line.init_ms is None:
            by_size.setdefault(line.memory_mb, []).append(line.duration_ms)
    return {size: statistics.median(values) for size, values in sorted(by_size.items())}


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def step(command: Sequence[str], env: Mapping[str, str]) -> None:
    print(f"\n$ {' '.join(command)}", flush=True)
    if subprocess.run(command, env=dict(env), cwd=ROOT).returncode != 0:
        raise DemoError(f"'{' '.join(command)}' failed")


def runtime_version() -> str:
    from labcheck.provision.setup import local_python_versions

    return "3.12" if "3.12" in local_python_versions() else f"3.{sys.version_info.minor}"


def run_demo(endpoint: str, env: Mapping[str, str], out: Path) -> dict[int, float]:
    version = runtime_version()
    labcheck, python = str(BIN / "labcheck"), sys.executable
    tasks = [python, "-m", "solutions.lab_tasks"]
    step([labcheck, "setup", "--python-versions", version], env)
    step([*tasks, "all", "--runtime", f"python{version}"], env)
    step([labcheck, "grade"], env)  # exit 0 only with full marks
    sizes = ",".join(str(size) for size in CURVE_SIZES)
    step([*tasks, "task4", "--memory", sizes, "--runs", "3"], env)
    step([labcheck, "plot", "--out", str(out)], env)
    return warm_medians(endpoint)


def check_curve(durations: Mapping[int, float], busy: str | None) -> int:
    """0 if the curve is as the lab promises; 1 if not (only a warning on a busy host)."""
    print("\nMemory curve (median warm Duration):")
    for size, duration in durations.items():
        print(f"  {size:>5} MB  {duration:8.1f} ms  ({durations[512] / duration:.2f}x of 512 MB)")
    problems = curve_problems(durations)
    if not problems:
        print(f"Curve: falls {durations[512] / durations[1769]:.2f}x from 512 to 1769 MB, "
              "then flat.")  # fmt: skip
        return 0
    if busy:
        found = "; ".join(problems)
        print(f"Curve not checked: the machine was busy ({busy}), so sizes got less CPU than "
              f"their share ({found}). Run 'make demo' on a quiet machine.")  # fmt: skip
        return 0
    print("demo: error: " + "; ".join(problems), file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solutions.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=4599, help="localaws port (4599)")
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".localaws-demo")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "memory-curve.png")
    args = parser.parse_args(argv)
    if port_in_use(args.port):
        print(f"demo: error: port {args.port} is in use; pick another (--port).", file=sys.stderr)
        return 2
    shutil.rmtree(args.state_dir, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    endpoint = f"http://127.0.0.1:{args.port}"
    env = {key: value for key, value in os.environ.items() if key != "AWS_PROFILE"}
    env.pop("AWS_SESSION_TOKEN", None)
    localaws = [str(BIN / "localaws")]
    started = time.monotonic()
    step([*localaws, "start", "--port", str(args.port), "--state-dir", str(args.state_dir)], env)
    env.update(client_environment(args.state_dir, endpoint))  # as `localaws env` prints them
    try:
        os.environ.update(env)  # for reading the curve from this process
        busy_before = busy_host()
        durations = run_demo(endpoint, env, args.out)
        busy = busy_before or busy_host()
    except DemoError as error:
        print(f"demo: error: {error}", file=sys.stderr)
        return 1
    finally:
        subprocess.run([*localaws, "stop", "--state-dir", str(args.state_dir)], env=env)
    status = check_curve(durations, busy)
    print(f"Plot: {args.out}")
    print(f"Demo took {time.monotonic() - started:.0f} s.")
    return status


if __name__ == "__main__":
    sys.exit(main())
