"""Both resize handlers through localaws (S3 trigger, Pillow layer), done with the task scripts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from labcheck.provision.image import draw_lab_image
from solutions.lab_tasks import REFERENCE_HANDLER, task1, task3
from tests.helpers import PROJECT_ROOT, ServerProcess
from tests.image_compare import half_size_problems
from tests.lab_build import IMAGE_KEY, do_tasks_1_to_3, lab_clients, lab_resources, wait_for_runs
from tests.pillow_layer import this_python_runtime

pytestmark = pytest.mark.server
FAST_HANDLER = PROJECT_ROOT / "solutions/resize_image_fast/lambda_function.py"


def test_fast_then_reference_handler_make_faithful_copies(server: ServerProcess) -> None:
    image = draw_lab_image()
    do_tasks_1_to_3(server.endpoint, image, handler=FAST_HANDLER)
    clients, lab = lab_clients(server.endpoint), lab_resources(server.endpoint)
    fast_copy = clients("s3").get_object(Bucket=lab.resized_bucket, Key=IMAGE_KEY)["Body"].read()
    assert half_size_problems(image, fast_copy) == []

    task1(clients, lab, REFERENCE_HANDLER, this_python_runtime())  # updates the function
    reference_copy = task3(clients, lab, image, key=IMAGE_KEY)
    wait_for_runs(server.endpoint, 2)
    assert half_size_problems(image, reference_copy) == []
    assert reference_copy != fast_copy


def test_the_task_scripts_say_to_run_setup_first(server: ServerProcess) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "solutions.lab_tasks", "task1"],
        capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT,
        env={**os.environ, **server.client_env},
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "lab_tasks: error: the lab's starting resources are missing (ValidationError); "
        "run 'labcheck setup' first.\n"
    )
