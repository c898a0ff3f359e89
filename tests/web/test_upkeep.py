"""The server keeps the day's touch summary ready: at start and after each midnight."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.services import insights_summary
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.insights_summary import summary_is_fresh
from kinmyaku.web.upkeep import DailySummary, seconds_to_next_day


def test_the_next_run_is_a_minute_past_midnight() -> None:
    assert seconds_to_next_day(datetime(2026, 11, 26, 23, 59)) == 120
    assert seconds_to_next_day(datetime(2026, 11, 26, 0, 0, 30)) == 24 * 3600 + 30
    assert seconds_to_next_day(datetime(2026, 12, 31, 12, 0)) == 12 * 3600 + 60


def _wait_for(condition: object, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def test_the_thread_refreshes_after_midnight_until_stopped(core: App) -> None:
    times = [datetime(2026, 11, 26, 23, 59, 59, 700000), datetime(2026, 11, 27, 0, 0, 1)]
    upkeep = DailySummary(core, now=lambda: times.pop(0), margin=timedelta(0))
    upkeep.start()
    try:
        assert upkeep.runs == 0  # nothing before midnight
        assert _wait_for(lambda: upkeep.runs == 1, seconds=10)  # 0.3 s later: midnight
    finally:
        upkeep.stop()  # the thread was waiting for the next midnight: it ends now
    assert upkeep._thread is not None and not upkeep._thread.is_alive()
    assert upkeep.runs == 1
    with core.uow() as conn:
        assert summary_is_fresh(conn, today=core.today(), params=DEFAULT_PARAMS)


def test_the_server_refreshes_the_summary_when_it_starts(core: App, web: FastAPI) -> None:
    build_sample_network(core.uow(), people_count=40, interaction_count=300, today=core.today())
    with core.uow() as conn:
        assert not summary_is_fresh(conn, today=core.today(), params=DEFAULT_PARAMS)
    upkeep: DailySummary = web.state.upkeep
    with TestClient(web, base_url="http://127.0.0.1:8765"):
        assert upkeep.runs == 1  # done before the app answered anything
        with core.uow() as conn:
            assert summary_is_fresh(conn, today=core.today(), params=DEFAULT_PARAMS)
    assert upkeep._thread is not None and not upkeep._thread.is_alive()  # stopped with the app


def test_a_failed_refresh_is_logged_not_raised(
    core: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("kinmyaku.web.upkeep.ensure_touch_summary", broken)
    upkeep = DailySummary(core)
    with caplog.at_level(logging.ERROR, logger="kinmyaku.web.upkeep"):
        upkeep.refresh()
    assert upkeep.runs == 0
    assert "could not refresh the touch summary" in caplog.text
    assert insights_summary.ensure_touch_summary is not broken
