"""The demos' functions use a Python runtime Lambda supports today, whatever the kernel runs."""

from __future__ import annotations

import pytest

from labcheck.notebook.sandbox import CURRENT_PYTHON_RUNTIMES, Sandbox, demo_runtime


@pytest.mark.parametrize(
    ("kernel", "runtime"),
    [(12, "python3.12"), (11, "python3.11"), (10, "python3.11"), (9, "python3.11"),
     (14, "python3.14"), (15, "python3.14")],
)  # fmt: skip
def test_the_kernels_python_when_supported_else_the_closest(kernel: int, runtime: str) -> None:
    assert demo_runtime(kernel) == runtime
    assert demo_runtime(kernel) in CURRENT_PYTHON_RUNTIMES


def test_each_sandbox_names_its_queues_for_its_own_run() -> None:
    first, second = Sandbox(account=None), Sandbox(account=None)  # type: ignore[arg-type]
    assert len(first.run_id) == 6 and first.run_id != second.run_id
