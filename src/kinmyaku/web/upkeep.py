"""Upkeep while the server runs: the day's touch summary is ready before anyone asks.

The review and stats read a per-person summary that is valid for one day; the first
request of a day rolls it forward (only the people whose figures changed with the day are
recomputed, services/insights_roll.py, but that is still a few thousand at 100,000). The server
does that itself: once as it starts, before it takes requests (so the refresh never
races a request's write on SQLite), then just after each midnight in a background
thread, so the review page stays within its time budget on the first visit of a day too.

It also writes the daily backup (:mod:`kinmyaku.services.snapshots`) in another thread: a
few minutes after the start when the newest backup is more than a day old, then once a day.
A failure is logged (no secret in it) and shown on the Settings page; it never stops the
server.

And it builds the network graph (人脈マップ, :func:`kinmyaku.services.network.warm_network`)
in a third thread as it starts, then looks again every minute (a change to people or
relations, or a new day, rebuilds it there), so the first warm path after a start answers
at once at 100,000 people. Below :data:`WARM_MIN_PEOPLE` people the graph builds on the
first request in a few milliseconds and no thread is started.

And a fourth thread syncs the CardDAV address books kinmyaku is a client of
(services/dav_client_schedule.py), every N minutes (``kinmyaku sync every``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.i18n import translate
from kinmyaku.services import snapshots
from kinmyaku.services.dav_client_schedule import ScheduledSync
from kinmyaku.services.insights_summary import ensure_touch_summary
from kinmyaku.services.network import warm_network
from kinmyaku.storage.schema import people
from kinmyaku.storage.uow import UnitOfWork, reading
from kinmyaku.web.memory import trim

log = logging.getLogger(__name__)
AFTER_MIDNIGHT = timedelta(minutes=1)
BACKUP_EVERY = timedelta(days=1)
FIRST_BACKUP_AFTER = timedelta(minutes=2)
"""The first backup waits for the server to settle (and a short-lived test app never makes one)."""
BACKUP_POLL = timedelta(hours=1)
WARM_MIN_PEOPLE = 2000
NETWORK_POLL = timedelta(minutes=1)
LEAN_CACHE_KIB = 8192
"""SQLite's page cache (KiB) for the background reads of everyone (the network graph, the
duplicate count): they scan the tables once, and a pooled connection's own cache (64 MB)
filled by them stayed in the server's memory for good."""


@contextmanager
def lean_reads(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    """A background job's reads in one read-only transaction (never SQLite's write lock),
    one snapshot on both databases (:meth:`UnitOfWork.snapshot`), on
    a connection with a small page cache, whose pages are freed when it ends; then the heap
    the job freed goes back to the system at once (web/memory.py), not at the next trim.

    Inside, the job is given ``uow``: its own ``with uow`` blocks join the transaction.
    """
    uow = uow.snapshot()  # PostgreSQL too: the job's reads agree with each other
    with reading(), uow as conn:
        sqlite = conn.dialect.name == "sqlite"
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one() if sqlite else 0
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{LEAN_CACHE_KIB}")
        try:
            yield uow
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA shrink_memory")
                conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
    trim()


def seconds_to_next_day(now: datetime, margin: timedelta = AFTER_MIDNIGHT) -> float:
    """Seconds from ``now`` until ``margin`` (a minute) past the next midnight."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
    return ((tomorrow + margin) - now).total_seconds()


class DailySummary:
    """A daemon thread that refreshes the touch summary at start and after each midnight."""

    def __init__(
        self,
        core: App,
        *,
        now: Callable[[], datetime] = datetime.now,
        margin: timedelta = AFTER_MIDNIGHT,
        backups: DailyBackup | None = None,
        network: NetworkWarmup | None = None,
        sync: ScheduledSync | None = None,
    ) -> None:
        self.core = core
        self.now = now
        self.margin = margin
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.backups = backups or DailyBackup(core)
        """The daily backup, started and stopped with the summary."""
        self.network = network or NetworkWarmup(core)
        """The network graph built in the background, started and stopped with the summary."""
        self.sync = sync or ScheduledSync(core.uow)
        """The CardDAV accounts synced every N minutes (``kinmyaku sync every``)."""

    def refresh(self) -> None:
        """Bring the summary up to date for today (a failure is logged, never raised)."""
        try:
            ensure_touch_summary(self.core.uow(), today=self.core.today(), params=DEFAULT_PARAMS)
            self.runs += 1
        except Exception:  # upkeep must never take the server down; the page refreshes too
            log.exception("could not refresh the touch summary")

    def start(self) -> None:
        """Refresh after every midnight, in the background, until stopped."""
        self._thread = threading.Thread(target=self._run, name="kinmyaku-upkeep", daemon=True)
        self._thread.start()
        self.backups.start()
        self.network.start()
        self.sync.start()

    def stop(self) -> None:
        """Stop the threads (waits for a refresh in progress)."""
        self._stop.set()
        self.backups.stop()
        self.network.stop()
        self.sync.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(seconds_to_next_day(self.now(), self.margin)):
            self.refresh()


@dataclass(frozen=True)
class BackupOutcome:
    """How this server's last backup went: when, where, how big, or why it failed."""

    at: datetime
    ok: bool
    path: str = ""
    size: int = 0
    people: int | None = None
    msgid: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BackupStatus:
    """What the Settings page shows about backups."""

    keep: int
    folder: str
    count: int
    newest: datetime | None
    last: BackupOutcome | None
    running: bool


class DailyBackup:
    """A daemon thread that writes a checked backup when the newest is a day old."""

    def __init__(
        self,
        core: App,
        *,
        first_after: timedelta = FIRST_BACKUP_AFTER,
        poll: timedelta = BACKUP_POLL,
        every: timedelta = BACKUP_EVERY,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.core = core
        self.first_after = first_after
        self.poll = poll
        self.every = every
        self.now = now
        self.last: BackupOutcome | None = None
        self.running = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def folder(self) -> Path:
        """Where the backups go (the setting, else next to the SQLite file)."""
        settings = self.core.settings
        return snapshots.backup_folder(self.core.uow(), settings.database_url, settings.data_dir)

    def due(self) -> bool:
        """True when there is no backup yet or the newest is at least a day old."""
        found = snapshots.list_snapshots(self.folder())
        return not found or self.now() - snapshots.snapshot_time(found[-1]) >= self.every

    def run(self) -> BackupOutcome | None:
        """Write a backup now; the outcome is kept for Settings (a failure is logged, not
        raised); None when another process is writing one into the same folder."""
        self.running = True
        try:
            done = snapshots.write_snapshot(
                self.core.engine,
                folder=self.folder(),
                keep=snapshots.get_keep(self.core.uow()),
                now=self.now,
            )
            outcome = BackupOutcome(
                at=self.now(),
                ok=True,
                path=str(done.path),
                size=done.size,
                people=done.report.counts.get("people"),
            )
            log.info("daily backup written: %s (%d bytes)", done.path, done.size)
        except snapshots.BackupBusy:
            return None
        except KinmyakuError as error:
            outcome = self._failed(error.msgid, dict(error.params))
        except Exception as error:  # a backup must never take the server down
            outcome = self._failed("Unexpected error: {reason}", {"reason": str(error)})
        finally:
            self.running = False
        self.last = outcome
        return outcome

    def _failed(self, msgid: str, params: dict[str, Any]) -> BackupOutcome:
        password = self.core.engine.url.password
        if password:
            params = {k: str(v).replace(str(password), "***") for k, v in params.items()}
        log.error("daily backup failed: %s", translate("en", msgid, **params))
        return BackupOutcome(at=self.now(), ok=False, msgid=msgid, params=params)

    def request(self) -> None:
        """Ask the thread for a backup now (it answers at once, the backup runs behind)."""
        self._wake.set()

    def status(self) -> BackupStatus:
        """The setting, the folder, the backups in it and this server's last attempt."""
        folder = self.folder()
        found = snapshots.list_snapshots(folder)
        return BackupStatus(
            keep=snapshots.get_keep(self.core.uow()),
            folder=str(folder),
            count=len(found),
            newest=snapshots.snapshot_time(found[-1]) if found else None,
            last=self.last,
            running=self.running or self._wake.is_set(),
        )

    def start(self) -> None:
        """Back up when due, in the background, until stopped."""
        self._thread = threading.Thread(target=self._run, name="kinmyaku-backup", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits for a backup in progress)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=120)

    def _run(self) -> None:
        delay = self.first_after.total_seconds()
        while True:
            self._wake.wait(delay)
            if self._stop.is_set():
                return
            asked = self._wake.is_set()
            try:
                with reading():  # whether one is due: a read, never in the writers' queue
                    due = asked or self.due()
                if due:
                    self.run()
            except Exception:  # the settings could not be read: try again later
                log.exception("could not check whether a backup is due")
            finally:
                self._wake.clear()
            delay = self.poll.total_seconds()


class NetworkWarmup:
    """A daemon thread that keeps the network graph built: at the start, then every minute."""

    def __init__(
        self, core: App, *, min_people: int = WARM_MIN_PEOPLE, poll: timedelta = NETWORK_POLL
    ) -> None:
        self.core = core
        self.min_people = min_people
        self.poll = poll
        self.builds = 0
        self.seconds = 0.0
        """How long the last build took."""
        self.cpu_seconds = 0.0
        """The CPU time of the last build (what it costs on a machine with nothing else to do)."""
        self.ready = threading.Event()
        """Set once the graph is built (or when no thread is needed)."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def needed(self) -> bool:
        """True when the network is big enough for a build to be worth doing ahead."""
        with self.core.uow() as conn:
            count = conn.execute(select(func.count()).select_from(people)).scalar_one()
        return int(count) >= self.min_people

    def build(self) -> None:
        """Build or refresh the graph now (a failure is logged, never raised)."""
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            with lean_reads(self.core.uow()) as uow:
                built = warm_network(uow, today=self.core.today())
            if built:
                self.builds += 1
                self.seconds = time.perf_counter() - started
                self.cpu_seconds = time.thread_time() - cpu
                log.info("network graph built in %.1f s", self.seconds)
        except Exception:  # the request path builds it again if this failed
            log.exception("could not build the network graph")
        finally:
            self.ready.set()

    def start(self) -> None:
        """Start the thread when the network is big (checked now, before any request)."""
        try:
            wanted = self.needed()
        except Exception:
            log.exception("could not count the people")
            wanted = False
        if not wanted:
            self.ready.set()
            return
        self._thread = threading.Thread(target=self._run, name="kinmyaku-network", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits for a build in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        self.build()
        while not self._stop.wait(self.poll.total_seconds()):
            self.build()
