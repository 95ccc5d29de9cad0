"""The lab's specification, in one place: names, sizes, runtimes and prices.

Every part of labcheck (and the reference solution) takes these from here, so a change to the
lab is made once.
"""

from __future__ import annotations

FUNCTION_NAME = "resize_image"
ROLE_NAME = "ResizeImageLambdaRole"
LAYER_NAME = "PillowPythonLambdaLayer"
STACK_NAME = "serverless-lab"
IMAGE_KEY = "lab-image.jpg"

#: The ways a learner may do the lab: boto3 in the notebook, the AWS CLI, or the AWS console.
WAYS = ("code", "cli", "console")

#: Task 1's memory size, and task 4's reruns.
LAB_MEMORY_MB = 512
TUNED_SIZES = (1024, 2048, 3008)
#: Every size the lab's plot expects: task 1's and task 4's.
LAB_SIZES = (LAB_MEMORY_MB, *TUNED_SIZES)
#: Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion below that.
MB_PER_VCPU = 1769

#: Python runtimes Lambda supports today (newest last), and those it has deprecated.
SUPPORTED_RUNTIMES = ("python3.11", "python3.12", "python3.13", "python3.14")
DEPRECATED_RUNTIMES = ("python3.9", "python3.10")
#: Python versions the lab's Pillow layer is built for on AWS.
LAYER_PYTHON_VERSIONS = tuple(r.removeprefix("python") for r in DEPRECATED_RUNTIMES) + tuple(
    r.removeprefix("python") for r in SUPPORTED_RUNTIMES
)

#: Lambda's on-demand prices in us-east-1 (USD): per GB-second by architecture, per request.
PRICE_PER_GB_SECOND = {"x86_64": 0.0000166667, "arm64": 0.0000133334}
PRICE_PER_REQUEST = 0.20 / 1_000_000
