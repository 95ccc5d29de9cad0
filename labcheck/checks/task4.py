"""Task 4: tune memory. Runs at 1,024, 2,048 and 3,008 MB, and the median warm duration falling
with memory."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from labcheck.model.curve import runs_by_size
from labcheck.model.results import Check, Verdict, failed, passed
from labcheck.model.state import AccountState
from labcheck.spec import MB_PER_VCPU, TUNED_SIZES

#: Runs are noisy: a bigger size may be this much slower than a smaller one and still count
#: as "not slower".
NOISE = 1.25
#: Lambda gives one full vCPU at 1,769 MB. Above it a single-threaded handler gains nothing,
#: so two sizes both at or above it sit on a plateau and are not compared with each other.


def _durations(state: AccountState) -> dict[int, float]:
    """Each size's duration as the check compares it (``SizeRuns.checked_ms``): the median
    warm run, as the learner's table and curve show it, unless there is only one."""
    return {size: runs.checked_ms for size, runs in runs_by_size(state.reports).items()}


def ran_at(memory_mb: int) -> Callable[[AccountState], Verdict]:
    def check(state: AccountState) -> Verdict:
        if memory_mb in _durations(state):
            return passed(f"A clean run at {memory_mb} MB is in the logs.")
        return failed(
            f"No clean run at {memory_mb} MB in the logs.",
            f"Set memory to {memory_mb} MB, upload the image again (or invoke with the test "
            "event), and wait for the run to finish.",
        )

    return check


def duration_falls(state: AccountState) -> Verdict:
    durations = _durations(state)
    sizes = sorted(size for size in durations if size >= 512)
    if len(sizes) < 2:
        return failed(
            "Fewer than two memory sizes have clean runs.",
            "Run at 512, 1,024, 2,048 and 3,008 MB first.",
        )
    rising = [
        f"{big} MB ({durations[big]:.0f} ms) vs {small} MB ({durations[small]:.0f} ms)"
        for small, big in itertools.pairwise(sizes)
        if small < MB_PER_VCPU and durations[big] > durations[small] * NOISE
    ]
    if not rising and durations[sizes[-1]] >= durations[sizes[0]]:
        rising.append(
            f"{sizes[-1]} MB ({durations[sizes[-1]]:.0f} ms) is no faster than "
            f"{sizes[0]} MB ({durations[sizes[0]]:.0f} ms)"
        )
    if rising:
        return failed(
            "Duration rose with memory: " + "; ".join(rising) + ".",
            "Run those sizes a few more times: the medians leave cold starts out, and a busy "
            "machine slows single runs.",
        )
    summary = ", ".join(f"{size} MB {durations[size]:.0f} ms" for size in sizes)
    return passed(f"Duration falls as memory grows: {summary}.")


CHECKS = (
    *(Check(f"task4.ran-{size}", f"A run at {size} MB", 1, ran_at(size)) for size in TUNED_SIZES),
    Check("task4.duration-falls", "Duration falls as memory grows", 1, duration_falls),
)
