"""The command server rolls the touch summary to a new day before anyone asks.

The first ``stats``, ``review`` or ``due`` of a day rolls the touch summary forward
(services/insights_roll.py): at 100,000 people the few thousand whose figures change with
the day cost 0.6-1 s, against a few milliseconds for the same command later that day. The
web server rolls it itself (web/upkeep.py); the warm command server (cli/command_server.py)
now does the same for the databases its commands used: a short while after a command
first names a database (once the command is likely done), and again just after each
midnight, each in a process of its own forked from the server, so that the server keeps
answering meanwhile. A command that comes while a roll is under way waits for it, as it
would for any other writer, and then finds the summary current. A failure (the database
gone, an old schema) is left for the next command to meet and report; nothing is printed.

The server knows a database only from its children (a URL sent through a pipe, never
printed or logged), and only while it runs: it exits after ``KINMYAKU_COMMAND_SERVER_IDLE``
seconds (600) without a command, so the roll at midnight happens only when a command came
within that time before it.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Seconds between a database's first command and its first roll (the command runs first).
FIRST_DELAY = 2.0
#: How long after midnight the new day's roll starts (a clock a little behind).
AFTER_MIDNIGHT = timedelta(seconds=30)
#: The most databases the server rolls (the least recently named are forgotten).
MAX_DATABASES = 8


class DailyRoll:
    """Which databases to roll, and when: the server asks ``wait`` and ``run_due``."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = datetime.now,
        monotonic: Callable[[], float] | None = None,
        spawn: Callable[[str, date], None] | None = None,
    ) -> None:
        import time

        self.now = now
        self.monotonic = monotonic or time.monotonic
        self.spawn = spawn or roll_in_child
        self.rolled: dict[str, date | None] = {}
        """URL -> the day it was last rolled to (None: not yet)."""
        self.named_at: dict[str, float] = {}
        """URL -> when (monotonic) a command last named it."""

    def named(self, url: str) -> None:
        """A command used ``url``: roll it soon if it is new, and keep it known."""
        self.named_at[url] = self.monotonic()
        self.rolled.setdefault(url, None)
        while len(self.rolled) > MAX_DATABASES:
            oldest = min(self.rolled, key=lambda u: self.named_at.get(u, 0.0))
            self.rolled.pop(oldest)
            self.named_at.pop(oldest, None)

    def _ready(self, url: str, today: date) -> bool:
        last = self.rolled.get(url)
        if last == today:
            return False
        if last is None:  # new: wait for the command that named it to finish
            return self.monotonic() - self.named_at.get(url, 0.0) >= FIRST_DELAY
        return self.now() - datetime.combine(today, datetime.min.time()) >= AFTER_MIDNIGHT

    def run_due(self) -> list[str]:
        """Start the rolls that are due now; the URLs started."""
        today = self.now().date()
        started = [url for url in list(self.rolled) if self._ready(url, today)]
        for url in started:
            self.rolled[url] = today
            with contextlib.suppress(Exception):
                self.spawn(url, today)
        return started

    def wait(self) -> float | None:
        """Seconds until the next roll is due (None: no database known)."""
        if not self.rolled:
            return None
        now = self.now()
        today = now.date()
        waits = []
        for url, last in self.rolled.items():
            if last is None:
                waited = self.monotonic() - self.named_at.get(url, 0.0)
                waits.append(max(0.0, FIRST_DELAY - waited))
            elif last != today:
                waits.append(0.0)
            else:
                midnight = datetime.combine(today + timedelta(days=1), datetime.min.time())
                waits.append(max(0.0, (midnight + AFTER_MIDNIGHT - now).total_seconds()))
        return min(waits)


def roll_in_child(url: str, today: date, close: Sequence[int] = ()) -> None:
    """Fork a process that brings ``url``'s touch summary to ``today``, then exits.

    ``close``: the server's descriptors the process must not hold (its listening socket).
    """
    if os.fork() != 0:
        return
    code = 0
    try:
        for fd in close:
            with contextlib.suppress(OSError):
                os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, 10)  # the user's commands come first
        roll_database(url, today)
    except BaseException:  # the next command meets and reports any error
        code = 1
    finally:
        os._exit(code)


def roll_database(url: str, today: date) -> None:
    """Bring the touch summary of ``url`` (and its stored totals) to ``today``.

    Nothing is created or upgraded: a database that is not at the current schema is left
    for the next command.
    """
    from kinmyaku.domain.insights import DEFAULT_PARAMS
    from kinmyaku.services.insights_summary import ensure_touch_summary
    from kinmyaku.storage.database import make_engine
    from kinmyaku.storage.migrate import is_current
    from kinmyaku.storage.uow import UnitOfWork

    engine = make_engine(url)
    try:
        if is_current(engine):
            ensure_touch_summary(UnitOfWork(engine), today=today, params=DEFAULT_PARAMS)
    finally:
        engine.dispose()


def warm_reads(engine: Engine) -> None:
    """Run ``kinmyaku due``'s read once on ``engine`` in the server (storage/warm.py
    ``prepare``), so that its compiled statements are in the engine's cache when a child
    takes the engine over: about 20 of them, compiled in every child before (25-30 ms of
    CPU at 100,000 people, two bare Python starts). Read-only, and only when the touch
    summary is current (nothing is written; otherwise the next command compiles them).
    """
    from kinmyaku.services.followups import read_due_overview
    from kinmyaku.storage.uow import UnitOfWork

    now = datetime.now()
    read_due_overview(UnitOfWork(engine, writes=False), today=now.date(), now=now)
