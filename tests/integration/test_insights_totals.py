"""The stored review totals (migration 0010) equal a recomputation after every write path.

A write that makes a touch marks people; the next read takes their old contributions
away and adds the new ones (services/insights_totals.py). A write the summary does not
see (a person added or deleted, a photo, a tier tag, a purpose, a snooze) empties the
totals; an encounter at an event empties the per-event tallies only. After each step the
stored sums must equal the sums computed from scratch, and the figures the reference
computes person by person, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import ColumnElement, func, insert, select, update
from summary_totals import stored_totals

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS, monthly_dates
from kinmyaku.services import insights, relations
from kinmyaku.services.events import add_event
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.insights_summary import mask_dates
from kinmyaku.services.insights_totals import (
    contributions,
    event_totals_fresh,
    totals_fresh,
)
from kinmyaku.services.people import PersonInput, add_person, delete_person, tag_person
from kinmyaku.storage.insights_queries import timeline_masks, two_way_timeline_counts
from kinmyaku.storage.schema import (
    interactions,
    keep_in_touch,
    people,
    touch_summary,
)

TODAY = date(2026, 11, 26)
NOW = datetime.combine(TODAY, time(12))


def _normal(sums: dict[tuple[str, str], list[float]]) -> dict[tuple[str, str], tuple[float, ...]]:
    """Rows with a non-zero figure, rounded (a sum kept by differences may differ in its
    last bits from one computed at once)."""
    return {
        key: tuple(round(v, 6) for v in values)
        for key, values in sums.items()
        if any(abs(v) > 1e-9 for v in values)
    }


def _assert_current(app: App) -> None:
    """Read the review (which brings the totals up to date); they equal a recomputation."""
    review = insights.network_review(app.uow(), today=TODAY, now=NOW)
    reference = insights.network_stats_reference(app.uow(), today=TODAY)
    assert review.stats.to_json() == reference.to_json()
    with app.uow() as conn:
        assert totals_fresh(conn, today=TODAY, params=DEFAULT_PARAMS)
        assert event_totals_fresh(conn)
        stored = stored_totals(conn)
        fresh = contributions(conn, today=TODAY, params=DEFAULT_PARAMS)
    assert _normal(stored) == _normal(fresh)


def _first(app: App, column: ColumnElement[int]) -> int:
    with app.uow() as conn:
        found: int = conn.execute(select(func.min(column))).scalar_one()
        return found


def test_touch_writes_update_the_totals_by_difference(app: App) -> None:
    build_sample_network(app.uow(), people_count=60, interaction_count=400, today=TODAY, seed=5)
    _assert_current(app)  # the first read computes them
    uow = app.uow
    day = TODAY - timedelta(days=3)
    event = add_event(uow(), name="勉強会", on=day)
    steps: list[Callable[[], object]] = [
        lambda: relations.log_interaction(uow(), person_ids=[2, 3, 4], on=day),
        lambda: relations.record_exchange(uow(), person_id=5, on=day, direction="gave", weight=3),
        lambda: relations.record_exchange(
            uow(), person_id=5, on=day, direction="received", weight=1
        ),
        lambda: relations.open_request(uow(), person_id=6, side="mine", what="x", asked_on=day),
        lambda: relations.record_encounter(
            uow(), person_id=8, on=day, channel="introduction", introducer_id=2
        ),
        lambda: relations.delete_interaction(uow(), interaction_id=_first(app, interactions.c.id)),
    ]
    for step in steps:
        step()
        with app.uow() as conn:  # a touch marks people; the totals stay, to be corrected
            assert totals_fresh(conn, today=TODAY, params=DEFAULT_PARAMS)
        _assert_current(app)
    relations.record_encounter(uow(), person_id=9, on=day, channel="event", event_id=event)
    with app.uow() as conn:  # the event tallies alone are dropped
        assert totals_fresh(conn, today=TODAY, params=DEFAULT_PARAMS)
        assert not event_totals_fresh(conn)
    _assert_current(app)


def test_other_writes_empty_the_totals(app: App) -> None:
    build_sample_network(app.uow(), people_count=60, interaction_count=400, today=TODAY, seed=3)
    _assert_current(app)
    uow = app.uow

    def photo() -> None:
        with uow() as conn:
            conn.execute(update(people).where(people.c.id == 10).values(photo="10.jpg"))

    def snooze() -> None:
        with uow() as conn:
            conn.execute(
                insert(keep_in_touch).values(person_id=11, snoozed_until=TODAY + timedelta(days=9))
            )

    steps: list[Callable[[], object]] = [
        photo,
        snooze,
        lambda: relations.set_purpose(uow(), person_id=12, category="peer", cadence_days=7),
        lambda: tag_person(uow(), 13, add=["A"]),
        lambda: add_person(uow(), PersonInput(family_name="新井", given_name="一郎")),
        lambda: delete_person(uow(), 14),
    ]
    for step in steps:
        step()
        with app.uow() as conn:
            assert not totals_fresh(conn, today=TODAY, params=DEFAULT_PARAMS)
        _assert_current(app)


def test_other_days_and_parameters_recompute_the_totals(app: App) -> None:
    build_sample_network(app.uow(), people_count=40, interaction_count=200, today=TODAY, seed=2)
    _assert_current(app)
    later = TODAY + timedelta(days=2)
    stats = insights.network_stats(app.uow(), today=later)
    assert stats.to_json() == insights.network_stats_reference(app.uow(), today=later).to_json()
    with app.uow() as conn:  # a later day rolls both parts forward by difference
        assert totals_fresh(conn, today=later, params=DEFAULT_PARAMS)
        assert not totals_fresh(conn, today=TODAY, params=DEFAULT_PARAMS, parts=("headline",))
    earlier = TODAY - timedelta(days=5)  # an earlier day rebuilds: recomputed when read
    stats = insights.network_stats(app.uow(), today=earlier)
    assert stats.to_json() == insights.network_stats_reference(app.uow(), today=earlier).to_json()
    with app.uow() as conn:  # stats computes the headline part only
        assert totals_fresh(conn, today=earlier, params=DEFAULT_PARAMS, parts=("headline",))
        assert not totals_fresh(conn, today=earlier, params=DEFAULT_PARAMS)
        assert not totals_fresh(conn, today=later, params=DEFAULT_PARAMS, parts=("headline",))
    insights.network_review(app.uow(), today=earlier, now=NOW - timedelta(days=5))
    with app.uow() as conn:
        assert totals_fresh(conn, today=earlier, params=DEFAULT_PARAMS)
    other = replace(DEFAULT_PARAMS, half_life_days=30.0)  # other parameters: the same
    stats = insights.network_stats(app.uow(), today=earlier, params=other)
    reference = insights.network_stats_reference(app.uow(), today=earlier, params=other)
    assert stats.to_json() == reference.to_json()
    with app.uow() as conn:
        assert totals_fresh(conn, today=earlier, params=other, parts=("headline",))
        assert not totals_fresh(conn, today=earlier, params=other)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (date(2026, 11, 20), TODAY),  # the same month: the masks are kept as they are
        (date(2026, 11, 29), date(2026, 12, 2)),  # a new month: the masks are rebuilt
        (date(2025, 10, 20), TODAY),  # a long gap (402 days): still the same figures
    ],
)
def test_the_first_review_of_a_later_day_equals_a_recomputation(
    app: App, earlier: date, later: date
) -> None:
    """Yesterday's summary and totals rolled forward equal everything computed afresh:
    the stored sums, the masks (month-ends only) and the two-way timeline, whose last
    point (today) comes from the window's counts."""
    build_sample_network(app.uow(), people_count=80, interaction_count=600, today=TODAY, seed=7)
    relations.log_interaction(app.uow(), person_ids=[3, 4], on=earlier + timedelta(days=1))
    noon = time(12)
    insights.network_review(app.uow(), today=earlier, now=datetime.combine(earlier, noon))
    review = insights.network_review(app.uow(), today=later, now=datetime.combine(later, noon))
    reference = insights.network_stats_reference(app.uow(), today=later)
    assert review.stats.to_json() == reference.to_json()
    with app.uow() as conn:
        assert totals_fresh(conn, today=later, params=DEFAULT_PARAMS)
        expected = two_way_timeline_counts(
            conn, dates=monthly_dates(today=later), params=DEFAULT_PARAMS
        )
        masks = timeline_masks(dates=mask_dates(later), params=DEFAULT_PARAMS)
        bits = {int(p): (int(g), int(r)) for p, g, r in conn.execute(select(masks))}
        s = touch_summary
        stored_bits = {
            int(p): (int(g), int(r))
            for p, g, r in conn.execute(select(s.c.person_id, s.c.gave_mask, s.c.received_mask))
        }
        stored = stored_totals(conn)
        fresh = contributions(conn, today=later, params=DEFAULT_PARAMS)
    assert [(p.on, p.count) for p in review.timeline] == sorted(expected.items())
    assert expected[later] == review.stats.two_way > 0
    assert stored_bits == {pid: bits.get(pid, (0, 0)) for pid in stored_bits}
    assert _normal(stored) == _normal(fresh)
