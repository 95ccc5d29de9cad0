"""Benchmark the autograder: one lab submission alone, then a class of them in parallel.

Each submission is the model answers of the lab (four notebooks, worked by code); each
``nbgrader autograde`` run starts one private localaws and every notebook gets it emptied.
One submission alone is timed ``--alone`` times (median, fastest, slowest), each time right
after nbgrader's own floor on this machine: a submission of four notebooks that do nothing
(nbgrader starting, four kernels). Then the class, ``--parallel`` at a time. Usage:
``.venv/bin/python -m benchmarks.autograde_class --students 30 --parallel 2 --alone 5``
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from labcheck.autograde.isolation import UNREACHABLE_ENDPOINT
from localaws.api import OFFLINE_ENV

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Dummy credentials and a dead endpoint: autograding must not need a live account.
NOWHERE = {**OFFLINE_ENV, "AWS_ENDPOINT_URL": UNREACHABLE_ENDPOINT}
FLOOR = "floor"


def nbgrader(course: Path, *args: str) -> float:
    """Run one nbgrader command in ``course``; its wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | NOWHERE
    # nbgrader runs its `alembic` helper by name: the environment's bin must be on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def make_course(folder: Path, assignment: str, students: int) -> None:
    shutil.copy(PROJECT_ROOT / "nbgrader_config.py", folder)
    shutil.copytree(PROJECT_ROOT / "notebooks" / assignment, folder / "notebooks" / assignment)
    nbgrader(folder, "generate_assignment", assignment, "--force")
    for number in range(students + 1):
        submission = folder / "submitted" / f"learner{number:02d}" / assignment
        submission.mkdir(parents=True)
        for notebook in (folder / "notebooks" / assignment).glob("*.ipynb"):
            shutil.copy(notebook, submission)


def make_floor_assignment(folder: Path, students: int = 1) -> str:
    """An assignment of four notebooks with one trivial cell each: nbgrader's own floor."""
    import nbformat

    source = folder / "notebooks" / FLOOR
    source.mkdir(parents=True)
    for number in range(1, 5):
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}  # fmt: skip
        notebook.cells.append(nbformat.v4.new_code_cell('WAY = "code"'))
        nbformat.write(notebook, source / f"part{number}.ipynb")
    nbgrader(folder, "generate_assignment", FLOOR, "--force")
    for number in range(students):
        submission = folder / "submitted" / f"learner{number:02d}" / FLOOR
        submission.mkdir(parents=True)
        for notebook in source.glob("*.ipynb"):
            shutil.copy(notebook, submission)
    return FLOOR


def code_scores(folder: Path, assignment: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        return {
            s.student.id: (s.code_score, s.max_code_score)
            for s in gradebook.find_assignment(assignment).submissions
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assignment", default="lab")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--parallel", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--alone", type=int, default=5, help="times to autograde one alone")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir)
        make_course(folder, args.assignment, args.students)
        make_floor_assignment(folder)
        floor, alone = [], []
        for _ in range(args.alone):
            floor.append(nbgrader(folder, "autograde", FLOOR, "--student", "learner00", "--force"))
            alone.append(
                nbgrader(folder, "autograde", args.assignment, "--student", "learner00", "--force")
            )
        extra = [lab - base for lab, base in zip(alone, floor, strict=True)]
        ratios = [lab / base for lab, base in zip(alone, floor, strict=True)]
        print(
            f"one submission alone, {args.alone} times: median {statistics.median(alone):.1f} s "
            f"(fastest {min(alone):.1f} s, slowest {max(alone):.1f} s); nbgrader's floor "
            f"(four empty notebooks) median {statistics.median(floor):.1f} s; the lab's own "
            f"share median {statistics.median(extra):.1f} s; lab over floor, paired: median "
            f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}x)"
        )
        if not args.students:
            return
        learners = [f"learner{n:02d}" for n in range(1, args.students + 1)]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.parallel) as pool:
            each = list(
                pool.map(
                    lambda who: nbgrader(folder, "autograde", args.assignment, "--student", who),
                    learners,
                )
            )
        total = time.perf_counter() - started
        scores = code_scores(folder, args.assignment)
        full = sum(1 for who in learners if scores[who][0] == scores[who][1])
        print(
            f"{args.students} submissions, {args.parallel} at a time: {total:.0f} s "
            f"({total / args.students:.1f} s per submission; each took {min(each):.1f}-"
            f"{max(each):.1f} s); full code marks: {full}/{args.students}"
        )


if __name__ == "__main__":
    main()
