"""``labcheck tune``: its options, their checks (one clear line each), and the wiring."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from labcheck.collect import endpoint_url
from labcheck.errors import CannotGradeError

MIN_MEMORY_MB, MAX_MEMORY_MB = 128, 10_240
DEFAULT_SIZES = "128,512,1024,1769,3008"
EXIT_INTERRUPTED = 130


def add_tune_parser(commands: Any) -> None:
    tune = commands.add_parser(
        "tune",
        help="find the best memory size: time runs at each size (AWS Lambda Power Tuning)",
        description="Sets each memory size in turn (the function's own setting is restored "
        "afterwards), warms up, times --runs invocations, drops the fastest and slowest 20 %% "
        "and averages the rest, then recommends a size by --strategy.",
    )
    tune.add_argument("--function", required=True, help="the function to tune")
    tune.add_argument(
        "--memory", default=DEFAULT_SIZES, help=f"memory sizes in MB, comma-separated "
        f"({MIN_MEMORY_MB}-{MAX_MEMORY_MB}; default {DEFAULT_SIZES})",
    )  # fmt: skip
    tune.add_argument("--runs", default="10", help="timed invocations per size (default 10)")
    tune.add_argument("--payload", type=Path, help="JSON file sent as the event (default {})")
    tune.add_argument(
        "--strategy", choices=("cost", "speed", "balanced"), default="cost",
        help="cost: cheapest; speed: fastest; balanced: least weight*cost/max_cost + "
        "(1-weight)*duration/max_duration (default cost)",
    )  # fmt: skip
    tune.add_argument(
        "--weight", default="0.5", help="balanced: 0 favours speed, 1 favours cost (0.5)"
    )
    tune.add_argument("--parallel", default="1", help="run N invocations at a time (default 1)")
    tune.add_argument("--csv", type=Path, metavar="FILE", help="also write the results as CSV")
    tune.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    tune.add_argument("--out", type=Path, metavar="PLOT", help="also draw the curve (.png/.svg)")
    tune.add_argument("--endpoint-url", help="AWS endpoint (default: $AWS_ENDPOINT_URL)")
    tune.add_argument("--region", help="AWS region (default: the AWS configuration)")


def parse_sizes(text: str) -> list[int]:
    """``128,512`` -> [128, 512]; CannotGradeError naming the first bad entry."""
    sizes = []
    for item in (part.strip() for part in text.split(",")):
        if not (item.isascii() and item.isdigit()):
            raise CannotGradeError(
                f"--memory: {item!r} is not a whole number of MB.", "Example: --memory 128,512,1024"
            )
        size = int(item)
        if not MIN_MEMORY_MB <= size <= MAX_MEMORY_MB:
            raise CannotGradeError(
                f"--memory: {size} MB is outside Lambda's {MIN_MEMORY_MB}-{MAX_MEMORY_MB} MB."
            )
        if size not in sizes:
            sizes.append(size)
    return sizes


def _whole(name: str, text: str, low: int, high: int) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()) or not low <= int(text) <= high:
        raise CannotGradeError(f"{name}: {text!r} is not a whole number from {low} to {high}.")
    return int(text)


def _weight(text: str) -> float:
    try:
        weight = float(text)
    except ValueError:
        weight = -1.0
    if not 0.0 <= weight <= 1.0:
        raise CannotGradeError(f"--weight: {text!r} is not a number from 0 to 1.")
    return weight


def read_payload(path: Path | None) -> bytes:
    if path is None:
        return b"{}"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CannotGradeError(f"--payload: cannot read {path}: {error.strerror}.") from error
    try:
        json.loads(data)
    except ValueError as error:
        raise CannotGradeError(f"--payload: {path} is not JSON ({error}).") from error
    return data


def _lambda_client(args: argparse.Namespace, parallel: int) -> Any:
    import boto3
    from botocore.config import Config

    endpoint = endpoint_url(args.endpoint_url)
    config = Config(
        read_timeout=910,  # an invocation may run for up to 900 s
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=max(10, parallel),
    )
    session = boto3.Session(region_name=args.region)
    return session.client("lambda", endpoint_url=endpoint, config=config)


def cmd_tune(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError
    from rich.console import Console

    from labcheck.errors import describe_aws_error
    from labcheck.render.plot import check_plot_path
    from labcheck.tune.display import progress_bar
    from labcheck.tune.tuner import MemoryTuner, Seams, TuneSettings

    sizes = parse_sizes(args.memory)
    runs = _whole("--runs", args.runs, 1, 1000)
    parallel = _whole("--parallel", args.parallel, 1, 100)
    weight = _weight(args.weight)
    payload = read_payload(args.payload)
    if args.out:
        check_plot_path(args.out)
    console = Console(stderr=True)
    settings = TuneSettings(args.function, sizes, runs, payload, parallel)
    tuner = MemoryTuner(_lambda_client(args, parallel), settings)
    try:
        tuner.configuration()  # an unknown function fails before anything changes
        with progress_bar(console, len(sizes) * runs) as advance:
            tuner.seams = Seams(say=lambda text: console.print(text), on_run=advance)
            results = tuner.run()
    except KeyboardInterrupt:
        print("labcheck: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (BotoCoreError, ClientError) as error:
        raise describe_aws_error(error) from error
    return _report(args, results, weight)


def _report(args: argparse.Namespace, results: list[Any], weight: float) -> int:
    from rich.console import Console

    from labcheck.render.plot import save_memory_curve
    from labcheck.tune.display import error_lines, results_table
    from labcheck.tune.export import to_json, write_csv, write_json
    from labcheck.tune.strategy import recommend

    points = [point for point in (result.point() for result in results) if point is not None]
    chosen = recommend(points, args.strategy, weight).memory_mb if points else None
    console = Console(width=110) if not sys.stdout.isatty() else Console()
    console.print(results_table(args.function, results, chosen, args.strategy))
    for line in error_lines(results):
        console.print(line, markup=False)
    if args.csv:
        write_csv(args.csv, results, chosen)
        print(f"CSV: {args.csv}")
    if args.json:
        write_json(args.json, to_json(args.function, args.strategy, weight, results, chosen))
        print(f"JSON: {args.json}")
    if args.out:
        lines = [line for result in results for line in result.kept]
        try:
            save_memory_curve(
                lines, args.out, args.function, (chosen, "recommended") if chosen else None
            )
            print(f"Plot: {args.out}")
        except CannotGradeError:
            print("Plot: skipped (fewer than two sizes have successful runs).")
    if chosen is None:
        raise CannotGradeError(
            f"every run of {args.function} failed at every size.", "Fix the errors above first."
        )
    print(f"Recommended ({args.strategy}): {chosen} MB")
    return 0
