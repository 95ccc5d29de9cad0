"""nbgrader_config.py: timeouts, and autograding cut off from every real AWS account."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import PROJECT_ROOT

READ_CONFIG = """
import json, os, sys
from traitlets.config import Config
sys.argv = ["nbgrader", sys.argv[1]]
c = Config()
exec(open("nbgrader_config.py").read(), {"get_config": lambda: c, "__file__": "nbgrader_config.py"})
print(json.dumps({
    "timeout": c.Execute.timeout,
    "shutdown": c.Execute.shutdown_kernel,
    "iopub_timeout": c.Execute.iopub_timeout,
    "transport": c.KernelManager.get("transport", "tcp"),
    "socket_prefix": c.KernelManager.get("ip", ""),
    "kernel_arguments": c.Execute.get("extra_arguments", []),
    "env": {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "LABCHECK_"))},
}))
"""
HOST_ENV = {"AWS_PROFILE": "production", "AWS_ACCESS_KEY_ID": "AKIAREALKEY", "AWS_REGION": "x"}


def read_config(command: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", READ_CONFIG, command],
        cwd=PROJECT_ROOT,
        env={**os.environ, **HOST_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_autograde_and_validate_see_only_dummy_credentials_and_a_dead_endpoint() -> None:
    for command in ("autograde", "validate"):
        env = read_config(command)["env"]
        assert isinstance(env, dict)
        assert "AWS_PROFILE" not in env
        assert env["AWS_ACCESS_KEY_ID"] == "testing"
        assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"
        # The run's own localaws, on loopback, for connect() to point each notebook at.
        assert env["LABCHECK_AUTOGRADE_ENDPOINT"].startswith("http://127.0.0.1:")


def test_autograde_kernels_listen_on_private_unix_sockets_not_tcp_ports() -> None:
    config = read_config("autograde")
    assert config["transport"] == "ipc"
    prefix = str(config["socket_prefix"])
    assert os.path.isabs(prefix) and "nbgrader-kernels-" in prefix
    assert not os.path.exists(os.path.dirname(prefix)), "removed when nbgrader exits"


def test_other_commands_leave_the_environment_alone() -> None:
    config = read_config("export")  # (generate_assignment also checks the sources for evidence)
    assert config["env"] == {**{k: v for k, v in os.environ.items() if k.startswith("AWS_")},
                             **HOST_ENV}  # fmt: skip
    assert config["timeout"] == 180 and config["shutdown"] == "immediate"
    assert int(str(config["iopub_timeout"])) >= 15
    assert config["transport"] == "tcp", "only autograde and validate start kernels"


def test_autograding_keeps_the_learners_own_evidence() -> None:
    from traitlets.config import Config

    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(PROJECT_ROOT / "nbgrader_config.py")}
    exec((PROJECT_ROOT / "nbgrader_config.py").read_text(), namespace)
    assert config.Autograde.exclude_overwriting == {"lab": ["labcheck-evidence.json"]}
    assert not any("evidence" in pattern for pattern in config.CourseDirectory.ignore)


def test_autograde_kernels_leave_their_start_up_objects_out_of_garbage_collection() -> None:
    """A full collection set off while a notebook loads boto3 then skips IPython's objects."""
    import nbformat
    from nbclient import NotebookClient

    arguments = read_config("autograde")["kernel_arguments"]
    assert isinstance(arguments, list) and arguments
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells.append(nbformat.v4.new_code_cell("import gc; print(gc.get_freeze_count())"))
    NotebookClient(notebook, extra_arguments=arguments, timeout=60).execute()
    assert int(notebook.cells[0].outputs[0]["text"]) > 10_000
