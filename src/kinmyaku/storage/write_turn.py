"""SQLite's one write lock, handed out first come, first served inside a process.

SQLite lets one writer at a time and has no queue: a writer that finds the lock taken
sleeps in its busy handler (1, 2, 5, ... then 100 ms at a time) and tries again.  Under
load that is unfair: a writer that arrived a moment ago and sleeps 1 ms wins against one
that has waited seconds and sleeps 100 ms, so the oldest waiters reach the time bound and
the user sees "The database is busy", while the lock stays idle in the gaps between
sleeps.  Here the threads of one process that want to write (a web worker's request
threads) queue in arrival order: only the first of them asks SQLite for the lock, in
short steps, and hands the turn to the next when its transaction ends.  Between
processes (``kinmyaku serve --workers 2``, the CLI) only the head of each queue asks,
so each process gets the lock after at most one transaction of each other process.

A turn is per database file, shared by every engine of this process on that file.  A
thread that already holds the turn (a nested writer) is not queued behind itself.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class _Waiter:
    thread: int
    granted: threading.Event = field(default_factory=threading.Event)


class WriteTurn:
    """A lock with a queue: :meth:`acquire` waits in arrival order, up to a deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None
        self._depth = 0
        self._queue: deque[_Waiter] = deque()
        self.served = 0
        """Turns handed out (tests, benchmarks)."""

    def acquire(self, deadline: float) -> bool:
        """Wait for the turn until ``deadline`` (``time.monotonic()``); False: not given."""
        me = threading.get_ident()
        with self._lock:
            if self._holder == me:
                self._depth += 1
                return True
            if self._holder is None and not self._queue:
                self._take(me)
                return True
            waiter = _Waiter(me)
            self._queue.append(waiter)
        if waiter.granted.wait(max(0.0, deadline - time.monotonic())):
            return True
        with self._lock:
            if waiter.granted.is_set():  # given just as the wait ended
                return True
            self._queue.remove(waiter)
        return False

    def release(self) -> None:
        """End this thread's turn; the longest waiting thread gets it."""
        with self._lock:
            if self._holder != threading.get_ident():
                raise RuntimeError("release of a write turn this thread does not hold")
            self._depth -= 1
            if self._depth > 0:
                return
            self._holder = None
            if self._queue:
                waiter = self._queue.popleft()
                self._take(waiter.thread)
                waiter.granted.set()

    def held(self) -> bool:
        """True when the calling thread holds the turn."""
        return self._holder == threading.get_ident()

    def waiting(self) -> int:
        """How many threads wait (tests, benchmarks)."""
        return len(self._queue)

    def _take(self, thread: int) -> None:
        self._holder = thread
        self._depth = 1
        self.served += 1


_TURNS: dict[str, WriteTurn] = {}
_TURNS_LOCK = threading.Lock()


def turn_for(database: str) -> WriteTurn:
    """The write turn of a database file in this process (made at the first use)."""
    with _TURNS_LOCK:
        found = _TURNS.get(database)
        if found is None:
            found = _TURNS[database] = WriteTurn()
        return found
