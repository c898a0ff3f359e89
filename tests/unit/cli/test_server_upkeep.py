"""When the command server rolls a database's touch summary (cli/server_upkeep.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kinmyaku.cli import server_upkeep
from kinmyaku.cli.server_upkeep import DailyRoll


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.mono = 1000.0

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds


def roller(clock: Clock) -> tuple[DailyRoll, list[tuple[str, date]]]:
    spawned: list[tuple[str, date]] = []
    days = DailyRoll(
        now=lambda: clock.now,
        monotonic=lambda: clock.mono,
        spawn=lambda url, today: spawned.append((url, today)),
    )
    return days, spawned


def test_nothing_known_nothing_rolled() -> None:
    days, spawned = roller(Clock(datetime(2026, 12, 8, 10, 0)))
    assert days.wait() is None
    assert days.run_due() == [] and spawned == []


def test_a_database_named_is_rolled_once_its_command_is_done_then_after_each_midnight() -> None:
    clock = Clock(datetime(2026, 12, 8, 23, 50))
    days, spawned = roller(clock)
    days.named("sqlite:////a.sqlite3")
    assert days.run_due() == []  # the command that named it is still running
    assert days.wait() == server_upkeep.FIRST_DELAY
    clock.advance(server_upkeep.FIRST_DELAY)
    assert days.wait() == 0.0
    assert days.run_due() == ["sqlite:////a.sqlite3"]
    assert spawned == [("sqlite:////a.sqlite3", date(2026, 12, 8))]
    # Named again the same day: nothing more until the next day.
    days.named("sqlite:////a.sqlite3")
    clock.advance(60)
    assert days.run_due() == []
    until = datetime(2026, 12, 9) + server_upkeep.AFTER_MIDNIGHT - clock.now
    assert days.wait() == until.total_seconds()
    clock.advance(until.total_seconds() - 1)
    assert days.run_due() == []
    clock.advance(1)
    assert days.run_due() == ["sqlite:////a.sqlite3"]
    assert spawned[-1] == ("sqlite:////a.sqlite3", date(2026, 12, 9))
    assert days.run_due() == []


def test_a_failing_roll_does_not_stop_the_server() -> None:
    clock = Clock(datetime(2026, 12, 8, 9, 0))

    def fail(url: str, today: date) -> None:
        raise OSError("fork failed")

    days = DailyRoll(now=lambda: clock.now, monotonic=lambda: clock.mono, spawn=fail)
    days.named("postgresql+psycopg://u@h/db")
    clock.advance(server_upkeep.FIRST_DELAY)
    assert days.run_due() == ["postgresql+psycopg://u@h/db"]
    assert days.wait() is not None and days.wait() > 3600  # tomorrow


def test_only_the_latest_databases_are_kept() -> None:
    clock = Clock(datetime(2026, 12, 8, 9, 0))
    days, _ = roller(clock)
    for n in range(server_upkeep.MAX_DATABASES + 3):
        days.named(f"sqlite:////db{n}.sqlite3")
        clock.advance(1)
    assert len(days.rolled) == server_upkeep.MAX_DATABASES
    assert "sqlite:////db0.sqlite3" not in days.rolled
