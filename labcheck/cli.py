"""``labcheck`` command line: grade the lab in a live account or from an evidence file.

Exit codes: 0 every check passed, 1 some failed, 2 grading was not possible.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from labcheck import __version__
from labcheck.checks import TASKS, UnknownTaskError, grade
from labcheck.errors import CannotGradeError
from labcheck.evidence import load_evidence, save_evidence
from labcheck.report import to_json, to_text
from labcheck.state import AccountState


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labcheck", description="Grade the Serverless Lab.")
    parser.add_argument("--version", action="version", version=f"labcheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    grade_command = commands.add_parser("grade", help="check the lab's tasks and show the score")
    grade_command.add_argument(
        "tasks", nargs="*", metavar="TASK", help=f"tasks to grade ({', '.join(TASKS)}; all)"
    )
    grade_command.add_argument("--json", action="store_true", help="print JSON instead")
    grade_command.add_argument("--evidence", type=Path, help="grade this evidence file, offline")
    grade_command.add_argument(
        "--save-evidence", type=Path, metavar="FILE", help="also save the evidence to FILE"
    )
    grade_command.add_argument(
        "--endpoint-url",
        help="AWS endpoint (default: $AWS_ENDPOINT_URL, else real AWS)",
    )
    grade_command.add_argument("--region", help="AWS region (default: the AWS configuration)")
    return parser


def collect_state(args: argparse.Namespace) -> AccountState:
    if args.evidence:
        return load_evidence(args.evidence)
    import boto3

    from labcheck.collect_live import LiveCollector

    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    session = boto3.Session(region_name=args.region)
    return LiveCollector(session, endpoint).collect()


def cmd_grade(args: argparse.Namespace) -> int:
    state = collect_state(args)
    results = grade(state, args.tasks)
    if args.save_evidence:
        save_evidence(args.save_evidence, state, results)
    if args.json:
        print(json.dumps(to_json(state, results), indent=2))
    else:
        print(to_text(state, results, color=sys.stdout.isatty()), end="")
    return 0 if all(check.passed for r in results for check in r.checks) else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return cmd_grade(args)
    except (CannotGradeError, UnknownTaskError) as error:
        print(f"labcheck: error: {error}", file=sys.stderr)
        return 2
