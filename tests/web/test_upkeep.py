"""The server keeps the day's touch summary ready: at start and after each midnight."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from kinmyaku.bootstrap import App
from kinmyaku.config import Settings
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.services import insights_summary, snapshots
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.insights_summary import summary_is_fresh
from kinmyaku.web.upkeep import DailyBackup, DailySummary, seconds_to_next_day


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


def _backups_of(backups: DailyBackup) -> list[Path]:
    return snapshots.list_snapshots(backups.folder())


def test_the_daily_backup_is_written_when_due_then_a_day_later(core: App) -> None:
    clock = [datetime(2026, 12, 7, 9, 0)]
    backups = DailyBackup(
        core, first_after=timedelta(0), poll=timedelta(seconds=0.05), now=lambda: clock[0]
    )
    assert backups.due()  # no backup yet
    backups.start()
    try:
        assert _wait_for(lambda: backups.last is not None)
        assert backups.last is not None and backups.last.ok and backups.last.people == 0
        assert [p.name for p in _backups_of(backups)] == ["kinmyaku-20261207-090000.sqlite3"]
        clock[0] += timedelta(hours=23)  # polled again and again: not a day old yet
        time.sleep(0.3)
        assert len(_backups_of(backups)) == 1 and not backups.due()
        clock[0] += timedelta(hours=2)
        assert _wait_for(lambda: len(_backups_of(backups)) == 2)
    finally:
        backups.stop()
    assert backups._thread is not None and not backups._thread.is_alive()
    status = backups.status()
    assert status.count == 2 and status.keep == snapshots.DEFAULT_KEEP
    assert status.newest == datetime(2026, 12, 8, 10, 0)


def test_the_first_backup_waits_for_the_server_to_settle(core: App) -> None:
    backups = DailyBackup(core)  # the default: minutes after the start
    backups.start()
    time.sleep(0.2)
    backups.stop()  # at once, although waiting
    assert backups.last is None and _backups_of(backups) == []


def test_a_failed_backup_is_logged_and_kept_for_settings_never_raised(
    core: App, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    snapshots.set_folder_setting(core.uow(), blocker / "backups")
    backups = DailyBackup(core)
    with caplog.at_level(logging.ERROR, logger="kinmyaku.web.upkeep"):
        outcome = backups.run()
    assert outcome is not None and not outcome.ok
    assert backups.last == outcome and "daily backup failed" in caplog.text


def test_a_backup_failure_on_postgresql_shows_no_password(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server cannot be reached: logged and kept without the URL's password."""
    url = "postgresql+psycopg://owner:hunter2-secret@127.0.0.1:1/kinmyaku?connect_timeout=2"
    unreachable = App(
        settings=Settings(database_url=url, language="en", data_dir=tmp_path),
        engine=create_engine(url),
    )
    backups = DailyBackup(unreachable)
    with caplog.at_level(logging.ERROR, logger="kinmyaku.web.upkeep"):
        outcome = backups.run()
    unreachable.close()
    assert outcome is not None and not outcome.ok
    assert "daily backup failed" in caplog.text
    assert "hunter2" not in caplog.text and "hunter2" not in repr(outcome)


def test_settings_shows_the_backups_and_changes_how_many_to_keep(
    client: TestClient, web: FastAPI, core: App
) -> None:
    csrf = str(client.get("/api/session").json()["csrf_token"])
    page = client.get("/settings")
    assert page.status_code == 200
    assert 'id="backups"' in page.text and "自動バックアップ" in page.text
    assert "まだありません" in page.text  # no backup yet
    saved = client.post("/settings/backups", data={"csrf_token": csrf, "keep": "3"})
    assert saved.status_code == 200 and snapshots.get_keep(core.uow()) == 3
    refused = client.post("/settings/backups", data={"csrf_token": csrf, "keep": "0"})
    assert refused.status_code == 422 and snapshots.get_keep(core.uow()) == 3
    assert client.post("/settings/backups", data={"keep": "5"}).status_code == 403
    backups: DailyBackup = web.state.upkeep.backups
    asked = client.post("/settings/backups/now", data={"csrf_token": csrf})
    assert asked.status_code == 200  # answered at once; the thread writes it
    assert _wait_for(lambda: backups.last is not None)
    page = client.get("/settings")
    assert 'data-backup="ok"' in page.text and 'value="3"' in page.text
    assert "1 個を保存中" in page.text
