"""``labcheck.Lab``: what each lab notebook starts with.

``Lab(aws, way="code", task="task2")`` makes sure the lab's starting resources exist
(running the set-up if not, with a message), names them for the learner's code (and, for the
AWS CLI way, as shell variables), and grades that task — each check in its own graded cell, so
every check earns its own points, with hints worded for the learner's way.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from pathlib import Path
from typing import Any

from labcheck.checks.causes import known_cause
from labcheck.collect.live import log_messages
from labcheck.errors import CannotGradeError
from labcheck.model.reports import error_lines
from labcheck.notebook.account import Account, autograding
from labcheck.notebook.cli_steps import (
    export_lines,
    lab_variables,
    run_steps,
    write_function_files,
)
from labcheck.notebook.grading import REPLAYED, assert_check, check_way, grade, shared_state
from labcheck.notebook.sandbox import this_python_runtime
from labcheck.provision.resources import LabResources, LabTaskError, find_resources
from labcheck.spec import FUNCTION_NAME, IMAGE_KEY

#: On AWS the layer serves every supported Python; the course uses the newest.
AWS_RUNTIME = "python3.13"
IMAGE_CACHE = Path.home() / ".cache" / "serverless-lab" / "lab-image.jpg"
AUTOGRADER_IMAGE_CACHE = IMAGE_CACHE.with_name("lab-image-autograder.jpg")
#: What each task builds on. Task 4 reruns the function itself, so it needs tasks 1 and 2.
NEEDS: dict[str, tuple[str, ...]] = {
    "task1": (),
    "task2": ("task1",),
    "task3": ("task1", "task2"),
    "task4": ("task1", "task2"),
}

EARLIER_WORK = {"task1": "task 1 (created resize_image)", "task2": "task 2 (the S3 trigger)"}


class Lab:
    """The lab in one account, for one task's notebook, done by ``way`` (code, cli or console)."""

    def __init__(self, account: Account, way: str = "code", task: str = "task1") -> None:
        check_way(way)
        if task not in NEEDS:
            raise CannotGradeError(f"there is no lab task {task!r}.", "Use task1 to task4.")
        self.account, self.way, self.task = account, way, task
        self.runtime = this_python_runtime() if account.offline else AWS_RUNTIME
        if autograding():
            self.resources = self._start_for_the_autograder()
        else:
            self.resources = ensure_resources(account)
            self._warn_if_earlier_tasks_missing()
        print(f"Lab ready for {task}, done by {way}.")
        print(f"  original bucket: {self.resources.original_bucket}")
        print(f"  resized bucket:  {self.resources.resized_bucket}")
        print(f"  role:            {self.resources.role_arn}")
        print(f"  layer:           {self.resources.layer_arn}")
        print(f"  runtime:         {self.runtime}")
        if way == "cli":
            print("Your CLI commands get these as shell variables. In a terminal, first run:")
            print(f"cd {shlex.quote(str(Path.cwd()))}")
            print(export_lines(self.cli_variables()))

    def cli_variables(self) -> dict[str, str]:
        """The lab's names as the AWS CLI way's shell variables."""
        return lab_variables(
            self.resources, self.runtime, self.account.region, self.account.account_id
        )

    def run_cli(self, steps: str) -> None:
        """Run the AWS CLI commands of ``steps`` (one a line) in this account, beside the
        notebook, each echoed with its output; stops at the first that fails, with one line."""
        environment = dict(os.environ, AWS_DEFAULT_REGION=self.account.region)
        if self.account.endpoint_url:
            environment["AWS_ENDPOINT_URL"] = self.account.endpoint_url
        count = run_steps(steps, self.cli_variables(), Path.cwd(), environment)
        print(f"All {count} commands succeeded.")

    def write_function_zip(self, source: str) -> Path:
        """lambda_function.py and function.zip (holding it) beside the notebook, for
        ``--zip-file fileb://function.zip``."""
        package = write_function_files(Path.cwd(), source)
        print(f"Wrote lambda_function.py and {package.name} ({package.stat().st_size:,} bytes).")
        return package

    def save_image(self, path: str = IMAGE_KEY) -> Path:
        """The lab's test image (``image()``) as a file beside the notebook, for uploads."""
        target = Path(path)
        target.write_bytes(self.image())
        print(f"{target}: {target.stat().st_size / 1e6:.1f} MB")
        return target

    def grade(self, *tasks: str) -> None:
        """Show this task's checks (or ``tasks``') as a table."""
        grade(*(tasks or (self.task,)), way=self.way)

    def check(self, check_id: str) -> None:
        """A graded cell's body: one check, shown, failing with its hint.

        Consecutive check cells share one look at the account (labcheck/one_look.py).
        """
        assert_check(check_id, way=self.way)

    def plot(self) -> Any:
        """Task 4's curve (duration and cost against memory) from the graded state's REPORTs.

        The autograder shows the curve's numbers as a table instead: drawing is not graded.
        """
        from labcheck.render.plot import memory_curve, memory_table

        try:
            reports = shared_state(self.way).reports
            if autograding():
                print("The autograder lists the runs; your own notebook draws the curve.")
                return memory_table(reports)
            return memory_curve(reports)
        except CannotGradeError as error:  # too few runs yet: say which, no traceback
            print(f"No curve yet: {error.message} {error.hint}")
            return None

    def compare_images(self, key: str = IMAGE_KEY) -> Any:
        """Task 3: the original and its resized copy side by side, with their sizes."""
        from labcheck.render.side_by_side import Picture, SideBySide

        s3 = self.account.client("s3")
        pictures = []
        for bucket in (self.resources.original_bucket, self.resources.resized_bucket):
            try:
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            except s3.exceptions.NoSuchKey:
                if bucket == self.resources.original_bucket:
                    print(f"{key} is not in {bucket} (yet): upload it, then run this cell again.")
                else:
                    print(f"{key} has no copy in {bucket} (yet). {self.why_no_copy()}")
                return None
            pictures.append(Picture.from_bytes(bucket, body))
        return SideBySide(tuple(pictures))

    def why_no_copy(self) -> str:
        """What the function's logs say about a missing copy, with the fix for this way."""
        messages = log_messages(self.account.client("logs"), FUNCTION_NAME)
        if not messages:
            return (
                f"{FUNCTION_NAME} has not run yet: check task 2's trigger (its checks say what "
                "is missing), then upload again."
            )
        cause = known_cause(error_lines(messages))
        if cause is not None:
            meaning, fix = cause
            return f"{meaning} {fix.text(self.way)}"
        return (
            "No run has failed: the copy may still be on its way, so run this cell again in a "
            "few seconds; if it stays missing, check task 2's trigger."
        )

    def image(self) -> bytes:
        """The lab's large test image (about 5 MB), drawn once and cached.

        The autograder gets a copy at half the width and height: a quarter of the work for
        every run it repeats, and the same checks (a half-size copy, memory that pays).
        """
        from labcheck.provision.image import ensure_lab_image, ensure_smaller_copy

        photo = ensure_lab_image(IMAGE_CACHE)
        if autograding():
            photo = ensure_smaller_copy(photo, AUTOGRADER_IMAGE_CACHE)
            print("The autograder uses the photo at half its width and height (same checks).")
        return photo.read_bytes()

    @property
    def autograding(self) -> bool:
        """True when nbgrader runs this notebook (ungraded extras can be skipped)."""
        return autograding()

    def function_exists(self, name: str = FUNCTION_NAME) -> bool:
        lam = self.account.client("lambda")
        try:
            lam.get_function(FunctionName=name)
        except lam.exceptions.ResourceNotFoundException:
            return False
        return True

    def _start_for_the_autograder(self) -> LabResources:
        """The lab's starting point in the autograder's empty account: the set-up and, for
        work done in the notebook (code or CLI), the tasks this one builds on, done the reference
        way (the registered reference steps, see ``autograde.replay``); a notebook earns points
        only for its own task.

        Each stage is kept as a checkpoint ("lab+python3.11+<submission>", then "+task1",
        "+task2"), so the submission's later notebooks restore the furthest one and do only
        what is still missing. The names carry the submission's folder: a submission can only
        ever restore stages built for itself.
        """
        from labcheck.autograde import server as autograde
        from labcheck.autograde.replay import reference_steps

        earlier = NEEDS[self.task] if self.way in REPLAYED else ()
        base = ("lab", self.runtime, submission_key(Path.cwd()))
        stages = ["+".join(base + earlier[:count]) for count in range(len(earlier) + 1)]
        restored = next(
            (n for n in reversed(range(len(stages))) if autograde.restore_checkpoint(stages[n])),
            None,
        )
        if restored is None:
            resources = ensure_resources(self.account)
            autograde.save_checkpoint(stages[0])
            restored = 0
        else:  # the earlier tasks leave the stack, role and layer as they are
            resources = find_resources(self.account.client)
        steps = reference_steps() if earlier[restored:] else None
        for stage, task in enumerate(earlier[restored:], start=restored + 1):
            assert steps is not None
            if task == "task1":
                steps.task1(self.account.client, resources, runtime=self.runtime)
            else:
                steps.task2(self.account.client, resources)
            autograde.save_checkpoint(stages[stage])
        for task in earlier:
            print(f"Earlier task done the reference way for this run: {EARLIER_WORK[task]}")
        return resources

    def _warn_if_earlier_tasks_missing(self) -> None:
        if self.task != "task1" and not self.function_exists():
            print(f"Note: {FUNCTION_NAME} does not exist yet here. Do task 1 first.")


def submission_key(folder: Path) -> str:
    """A short, stable name for the submission whose notebooks run in ``folder``."""
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]


def ensure_resources(account: Account) -> LabResources:
    """The stack's outputs, the role and the newest layer, running the set-up if missing."""
    try:
        return find_resources(account.client)
    except LabTaskError:
        print("The lab's starting resources are not in this account yet: creating them now")
        print("(the same as running `labcheck setup`)...")
    from labcheck.provision.setup import AWS_RUNTIMES, LabSetup

    target = "local" if account.offline else "aws"
    versions = [this_python_runtime()[6:]] if account.offline else list(AWS_RUNTIMES)
    LabSetup(account.client, target, print).run(versions)
    try:
        return find_resources(account.client)
    except LabTaskError as error:
        raise CannotGradeError(f"the lab set-up did not finish: {error}") from error
