"""nbgrader settings for Serverless Lab: source notebooks live in notebooks/."""

import os
import sys

c = get_config()  # type: ignore[name-defined]  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.course_id = "serverless-lab"
# A cell may wait for a function run (the lab's tune task runs it at three sizes).
c.Execute.timeout = 180
# A notebook's outputs are all in by the time its last cell ends; stopping its kernel at once
# instead of waiting for Python to wind down saves about half a second per notebook.
c.Execute.shutdown_kernel = "immediate"
# After a cell's reply, its last outputs may lag on a machine busy autograding in parallel;
# nbgrader fails the whole notebook if they take longer than this (nbconvert's default: 4 s).
c.Execute.iopub_timeout = 20
# Keep the labcheck evidence file a learner submits with a notebook; skip the rest. (Evidence
# must not go in this list: nbgrader applies it to submitted files too.)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
# Grading a console-way lab notebook reads the evidence its learner handed in beside it; the
# autograder must never replace that file with one from the instructor's side.
EVIDENCE_FILE = "labcheck-evidence.json"
c.Autograde.exclude_overwriting = {"lab": [EVIDENCE_FILE]}
# The class roster (account_id,name: each learner's AWS account and nbgrader student id):
# console-way evidence counts only from the account registered to the learner who hands it in.
_roster = os.path.join(c.CourseDirectory.root, "roster.csv")
if os.path.exists(_roster):
    os.environ.setdefault("LABCHECK_ROSTER", _roster)

# The source folder holds no evidence (a live grade run in it writes one): released to every
# learner, it would grade blank console-way notebooks as done.
if len(sys.argv) > 1 and sys.argv[1] in ("generate_assignment", "assign"):
    _root = os.path.join(c.CourseDirectory.root, c.CourseDirectory.source_directory)
    _found = sorted(
        os.path.relpath(os.path.join(folder, EVIDENCE_FILE), c.CourseDirectory.root)
        for folder, _, files in os.walk(_root)
        if EVIDENCE_FILE in files
    )
    if _found:
        sys.exit(
            f"nbgrader: error: evidence files in the source notebooks would be released to every "
            f"learner: {', '.join(_found)}. Delete them and run this again."
        )

# Autograding and validating never reach a live AWS account, the instructor's included:
# kernels get dummy credentials and a dead endpoint until labcheck.connect() points them at
# a private localaws. One is started here, in the background, for all of this run's notebooks;
# each notebook's connect() empties it first, so every notebook still meets a fresh account.
if len(sys.argv) > 1 and sys.argv[1] in ("autograde", "validate"):
    from labcheck.autograde.isolation import isolate_from_aws
    from labcheck.autograde.server import kernel_socket_prefix, start_for_nbgrader

    isolate_from_aws()
    start_for_nbgrader()
    # Each kernel leaves the objects of its own start (IPython's) out of the garbage collector:
    # the full collection that loading boto3 sets off then skips them (~0.1 s a notebook).
    c.Execute.extra_arguments = ["--IPKernelApp.exec_lines=import gc; gc.freeze()"]
    # The same check of each cell's nbgrader metadata, its JSON schema checked once rather than
    # once a cell (labcheck/autograde/cell_metadata.py).
    from labcheck.autograde.cell_metadata import autograde_steps

    for _name, _steps in autograde_steps().items():
        setattr(c.Autograde, _name, _steps)
    # Kernels listen on Unix sockets in a private folder, not on TCP ports chosen in advance:
    # between the choice and the kernel's start, another connection can take such a port and
    # the kernel dies ("Kernel died before replying to kernel_info"), failing the notebook.
    if os.name == "posix":
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = kernel_socket_prefix()
