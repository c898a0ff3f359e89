"""A new day recomputes only the people whose figures changed (services/insights_roll.py).

Day after day, with touches, snoozes ending and cadences running out, the summary and
the stored totals rolled forward equal everything recomputed from scratch, on SQLite and
PostgreSQL; a person's strength stays in its bucket until the recheck day stored for them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select, update
from summary_totals import stored_totals

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.domain.insights.strength import strength_from_aggregates
from kinmyaku.services import insights, relations
from kinmyaku.services.insights_roll import crossed_people, flipped_people
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.insights_summary import BUCKET_BOUNDS, id_list
from kinmyaku.services.insights_totals import PARTS, contributions, totals_fresh
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    keep_in_touch,
    people,
    purposes,
    touch_summary,
    touch_summary_state,
)

TODAY = date(2026, 11, 3)
HEADLINE_KINDS = PARTS["headline"]


def _normal(sums: dict[tuple[str, str], list[float]]) -> dict[tuple[str, str], tuple[float, ...]]:
    """Rows with a non-zero figure, rounded (sums kept by differences differ in last bits)."""
    return {
        key: tuple(round(v, 6) for v in values)
        for key, values in sums.items()
        if any(abs(v) > 1e-9 for v in values)
    }


def _bucket(value: float) -> int:
    """The histogram bucket, with the strong threshold (60) one of the edges."""
    return sum(value >= edge for edge in BUCKET_BOUNDS)


def _assert_same(app: App, day: date) -> None:
    review = insights.network_review(app.uow(), today=day, now=datetime.combine(day, time(12)))
    reference = insights.network_stats_reference(app.uow(), today=day)
    assert review.stats.to_json() == reference.to_json()
    assert insights.network_stats(app.uow(), today=day) == review.stats
    with app.uow() as conn:
        assert q.as_date(conn.execute(select(touch_summary_state.c.as_of)).scalar_one()) == day
        assert totals_fresh(conn, today=day, params=DEFAULT_PARAMS)
        stored = stored_totals(conn)
        fresh = contributions(conn, today=day, params=DEFAULT_PARAMS)
    assert _normal(stored) == _normal(fresh)


def test_day_after_day_equals_a_recomputation(app: App) -> None:
    build_sample_network(app.uow(), people_count=120, interaction_count=900, today=TODAY, seed=11)
    with app.uow() as conn:
        conn.execute(update(purposes).where(purposes.c.person_id % 4 == 0).values(cadence_days=3))
        for pid, days in ((5, 2), (6, 4), (7, 9)):
            ends = TODAY + timedelta(days=days)
            conn.execute(insert(keep_in_touch).values(person_id=pid, snoozed_until=ends))
    _assert_same(app, TODAY)
    rolled = 0
    for k in range(1, 13):
        day = TODAY + timedelta(days=k)
        if k % 4 == 0:  # a touch today and one dated a few days ahead (enters later)
            relations.log_interaction(app.uow(), person_ids=[10 + k, 11 + k], on=day)
            relations.record_exchange(
                app.uow(), person_id=12 + k, on=day + timedelta(days=2), direction="gave"
            )
        with app.uow() as conn:
            since = day - timedelta(days=1)
            found = crossed_people(conn, since=since, today=day, params=DEFAULT_PARAMS)
            found += flipped_people(conn, since=since, today=day, params=DEFAULT_PARAMS)
            rolled += len(found)
        _assert_same(app, day)
    assert rolled > 0  # not a degenerate run: people changed with the days


def test_strength_keeps_its_bucket_until_the_recheck_day(app: App) -> None:
    build_sample_network(app.uow(), people_count=150, interaction_count=1200, today=TODAY, seed=4)
    insights.network_stats(app.uow(), today=TODAY)
    with app.uow() as conn:
        rows = {
            int(pid): day
            for pid, day in conn.execute(
                select(touch_summary.c.person_id, touch_summary.c.recheck_day).where(
                    touch_summary.c.last_touch_on.is_not(None)
                )
            )
        }
    due = [d for d in rows.values() if d is not None]
    assert due and min(due) > TODAY.toordinal()
    then = insights.aggregates_for(app.uow(), today=TODAY)
    checked = 0
    for ahead in (1, 3, 10, 30, 90, 200):
        day = TODAY + timedelta(days=ahead)
        later = insights.aggregates_for(app.uow(), today=day)  # the sample has no later touch
        for pid, agg in then.items():
            recheck = rows[pid]
            if recheck is not None and day.toordinal() >= recheck:
                continue
            if later[pid].touch_count != agg.touch_count:
                continue  # a touch left the window: that day recomputes the person anyway
            before = strength_from_aggregates(agg, today=TODAY, params=DEFAULT_PARAMS).value
            after = strength_from_aggregates(later[pid], today=day, params=DEFAULT_PARAMS).value
            assert _bucket(after) == _bucket(before), (pid, ahead)
            checked += 1
    assert checked > 100


def test_stats_first_then_the_review_across_a_month_end(app: App) -> None:
    """The day's first read is ``stats`` (the headline totals only are asked for), the
    review comes later that day; over a month end (the review's part is recomputed) and
    with a touch marked just before, the totals still equal a recomputation."""
    start = date(2026, 11, 27)
    build_sample_network(app.uow(), people_count=120, interaction_count=900, today=start, seed=7)
    with app.uow() as conn:
        conn.execute(update(purposes).where(purposes.c.person_id % 3 == 0).values(cadence_days=2))
        conn.execute(insert(keep_in_touch).values(person_id=9, snoozed_until=start))
    _assert_same(app, start)
    for k in range(1, 7):
        day = start + timedelta(days=k)
        if k % 2:
            relations.log_interaction(app.uow(), person_ids=[20 + k], on=day)
        stats = insights.network_stats(app.uow(), today=day)
        assert stats.to_json() == insights.network_stats_reference(app.uow(), today=day).to_json()
        with app.uow() as conn:
            assert totals_fresh(conn, today=day, params=DEFAULT_PARAMS, parts=("headline",))
            headline = contributions(conn, today=day, params=DEFAULT_PARAMS, parts=("headline",))
            stored = {k: v for k, v in stored_totals(conn).items() if k[0] in HEADLINE_KINDS}
        assert _normal(stored) == _normal(headline)
        _assert_same(app, day)


def test_id_list_takes_more_ids_than_sqlite_binds(app: App) -> None:
    """One parameter holds every id: no limit on how many people one statement names."""
    build_sample_network(app.uow(), people_count=30, interaction_count=60, today=TODAY, seed=2)
    wanted = [*range(-40_000, 0), 1, 2, 3]
    with app.uow() as conn:
        found = conn.execute(
            select(people.c.id).where(people.c.id.in_(id_list(conn, wanted))).order_by(people.c.id)
        ).scalars()
        assert list(found) == [1, 2, 3]
