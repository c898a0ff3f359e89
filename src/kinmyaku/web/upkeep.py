"""Upkeep while the server runs: the day's touch summary is ready before anyone asks.

The review and stats read a per-person summary that is valid for one day; the first
request of a day would roll it forward (about a second at 100,000 people). The server
does that itself: once as it starts, before it takes requests (so the refresh never
races a request's write on SQLite), then just after each midnight in a background
thread, so the review page stays within its time budget on the first visit of a day too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.services.insights_summary import ensure_touch_summary

log = logging.getLogger(__name__)
AFTER_MIDNIGHT = timedelta(minutes=1)


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
    ) -> None:
        self.core = core
        self.now = now
        self.margin = margin
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

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

    def stop(self) -> None:
        """Stop the thread (waits for a refresh in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(seconds_to_next_day(self.now(), self.margin)):
            self.refresh()
