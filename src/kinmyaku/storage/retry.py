"""A busy database: wait and try again for a bounded time, then say so clearly.

SQLite lets one writer at a time: a second one waits (``busy_timeout``) or, when its
transaction read before it wrote and another writer committed meanwhile, fails at once
with "database is locked" (``SQLITE_BUSY``), which no waiting can cure: only running the
whole transaction again can.  PostgreSQL may likewise end a transaction as a deadlock's
victim or a serialization failure.  :func:`retry_busy` runs a whole transaction again
after a short random pause, for up to :data:`BUDGET` seconds, and then raises
:class:`DatabaseBusy`, a user error ("The database is busy; try again"), never a traceback.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from kinmyaku.domain.errors import KinmyakuError

T = TypeVar("T")
BUDGET = 30.0
"""Seconds a write may wait for the database before the user is told it is busy: its turn
behind the other writers of its process, then the lock.  An overloaded server's writers
queue for seconds; 10 s ended many of the soak's writes "busy" (docs/benchmarks.md)."""
FIRST_PAUSE = 0.005
LONGEST_PAUSE = 0.25
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
PG_RETRYABLE = frozenset({"40001", "40P01", "55P03"})


class DatabaseBusy(KinmyakuError):
    """Another writer held the database longer than a user should wait (HTTP 503)."""

    status = 503

    def __init__(self) -> None:
        super().__init__("The database is busy; try again")


def is_busy(error: BaseException) -> bool:
    """True when an error (SQLAlchemy's or the driver's) means "busy: try again later"."""
    if isinstance(error, DatabaseBusy):
        return True
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.OperationalError):
        code = getattr(original, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
        text = str(original).lower()
        return "database is locked" in text or "database table is locked" in text
    return getattr(original, "sqlstate", None) in PG_RETRYABLE


def pauses(budget: float | None = None, *, clock: Callable[[], float] = time.monotonic) -> Pauses:
    """The random pauses between attempts, until ``budget`` (default :data:`BUDGET`)
    seconds from now are spent."""
    return Pauses(clock() + (BUDGET if budget is None else budget), clock)


class Pauses:
    """Growing random pauses ("full jitter", doubling up to a quarter second) to a deadline."""

    def __init__(self, deadline: float, clock: Callable[[], float]) -> None:
        self.deadline = deadline
        self.clock = clock
        self.longest = FIRST_PAUSE
        self.attempts = 1

    def next(self) -> float | None:
        """The next pause in seconds, or None when the deadline leaves no room for one."""
        left = self.deadline - self.clock()
        if left <= 0:
            return None
        pause = min(random.uniform(self.longest / 2, self.longest), left)
        self.longest = min(self.longest * 2, LONGEST_PAUSE)
        self.attempts += 1
        return pause


def retry_busy(
    work: Callable[[], T],
    *,
    budget: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run ``work`` (whole transactions); while the database is busy, run it again after a
    random pause, for up to ``budget`` seconds; then raise :class:`DatabaseBusy`."""
    waits = pauses(budget, clock=clock)
    while True:
        try:
            return work()
        except Exception as error:
            if not is_busy(error):
                raise
            pause = waits.next()
            if pause is None:
                if isinstance(error, DatabaseBusy):
                    raise
                raise DatabaseBusy() from error
            sleep(pause)
