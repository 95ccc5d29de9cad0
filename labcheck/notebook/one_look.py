"""One look at the account for a run of cells that only read it.

"Run all" runs a notebook's check cells one after another, and each would collect the whole
account state again (about 0.4 s, more on AWS). Consecutive reading cells share one look,
unless another kind of cell ran in between, the same cell runs again (after a fix), or more
than a few seconds passed since the last one (a fix in the console, say).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

#: How a reading cell starts: they look at the account and change nothing.
READING_CELLS = (
    "lab.check(",
    "lab.grade(",
    "lab.plot(",
    "labcheck.grade(",
    "labcheck.assert_",
    "labcheck.memory_table(",
)
SHARE_SECONDS = 5.0

State = TypeVar("State")


class SharedLook(Generic[State]):
    """The state the current run of reading cells shares; ``on_cell`` runs before each cell."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._state: State | None = None
        self._key: Hashable = None
        self._last_used = 0.0
        self._cell = ""
        self._cells_served: set[str] = set()

    def on_cell(self, source: str) -> None:
        """Before a cell runs: forget the look unless this is a new cell of the same run."""
        self._cell = source.strip()
        if not self._cell.startswith(READING_CELLS) or self._cell in self._cells_served:
            self._state = None

    def get(self, key: Hashable, collect: Callable[[], State]) -> State:
        """The shared state for ``key`` (way, endpoint), collected now if there is none."""
        stale = self.clock() - self._last_used > SHARE_SECONDS
        if self._state is None or key != self._key or stale:
            self._state, self._key, self._cells_served = collect(), key, set()
        self._last_used = self.clock()
        self._cells_served.add(self._cell)
        return self._state
