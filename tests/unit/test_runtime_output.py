"""A runtime's output is complete once the pipe is drained (no fixed wait), and the paths a
function names in AWS_LAMBDA_EXEC_WRAPPER point where its code really is."""

from __future__ import annotations

import os
from pathlib import Path

from localaws.executor.entrypoint import host_path, with_exec_wrapper
from localaws.executor.output import OutputLine, OutputReader


def test_flush_returns_once_every_written_line_was_handed_on() -> None:
    read_end, write_end = os.pipe()
    seen: list[OutputLine] = []
    reader = OutputReader(read_end, seen.append, "test-output")
    try:
        for batch in range(50):
            os.write(write_end, b"".join(b"line %d-%d\n" % (batch, n) for n in range(40)))
            assert reader.flush(5)
            assert len(seen) == 40 * (batch + 1)  # all of it, at once
        os.write(write_end, b"no newline yet")
        assert reader.flush(5) and seen[-1][1] == "line 49-39"
    finally:
        os.close(write_end)
    reader.join(5)
    assert seen[-1][1] == "no newline yet"  # handed on when the pipe closed
    os.close(read_end)


def test_lambda_paths_map_to_the_task_root_and_opt_dir(tmp_path: Path) -> None:
    task, opt = tmp_path / "code", tmp_path / "opt"
    assert host_path("/var/task/run.sh", task, opt) == f"{task}/run.sh"
    assert host_path("/opt/wrapper", task, opt) == f"{opt}/wrapper"
    assert host_path("/optional/x", task, opt) == "/optional/x"
    assert host_path("/opt/wrapper", task, None) == "/opt/wrapper"  # no layers: left alone
    python = ["python3.12", "-u", "bootstrap.py"]
    assert with_exec_wrapper(python, {}, task, opt) == python
    wrapped = with_exec_wrapper(python, {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/w"}, task, opt)
    assert wrapped[-4:] == [f"{opt}/w", *python]
