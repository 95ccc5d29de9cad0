"""A private ``/tmp`` per execution environment, as on AWS (root on Linux only).

Each environment gets a mount namespace whose ``/tmp`` is a tmpfs of the function's ephemeral
storage size, so ``df /tmp`` shows that size and writing past it fails with "No space left on
device". A small holder process keeps the namespace for the environment's whole life, and each
runtime process enters it: a runtime restarted after a failed invocation ("suppressed init")
finds ``/tmp`` as the last one left it, as on AWS. The holder reads its stdin until the end, so
it goes when the environment closes it, or when localaws itself dies.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

UNSHARE_MOUNT_NAMESPACE = ("unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c")
#: Mounts a tmpfs of $0 MB on /tmp, says so, then holds the namespace until stdin ends.
HOLD_SCRIPT = (
    'mount -t tmpfs -o "size=$0m,mode=1777" tmpfs /tmp && echo ready && exec cat >/dev/null'
)
#: Mounts a tmpfs of $0 MB on /tmp, then runs the rest of the command line (the probe).
PROBE_SCRIPT = 'mount -t tmpfs -o "size=$0m,mode=1777" tmpfs /tmp && exec "$@"'
START_SECONDS = 10.0


@lru_cache(maxsize=1)
def private_tmp_supported() -> bool:
    """Whether a mount namespace can give each environment its own /tmp (root on Linux)."""
    if not (shutil.which("unshare") and shutil.which("nsenter")):
        return False
    probe = [*UNSHARE_MOUNT_NAMESPACE, PROBE_SCRIPT, "1", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class PrivateTmpError(OSError):
    """The namespace holding an environment's /tmp could not be made."""


class PrivateTmp:
    """The mount namespace of one environment, held open until ``close``."""

    def __init__(self, size_mb: int) -> None:
        self._holder = subprocess.Popen(
            [*UNSHARE_MOUNT_NAMESPACE, HOLD_SCRIPT, str(size_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self._holder.stdout is not None
        if self._holder.stdout.readline() != b"ready\n":
            self.close()
            raise PrivateTmpError("could not mount a private /tmp for the environment")

    def command(self, argv: list[str], cwd: Path) -> list[str]:
        """``argv`` run inside the namespace, in ``cwd``."""
        namespace = f"/proc/{self._holder.pid}/ns/mnt"
        return ["nsenter", f"--mount={namespace}", f"--wd={cwd}", "--", *argv]

    def close(self) -> None:
        """Let the namespace (and everything in its /tmp) go; safe to call twice."""
        with contextlib.suppress(OSError):
            if self._holder.stdin is not None:
                self._holder.stdin.close()
        try:
            self._holder.wait(START_SECONDS)
        except subprocess.TimeoutExpired:
            self._holder.kill()
            self._holder.wait()
        if self._holder.stdout is not None:
            self._holder.stdout.close()
