"""The server's sync schedule: every account synced every N minutes (``kinmyaku sync every``).

A daemon thread (started and stopped with the server's other upkeep, web/upkeep.py), off
the event loop: it wakes every minute, and when the setting's minutes have passed since an
account's last sync it runs :func:`~kinmyaku.services.dav_client.run_sync` for that account.
A failure is in the sync log (no password in it) and never stops the server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from kinmyaku.services.dav_client_accounts import get_every, list_accounts
from kinmyaku.storage.people import now as utc_now
from kinmyaku.storage.uow import UnitOfWork

log = logging.getLogger(__name__)
POLL = timedelta(minutes=1)


class ScheduledSync:
    """A daemon thread that syncs each account once its minutes are up."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        poll: timedelta = POLL,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.uow = uow
        self.poll = poll
        self.now = now
        self.runs = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self) -> list[str]:
        """The accounts whose next sync is due now (none when the setting is 0)."""
        every = get_every(self.uow())
        if every <= 0:
            return []
        limit = self.now() - timedelta(minutes=every)
        return [
            a.name for a in list_accounts(self.uow()) if a.last_sync is None or a.last_sync <= limit
        ]

    def tick(self) -> None:
        """Sync the accounts that are due (a failure is logged, never raised)."""
        from kinmyaku.services.dav_client import run_sync

        try:
            for name in self.due():
                for report in run_sync(self.uow(), name=name):
                    self.runs += 1
                    if report.error is not None:
                        log.warning("sync of %s failed: %s", name, report.error.msgid)
        except Exception:  # the schedule must never take the server down
            log.exception("scheduled CardDAV sync failed")

    def start(self) -> None:
        """Check every minute, in the background, until stopped."""
        self._thread = threading.Thread(target=self._run, name="kinmyaku-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits for a sync in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)

    def _run(self) -> None:
        while not self._stop.wait(self.poll.total_seconds()):
            self.tick()
