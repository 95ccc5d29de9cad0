"""Every memory size in turn, then the function's own memory put back, whatever happens."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from labcheck.errors import CannotGradeError
from labcheck.tune.measure import Run, SizeResult, run_many

UPDATE_DEADLINE_SECONDS = 120.0

#: How often an update's status is read: localaws finishes one in milliseconds, AWS in
#: about a second.
UPDATE_POLL_SECONDS = 0.2


@dataclass
class TuneSettings:
    function: str
    sizes: Sequence[int]
    runs: int
    payload: bytes = b"{}"
    parallel: int = 1


@dataclass
class Seams:
    """What the tuner reports to and waits with (fakes in tests)."""

    say: Callable[[str], None] = print
    on_run: Callable[[int, Run], None] = lambda memory, run: None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    update_deadline: float = UPDATE_DEADLINE_SECONDS


@dataclass
class MemoryTuner:
    lam: Any
    settings: TuneSettings
    seams: Seams = field(default_factory=Seams)

    def configuration(self) -> dict[str, Any]:
        """The function's configuration; CannotGradeError if there is no such function."""
        try:
            return dict(self.lam.get_function_configuration(FunctionName=self.settings.function))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                region = self.lam.meta.region_name
                raise CannotGradeError(
                    f"there is no function named {self.settings.function} in {region}.",
                    "Check the name (and --region).",
                ) from error
            raise

    def run(self) -> list[SizeResult]:
        """Measure every size; the original memory is restored even on error or Ctrl-C."""
        config = self.wait_until_updated()
        original = int(config["MemorySize"])
        architecture = (config.get("Architectures") or ["x86_64"])[0]
        results: list[SizeResult] = []
        try:
            for memory in self.settings.sizes:
                results.append(self.measure(memory, architecture))
        finally:
            self.restore(original)
        return results

    def measure(self, memory: int, architecture: str) -> SizeResult:
        self.set_memory(memory)
        settings = self.settings
        warm_ups = min(settings.parallel, settings.runs)
        run_many(self.lam, settings.function, settings.payload, warm_ups, warm_ups)
        runs = run_many(
            self.lam, settings.function, settings.payload, settings.runs, settings.parallel,
            lambda run: self.seams.on_run(memory, run),
        )  # fmt: skip
        return SizeResult(memory, tuple(runs), architecture)

    def set_memory(self, memory: int) -> None:
        self.lam.update_function_configuration(
            FunctionName=self.settings.function, MemorySize=memory
        )
        self.wait_until_updated()

    def restore(self, original: int) -> None:
        try:
            self.set_memory(original)
        except (Exception, KeyboardInterrupt) as error:
            self.seams.say(
                f"Could not restore {self.settings.function}'s memory to {original} MB ({error}); "
                "set it back by hand."
            )
            raise
        self.seams.say(f"Restored {self.settings.function}'s memory to {original} MB.")

    def wait_until_updated(self) -> dict[str, Any]:
        """Poll until LastUpdateStatus is Successful (absent counts too), with a deadline."""
        give_up = self.seams.clock() + self.seams.update_deadline
        while True:
            config = self.configuration()
            status = config.get("LastUpdateStatus", "Successful")
            if status == "Successful":
                return config
            if status == "Failed":
                reason = config.get("LastUpdateStatusReason", "no reason given")
                raise CannotGradeError(f"updating {self.settings.function} failed: {reason}.")
            if self.seams.clock() >= give_up:
                raise CannotGradeError(
                    f"{self.settings.function} was still updating after "
                    f"{self.seams.update_deadline:.0f} s."
                )
            self.seams.sleep(UPDATE_POLL_SECONDS)
