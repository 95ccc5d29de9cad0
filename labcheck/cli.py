"""``labcheck`` command line: grade the lab in a live account or from an evidence file.

Exit codes: 0 every check passed, 1 some failed, 2 grading (or the command) was not possible:
one line on stderr says why and what to do (``LABCHECK_DEBUG=1`` adds the traceback of an
unexpected error); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from labcheck import __version__
from labcheck.checks import TASKS, UnknownTaskError, chosen_tasks, grade
from labcheck.collect import endpoint_url, read_state
from labcheck.collect.evidence import save_evidence
from labcheck.errors import CannotGradeError, debug_enabled, describe_unexpected
from labcheck.model.state import AccountState
from labcheck.render.report import to_json, to_text
from labcheck.spec import WAYS
from labcheck.tune.cli import add_tune_parser, cmd_tune


class OneLineParser(argparse.ArgumentParser):
    """argparse with its usage errors as one line (and exit 2)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="labcheck", description="Grade the Serverless Lab.")
    parser.add_argument("--version", action="version", version=f"labcheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    grade_command = commands.add_parser("grade", help="check the lab's tasks and show the score")
    grade_command.add_argument(
        "tasks", nargs="*", metavar="TASK", help=f"tasks to grade ({', '.join(TASKS)}; all)"
    )
    grade_command.add_argument("--json", action="store_true", help="print JSON instead")
    grade_command.add_argument(
        "--way",
        choices=WAYS,
        help="word each hint for this way of doing the lab (default: every way's step)",
    )
    grade_command.add_argument("--evidence", type=Path, help="grade this evidence file, offline")
    grade_command.add_argument(
        "--save-evidence", type=Path, metavar="FILE", help="also save the evidence to FILE"
    )
    grade_command.add_argument(
        "--endpoint-url",
        help="AWS endpoint (default: $AWS_ENDPOINT_URL, else real AWS)",
    )
    grade_command.add_argument("--region", help="AWS region (default: the AWS configuration)")
    grade_command.add_argument(
        "--roster", type=Path, help="CSV of learners' accounts (account_id,name) to grade"
    )
    grade_command.add_argument(
        "--assume-role", metavar="ROLE_NAME", help="with --roster: the role to assume in each"
    )
    grade_command.add_argument(
        "--out", type=Path, default=Path("grades"), help="with --roster: where results go"
    )
    grade_command.add_argument(
        "--compare-evidence",
        type=Path,
        metavar="SUBMITTED",
        help="with --roster: flag each learner's handed-in evidence (nbgrader's submitted/ "
        "folder, by the roster's names) that claims more than their live account shows",
    )

    setup = commands.add_parser("setup", help="create the lab's starting resources (idempotent)")
    _add_account_options(setup)
    setup.add_argument(
        "--python-versions",
        help="Python versions the Pillow layer serves, e.g. 3.12,3.13 (default: every supported "
        "runtime on AWS; those localaws can run here offline)",
    )
    plot = commands.add_parser("plot", help="draw duration and cost against memory (task 4)")
    plot.add_argument("--function", default="resize_image", help="the function (resize_image)")
    plot.add_argument(
        "--out", type=Path, default=Path("memory-curve.png"), help="PNG or SVG file to write"
    )
    _add_account_options(plot)

    add_tune_parser(commands)

    audit = commands.add_parser(
        "audit",
        help="check the class's handed-in evidence: duplicates, accounts of someone else",
    )
    audit.add_argument("submitted", type=Path, help="nbgrader's submitted/ folder")
    audit.add_argument(
        "--roster", type=Path, required=True, help="the class roster CSV (account_id,name)"
    )
    audit.add_argument("--assignment", default="lab", help="the assignment (lab)")

    workspace = commands.add_parser(
        "workspace",
        help="make or update the learner's copy of the course (no solutions; keeps your work)",
    )
    workspace.add_argument(
        "--into", type=Path, default=Path("workspace"), help="the learner's folder (workspace)"
    )
    workspace.add_argument(
        "--sources", type=Path, default=Path("notebooks"), help="nbgrader's source notebooks"
    )
    workspace.add_argument(
        "--config", type=Path, default=Path("nbgrader_config.py"), help="nbgrader's config"
    )

    cleanup = commands.add_parser("cleanup", help="delete the lab's resources (asks first)")
    _add_account_options(cleanup)
    cleanup.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


def _add_account_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", help="AWS endpoint (default: $AWS_ENDPOINT_URL)")
    parser.add_argument("--region", help="AWS region (default: the AWS configuration)")


def _endpoint(args: argparse.Namespace) -> str | None:
    return endpoint_url(args.endpoint_url)


def _writing_clients(args: argparse.Namespace) -> Callable[[str], Any]:
    """Clients for setup and cleanup, the only commands that change the account."""
    import boto3

    session = boto3.Session(region_name=args.region)
    endpoint = _endpoint(args)
    settings = {"endpoint_url": endpoint} if endpoint else {}
    return lambda service: session.client(service, **settings)


def cmd_setup(args: argparse.Namespace) -> int:
    from labcheck.provision.image import ensure_lab_image
    from labcheck.provision.setup import AWS_RUNTIMES, LabSetup, local_python_versions

    target = "local" if _endpoint(args) else "aws"
    if args.python_versions:
        versions = [v.strip() for v in args.python_versions.split(",") if v.strip()]
    else:
        versions = local_python_versions() if target == "local" else list(AWS_RUNTIMES)
    result = _with_aws_errors(lambda: LabSetup(_writing_clients(args), target, _say).run(versions))
    image = ensure_lab_image()
    print("Created: " + (", ".join(result.created) if result.created else "nothing (all there)"))
    for key, value in sorted(result.outputs.items()):
        print(f"{key}: {value}")
    print(f"LayerVersionArn: {result.layer_arn}")
    print(f"Lab image: {image} ({image.stat().st_size / 1e6:.1f} MB)")
    return 0


def cmd_workspace(args: argparse.Namespace) -> int:
    from labcheck.workspace import update_workspace

    report = update_workspace(args.sources, args.config, args.into)
    print("\n".join(report.lines()))
    return 0


def cmd_cleanup(args: argparse.Namespace) -> int:
    from labcheck.provision.cleanup import plan_cleanup

    steps = _with_aws_errors(lambda: plan_cleanup(_writing_clients(args)))
    if not steps:
        print("Nothing to clean up.")
        return 0
    print("This deletes:\n" + "\n".join(f"  - {what}" for what, _ in steps))
    if not args.yes:
        if not sys.stdin.isatty():
            raise CannotGradeError("cleanup needs confirmation.", "Run 'labcheck cleanup --yes'.")
        if input("Delete all of this? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 0
    for what, delete in steps:
        _with_aws_errors(delete)
        print(f"Deleted {what}.")
    return 0


def _say(message: str) -> None:
    print(message, flush=True)


T = TypeVar("T")


def _with_aws_errors(call: Callable[[], T]) -> T:
    """Run ``call``; AWS errors become one clear line (CannotGradeError)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from labcheck.errors import describe_aws_error

    try:
        return call()
    except (BotoCoreError, ClientError) as error:
        raise describe_aws_error(error) from error


def collect_state(args: argparse.Namespace) -> AccountState:
    return read_state(args.evidence, args.endpoint_url, args.region)


def cmd_grade_roster(args: argparse.Namespace) -> int:
    import boto3

    from labcheck.collect.live import LiveCollector
    from labcheck.roster import RosterGrader, assume_role_sessions, read_roster

    if not args.assume_role:
        raise CannotGradeError("--roster needs --assume-role ROLE_NAME.")
    learners = read_roster(args.roster)
    endpoint = _endpoint(args)
    sessions = assume_role_sessions(
        boto3.Session(region_name=args.region), args.assume_role, endpoint
    )
    if args.compare_evidence is not None and not args.compare_evidence.is_dir():
        raise CannotGradeError(
            f"--compare-evidence: {args.compare_evidence} is not a folder.",
            "Give nbgrader's submitted/ folder.",
        )
    grader = RosterGrader(
        sessions,
        lambda s: LiveCollector(s, endpoint).collect(),
        args.out,
        args.compare_evidence,
    )
    rows = grader.grade_all(learners)
    for row in rows:
        result = f"{row.score}/{row.max_score}" if row.error == "" else f"not graded: {row.error}"
        flagged = f"; evidence: {row.evidence}" if row.evidence else ""
        print(f"{row.learner.account_id} {row.learner.name}: {result}{flagged}")
    print(f"Scores: {args.out / 'scores.csv'}")
    graded = sum(1 for row in rows if not row.error)
    if graded and any(row.evidence for row in rows):
        return 1  # evidence that disagrees with its account
    return 0 if graded == len(rows) else (1 if graded else 2)


def cmd_grade(args: argparse.Namespace) -> int:
    if args.roster:
        return cmd_grade_roster(args)
    chosen_tasks(args.tasks)  # a misspelt task is said before anything is read
    state = collect_state(args)
    results = grade(state, args.tasks)
    if args.save_evidence:
        save_evidence(args.save_evidence, state, results)
    if args.json:
        print(json.dumps(to_json(state, results, args.way), indent=2))
    else:
        print(to_text(state, results, color=sys.stdout.isatty(), way=args.way), end="")
    return 0 if all(check.passed for r in results for check in r.checks) else 1


def cmd_plot(args: argparse.Namespace) -> int:
    from labcheck.collect.live import live_collector
    from labcheck.render.plot import save_memory_curve

    lines = live_collector(args.endpoint_url, args.region).reports(args.function)
    path = save_memory_curve(lines, args.out, args.function)
    print(f"Memory curve of {args.function} ({len(lines)} runs): {path}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from labcheck.autograde.ownership import audit, class_roster, handed_in

    if not args.submitted.is_dir():
        raise CannotGradeError(
            f"{args.submitted} is not a folder.", "Give nbgrader's submitted/ folder."
        )
    evidence = handed_in(args.submitted, args.assignment)
    problems = audit(evidence, class_roster(args.roster))
    for student in sorted(problems):
        print(f"{student}: " + "; ".join(problems[student]))
    print(f"{len(evidence)} evidence files, {len(problems)} flagged.")
    return 1 if problems else 0


COMMANDS = {
    "grade": cmd_grade,
    "setup": cmd_setup,
    "plot": cmd_plot,
    "tune": cmd_tune,
    "cleanup": cmd_cleanup,
    "audit": cmd_audit,
    "workspace": cmd_workspace,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (CannotGradeError, UnknownTaskError) as error:
        print(f"labcheck: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labcheck: interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # the one boundary: one line, never a traceback, unless asked
        if debug_enabled():
            traceback.print_exc()
        described = describe_unexpected(error, _endpoint(args) if "endpoint_url" in args else None)
        print(f"labcheck: error: {described}", file=sys.stderr)
        return 2
