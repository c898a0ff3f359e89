"""How many likely duplicates there are, for Today and the review, without making them slow.

The count includes the records imports left for review (``import --review``), which wait
on the same page.

Finding duplicates reads everyone (seconds at 100,000 people), so pages never compute the
count: they read the last one computed here.  A background thread computes it as the
server starts, then checks every ``interval`` seconds whether the people changed (one
cheap query over counts and the newest ids and times of the tables matching reads) and
recomputes only then.  The web's own writes (quick add, a profile edit, merge, undo,
"different people") wake it at once, and the duplicates page, which computes the full
list anyway, hands its count over directly.  So the figure can lag a change made
elsewhere (the CLI, an import) by up to ``interval`` seconds plus one computation, and on
a large database a count that took t seconds is followed by a rest of 10 t seconds, so
that a stream of edits never keeps a core busy counting.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.services.identity.finding import count_duplicates
from kinmyaku.services.identity.queue import count_queue
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    import_queue,
    merges,
    not_duplicates,
    people,
    person_aliases,
)
from kinmyaku.storage.uow import reading
from kinmyaku.web.upkeep import lean_reads

log = logging.getLogger(__name__)
INTERVAL = 30.0
"""Seconds between checks whether the data changed."""
COOLDOWN = 10
"""After a count that took t seconds, no other count for COOLDOWN * t seconds."""


def data_version(core: App) -> tuple[Any, ...]:
    """A value that changes whenever anything the matching reads changes (one query)."""
    parts = [
        select(func.count()).select_from(people).scalar_subquery(),
        select(func.max(people.c.updated_at)).scalar_subquery(),
        select(func.count()).select_from(contact_points).scalar_subquery(),
        select(func.max(contact_points.c.id)).scalar_subquery(),
        select(func.max(affiliations.c.id)).scalar_subquery(),
        select(func.count()).select_from(affiliations).scalar_subquery(),
        select(func.max(person_aliases.c.id)).scalar_subquery(),
        select(func.count()).select_from(not_duplicates).scalar_subquery(),
        select(func.max(merges.c.id)).scalar_subquery(),
        select(func.count(merges.c.undone_at)).scalar_subquery(),
        select(func.count()).select_from(import_queue).scalar_subquery(),
        select(func.max(import_queue.c.id)).scalar_subquery(),
    ]
    with core.uow() as conn:
        row = conn.execute(select(*parts)).one()
    return tuple(row)


AFTER_WAIT = 300.0
"""At most this long the first count waits for the network graph's build at the start."""


class DuplicateCount:
    """The cached number of likely duplicate pairs and queued records (None until first
    computed)."""

    def __init__(self, core: App, *, interval: float = INTERVAL) -> None:
        self.core = core
        self.interval = interval
        self._value: int | None = None
        self._version: tuple[Any, ...] | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._after: threading.Event | None = None

    @property
    def value(self) -> int | None:
        """The last count computed (None: not known yet)."""
        return self._value

    def set(self, count: int, version: tuple[Any, ...] | None = None) -> None:
        """Remember a count someone computed (the duplicates page)."""
        with self._lock:
            self._value = count
            if version is not None:
                self._version = version

    def refresh(self, *, force: bool = False) -> float:
        """Recompute when the data changed (always with ``force``); failures are logged.
        Returns the seconds spent counting (0 when nothing changed)."""
        self._idle.clear()
        started = time.monotonic()
        try:
            with reading():  # long reads: never hold SQLite's write lock (storage/uow.py)
                return self._count(force=force, started=started)
        finally:
            self._idle.set()

    def _count(self, *, force: bool, started: float) -> float:
        try:
            version = data_version(self.core)
            if not (force or version != self._version or self._value is None):
                return 0.0
            # Records imports left for review wait on the same page: they count too.
            # One read on a lean connection, its heap given back (web/upkeep.py).
            with lean_reads(self.core.uow()) as uow:
                count = count_duplicates(uow) + count_queue(uow)
            self.set(count, version)
        except Exception:  # upkeep must never take the server down
            log.exception("could not count the duplicates")
        return time.monotonic() - started

    def changed(self) -> None:
        """The web app wrote something: recompute soon (in the background)."""
        self._idle.clear()
        self._wake.set()

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait until no computation is pending (tests); True when idle."""
        return self._idle.wait(timeout)

    def start(self, *, after: threading.Event | None = None) -> None:
        """Compute now and whenever the data changes, in a daemon thread, until stopped.

        With ``after``, the first count waits (up to AFTER_WAIT seconds) until that event is
        set: at the start of a big database the network graph is built first, so that the
        first warm path does not share the CPU with this count.
        """
        self._after = after
        self._thread = threading.Thread(target=self._run, name="kinmyaku-duplicates", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits for a computation in progress)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        if self._after is not None:
            self._after.wait(AFTER_WAIT)
        while not self._stop.is_set():
            self._wake.clear()
            spent = self.refresh()
            # A long count (a big database) holds the CPU: rest COOLDOWN times as long
            # before the next one, however often the data changes meanwhile.
            if self._stop.wait(spent * COOLDOWN):
                break
            self._wake.wait(self.interval)
