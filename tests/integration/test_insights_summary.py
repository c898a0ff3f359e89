"""The trigger-maintained touch summary equals a recomputation after every write path.

Each step writes through a service (or the import, its undo, a restore, the demo), then
refreshes the summary incrementally and compares it with the aggregates recomputed from
every touch (storage/insights_queries.py ``touch_aggregates``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.domain.insights.strength import strength_from_aggregates
from kinmyaku.services import insights_summary, relations
from kinmyaku.services.backup import restore_backup, write_backup
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.importing import import_files, undo_import
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.insights_summary import (
    mask_dates,
    rebuild_touch_summary,
    refresh_touch_summary,
)
from kinmyaku.services.people import delete_person
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    encounters,
    exchanges,
    interactions,
    organizations,
    requests,
    touch_summary,
    touch_summary_dirty,
    touch_summary_state,
)

TODAY = date(2026, 11, 26)
DATA = Path(__file__).parents[1] / "data"
MEMBERS = {
    "氏名": "full_name",
    "フリガナ": "full_reading",
    "所属": "organization",
    "メールアドレス": "email",
    "携帯": "phone",
    "参加日": "met_on",
    "メモ": "notes",
}


def _assert_current(app: App, today: date = TODAY) -> None:
    """Refresh incrementally; the summary equals the aggregates recomputed from scratch."""
    with app.uow() as conn:
        refresh_touch_summary(conn, today=today, params=DEFAULT_PARAMS)
        assert conn.execute(select(func.count()).select_from(touch_summary_dirty)).scalar() == 0
        # The decayed sums are stored relative to the anchor day: read as of today.
        table = insights_summary.today_view(conn, today=today, params=DEFAULT_PARAMS)
        rows = {int(r.person_id): r for r in conn.execute(select(table))}
        fresh = q.touch_aggregates(conn, today=today, params=DEFAULT_PARAMS)
        met = {
            int(pid): (q.as_date(first), cue)
            for pid, first, cue in conn.execute(
                select(
                    encounters.c.person_id,
                    func.min(encounters.c.date),
                    func.max(encounters.c.memory_cue),
                ).group_by(encounters.c.person_id)
            )
        }
    assert set(rows) == set(fresh) | set(met)
    assert {pid: (q.as_date(r.first_met_on), r.memory_cue) for pid, r in rows.items()} == {
        pid: met.get(pid, (None, None)) for pid in rows
    }
    with app.uow() as conn:
        jobs = {r.person_id: r for r in q.person_rows(conn, person_ids=list(rows))}
        masks = q.timeline_masks(dates=mask_dates(today), params=DEFAULT_PARAMS)
        bits = {int(p): (int(g), int(r)) for p, g, r in conn.execute(select(masks))}
        how: dict[int, list[object]] = {}
        for pid, channel, introducer in conn.execute(
            select(
                encounters.c.person_id, encounters.c.channel, encounters.c.introducer_id
            ).order_by(encounters.c.date, encounters.c.id)
        ):
            first = how.setdefault(int(pid), [channel, None])
            if first[1] is None:
                first[1] = introducer
    assert {pid: (r.gave_mask, r.received_mask) for pid, r in rows.items()} == {
        pid: bits.get(pid, (0, 0)) for pid in rows
    }
    assert {pid: (r.first_channel, r.first_introducer_id) for pid, r in rows.items()} == {
        pid: tuple(how.get(pid, (None, None))) for pid in rows
    }
    assert {
        pid: (r.industry, (r.department or "").strip() or None, r.organization)
        for pid, r in rows.items()
    } == {pid: (j.industry, j.department, j.organization) for pid, j in jobs.items()}
    stored = {pid: r for pid, r in rows.items() if r.last_touch_on is not None}
    assert set(stored) == set(fresh)
    for pid, agg in fresh.items():
        row = stored[pid]
        assert q.as_date(row.first_touch_on) == agg.first_touch_on, pid
        assert q.as_date(row.last_touch_on) == agg.last_touch_on, pid
        for name in ("touch_count", "gave_count", "received_count"):
            assert getattr(row, name) == getattr(agg, name), (pid, name)
        strength = strength_from_aggregates(agg, today=today, params=DEFAULT_PARAMS).value
        assert row.strength == pytest.approx(strength, abs=1e-9), pid
        for name in (
            "decayed_weight",
            "given_weight",
            "received_weight",
            "prev_given_weight",
            "prev_received_weight",
            "decayed_given",
            "decayed_received",
        ):
            assert getattr(row, name) == pytest.approx(getattr(agg, name), rel=1e-12), name


def _first(app: App, table: object, column: str = "id") -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.min(getattr(table, "c")[column]))).scalar_one())


def test_every_write_path_keeps_the_summary_current(app: App) -> None:
    build_sample_network(app.uow(), people_count=60, interaction_count=400, today=TODAY, seed=5)
    _assert_current(app)  # the first read builds it
    uow = app.uow
    day = TODAY - timedelta(days=3)
    steps: list[Callable[[], object]] = [
        lambda: relations.record_encounter(uow(), person_id=1, on=day, channel="event"),
        lambda: relations.log_interaction(uow(), person_ids=[2, 3, 4], on=day),
        lambda: relations.record_exchange(uow(), person_id=5, on=day, direction="gave", weight=3),
        lambda: relations.open_request(uow(), person_id=6, side="mine", what="x", asked_on=day),
        lambda: relations.update_request(
            uow(), request_id=_first(app, requests), status="done", on=day
        ),
        lambda: relations.update_encounter(
            uow(), encounter_id=_first(app, encounters), on=TODAY - timedelta(days=400)
        ),
        lambda: relations.update_exchange(
            uow(), exchange_id=_first(app, exchanges), on=day, direction="received", weight=2
        ),
        lambda: relations.delete_encounter(uow(), encounter_id=_first(app, encounters)),
        lambda: relations.delete_interaction(uow(), interaction_id=_first(app, interactions)),
        lambda: relations.delete_exchange(uow(), exchange_id=_first(app, exchanges)),
        lambda: relations.delete_request(uow(), request_id=_first(app, requests)),
        lambda: delete_person(uow(), 7),
    ]
    for step in steps:
        step()
        _assert_current(app)
    # An interaction moved to another day (no service does it yet; the trigger covers it).
    with app.uow() as conn:
        first = conn.execute(select(func.min(interactions.c.id))).scalar_one()
        conn.execute(update(interactions).where(interactions.c.id == first).values(date=day))
    _assert_current(app)
    # A company changes its industry, another closes (its jobs go with it).
    with app.uow() as conn:
        first = conn.execute(select(func.min(organizations.c.id))).scalar_one()
        conn.execute(
            update(organizations).where(organizations.c.id == first).values(industry="finance")
        )
    _assert_current(app)
    with app.uow() as conn:
        conn.execute(delete(organizations).where(organizations.c.id == first + 1))
    _assert_current(app)
    path = DATA / "csv" / "generic-members.csv"
    report = import_files(app.uow(), paths=[path], mapping=MEMBERS, skip_bad=True)
    _assert_current(app)
    undo_import(app.uow(), import_id=report.import_id or 0)
    _assert_current(app)


def test_a_new_day_or_new_parameters_rebuild(app: App) -> None:
    build_sample_network(app.uow(), people_count=40, interaction_count=200, today=TODAY, seed=2)
    with app.uow() as conn:
        refresh_touch_summary(conn, today=TODAY, params=DEFAULT_PARAMS)
        earlier = TODAY - timedelta(days=100)
        refresh_touch_summary(conn, today=earlier, params=DEFAULT_PARAMS)
        stored = {
            int(r.person_id): r
            for r in conn.execute(
                select(touch_summary).where(touch_summary.c.last_touch_on.is_not(None))
            )
        }
        fresh = q.touch_aggregates(conn, today=earlier, params=DEFAULT_PARAMS)
    assert set(stored) == set(fresh) and len(fresh) > 0
    assert all(stored[p].touch_count == a.touch_count for p, a in fresh.items())


def test_restore_and_demo_leave_a_current_summary(app: App, tmp_path: Path) -> None:
    build_sample_network(app.uow(), people_count=50, interaction_count=300, today=TODAY, seed=3)
    with app.uow() as conn:
        rebuild_touch_summary(conn, today=TODAY, params=DEFAULT_PARAMS)
    stream = io.BytesIO()
    write_backup(app.uow(), stream=stream)
    target = open_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
            language="en",
            today=TODAY.isoformat(),
        )
    )
    try:
        stream.seek(0)
        counts = restore_backup(target.uow(), stream=stream)
        assert "touch_summary" not in counts  # derived: rebuilt, not restored
        _assert_current(target)
    finally:
        target.close()
    generate_demo(app.uow(), people=80, seed=1, today=TODAY, replace=True)
    _assert_current(app)


def test_many_marks_rebuild_everything(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    build_sample_network(app.uow(), people_count=40, interaction_count=200, today=TODAY, seed=4)
    _assert_current(app)
    monkeypatch.setattr(insights_summary, "CHUNK", 3)
    relations.log_interaction(app.uow(), person_ids=[1, 2, 3, 4], on=TODAY)
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(touch_summary_dirty)).scalar() == 4
    _assert_current(app)  # two chunks
    monkeypatch.setattr(insights_summary, "MAX_MARKED", 2)
    relations.log_interaction(app.uow(), person_ids=[5, 6, 7], on=TODAY)
    _assert_current(app)  # more marks than MAX_MARKED: rebuilt, still equal


@pytest.mark.parametrize("days", [1, 9, 31, 400])
def test_a_later_day_rolls_the_summary_forward(app: App, days: int) -> None:
    build_sample_network(app.uow(), people_count=80, interaction_count=600, today=TODAY, seed=6)
    # Touches after the earlier day, which enter the window when the day moves on.
    relations.log_interaction(app.uow(), person_ids=[8, 9], on=TODAY - timedelta(days=1))
    with app.uow() as conn:
        refresh_touch_summary(conn, today=TODAY - timedelta(days=days), params=DEFAULT_PARAMS)
    _assert_current(app)  # rolled forward to TODAY: equal to a recomputation
    with app.uow() as conn:
        state = conn.execute(select(touch_summary_state.c.as_of)).scalar_one()
    assert q.as_date(state) == TODAY


def test_concurrent_first_reviews_of_a_day_take_turns(app: App) -> None:
    """Server workers asking for the first review of a day at once (after a write marked
    someone) all get their answer: the stale summary is refreshed by one at a time, never
    a 'database is locked' error (SQLite) or a deadlock (PostgreSQL)."""
    import threading
    from datetime import datetime

    from kinmyaku.services.insights import network_review, network_stats

    build_sample_network(app.uow(), people_count=80, interaction_count=600, today=TODAY, seed=9)
    person = _first(app, encounters, "person_id")
    failures: list[BaseException] = []
    for round_ in range(1, 5):
        day = TODAY + timedelta(days=round_)
        relations.log_interaction(app.uow(), person_ids=[person], kind="call", on=day)
        start = threading.Barrier(5)

        def review(day: date = day, start: threading.Barrier = start) -> None:
            start.wait()
            network_review(app.uow(), today=day, now=datetime.combine(day, datetime.min.time()))

        def stats(day: date = day, start: threading.Barrier = start) -> None:
            start.wait()
            network_stats(app.uow(), today=day)

        def run(job: Callable[[], None]) -> None:
            try:
                job()
            except BaseException as error:
                failures.append(error)

        threads = [
            threading.Thread(target=run, args=(job,))
            for job in (review, review, stats, stats, review)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert [f"{type(f).__name__}: {f}" for f in failures] == []
    with app.uow() as conn:
        state = conn.execute(select(touch_summary_state.c.as_of)).scalar_one()
    assert q.as_date(state) == TODAY + timedelta(days=4)
    _assert_current(app, TODAY + timedelta(days=4))


def test_the_ids_recomputed_are_one_parameter(app: App) -> None:
    """A chunk of marked people is one parameter (an array on PostgreSQL, JSON read by
    ``json_each`` on SQLite): planning thousands of parameters repeated in 13 places took
    most of a refresh, and SQLAlchemy rendered them anew for every statement; either way
    the statement picks exactly those people."""
    ids = list(range(1, 2001))
    with app.uow() as conn:
        chosen = insights_summary.id_list(conn, ids)
        stmt = select(touch_summary.c.person_id).where(touch_summary.c.person_id.in_(chosen))
        compiled = stmt.compile(dialect=conn.dialect)
        assert len(compiled.params) == 1
    build_sample_network(app.uow(), people_count=30, interaction_count=150, today=TODAY, seed=3)
    with app.uow() as conn:
        refresh_touch_summary(conn, today=TODAY, params=DEFAULT_PARAMS)
        every = sorted(conn.execute(select(touch_summary.c.person_id)).scalars())
        picked = every[1:4] + every[-1:]
        found = conn.execute(
            select(touch_summary.c.person_id).where(
                touch_summary.c.person_id.in_(insights_summary.id_list(conn, picked))
            )
        ).scalars()
        assert sorted(found) == picked


def test_a_summary_of_an_earlier_layout_is_rebuilt(app: App) -> None:
    """A summary written before the masks covered the month-ends only (its state's key has
    no layout) is rebuilt by the next refresh, not misread."""
    build_sample_network(app.uow(), people_count=30, interaction_count=150, today=TODAY, seed=8)
    _assert_current(app)
    old_key = insights_summary.params_key(DEFAULT_PARAMS).removeprefix(
        f"{insights_summary.LAYOUT};"
    )
    with app.uow() as conn:
        conn.execute(update(touch_summary_state).values(params_key=old_key))
        conn.execute(update(touch_summary).values(gave_mask=-1, received_mask=-1))
    _assert_current(app)  # the masks are those of a recomputation again


def test_summary_pages_leave_room_for_the_daily_update(app: App) -> None:
    """PostgreSQL fills the summary's pages to 45 % (migration 0013) so the daily roll-forward
    updates each row beside itself (HOT) instead of writing every index; SQLite: nothing."""
    with app.uow() as conn:
        if conn.dialect.name != "postgresql":
            assert conn.dialect.name == "sqlite"
            return
        options = conn.execute(
            text("SELECT reloptions FROM pg_class WHERE relname = 'touch_summary'")
        ).scalar_one()
    assert "fillfactor=45" in (options or [])


def test_a_reader_does_not_queue_behind_a_refresh_of_marked_people(app: App) -> None:
    """PostgreSQL: while another transaction holds the refresh lock, a reader whose summary
    is today's and has only marked people left reads it as it is (the marks stay for the
    holder or the next refresh) instead of waiting; a new day still waits for the lock."""
    import threading

    if app.engine.dialect.name != "postgresql":
        pytest.skip("the refresh lock is PostgreSQL's advisory lock")
    build_sample_network(app.uow(), people_count=40, interaction_count=200, today=TODAY, seed=4)
    with app.uow() as conn:
        refresh_touch_summary(conn, today=TODAY, params=DEFAULT_PARAMS)
    person = _first(app, encounters, "person_id")
    relations.log_interaction(app.uow(), person_ids=[person], kind="call", on=TODAY)

    def marked() -> int:
        with app.uow() as conn:
            return int(
                conn.execute(select(func.count()).select_from(touch_summary_dirty)).scalar_one()
            )

    assert marked() == 1
    holder = app.engine.connect()
    holder.begin()
    holder.execute(select(func.pg_advisory_xact_lock(insights_summary.ADVISORY_LOCK)))
    done: list[object] = []

    def read(day: date) -> None:
        with app.uow() as conn:
            done.append(refresh_touch_summary(conn, today=day, params=DEFAULT_PARAMS))

    try:
        reader = threading.Thread(target=read, args=(TODAY,))
        reader.start()
        reader.join(timeout=30)
        assert not reader.is_alive() and done == [touch_summary]
        assert marked() == 1  # left for the refresh under way
        next_day = threading.Thread(target=read, args=(TODAY + timedelta(days=1),))
        next_day.start()
        next_day.join(timeout=2)
        assert next_day.is_alive()  # a new day waits for the lock
    finally:
        holder.rollback()
        holder.close()
    next_day.join(timeout=60)
    assert not next_day.is_alive() and marked() == 0
    _assert_current(app, TODAY + timedelta(days=1))
