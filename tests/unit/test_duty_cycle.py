"""The duty cycle holds a process to its share, and idle time buys no later burst."""

from __future__ import annotations

import subprocess
import sys

from localaws.executor.cpu import DutyCycleLimiter, vcpu_share

#: Idle for a while, then busy: prints the wall seconds 0.1 s of CPU work took.
IDLE_THEN_BUSY = """
import time
time.sleep(0.4)
started, cpu_started = time.monotonic(), time.thread_time()
while time.thread_time() - cpu_started < 0.1:
    pass
print(time.monotonic() - started)
"""


def test_time_idle_or_starved_is_not_made_up_at_full_speed() -> None:
    memory = 442  # a quarter of a vCPU
    share = vcpu_share(memory, host_cores=1)
    child = subprocess.Popen(
        [sys.executable, "-c", IDLE_THEN_BUSY], stdout=subprocess.PIPE, text=True
    )
    limit = DutyCycleLimiter().limit(child.pid, memory)
    limit.activate()
    try:
        output, _ = child.communicate(timeout=30)
    finally:
        limit.release()
    wall = float(output)
    # At its share the work takes 0.1 / share = 0.4 s; the 0.4 s idle first must not let it
    # run at full speed (0.1 s). Slower is possible on a busy machine, never much faster.
    assert 0.75 * 0.1 / share <= wall <= 3 * 0.1 / share, wall
