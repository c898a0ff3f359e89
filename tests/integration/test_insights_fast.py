"""The SQL headline figures equal the person-by-person reference on random networks.

``network_stats`` counts in the database (services/insights_stats.py);
``network_stats_reference`` builds every person's aggregates and runs the domain
functions. On seeded random networks, with snoozes, photos, purposes with cadences and
tiers added, on several days and with non-default parameters, the two must agree.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import insert, update

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Dimension,
    InsightParams,
    MetPerson,
    PersonOutcome,
    channel_yield,
    diversity_report,
)
from kinmyaku.domain.insights.diversity import industry_entropy
from kinmyaku.domain.insights.strength import strength_from_aggregates
from kinmyaku.domain.insights.twoway import is_two_way_counts
from kinmyaku.services import insights
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.storage.schema import keep_in_touch, people, purposes

TODAY = date(2026, 11, 26)
PEOPLE = 400


def _spice(app: App, seed: int) -> None:
    """Snoozes, photos and purpose cadences on random people (the sample has none)."""
    rnd = random.Random(seed)
    with app.uow() as conn:
        for pid in rnd.sample(range(1, PEOPLE + 1), 40):
            until = TODAY + timedelta(days=rnd.randint(-30, 30))
            conn.execute(insert(keep_in_touch).values(person_id=pid, snoozed_until=until))
        for pid in rnd.sample(range(1, PEOPLE + 1), 30):
            conn.execute(update(people).where(people.c.id == pid).values(photo=f"{pid}.jpg"))
        conn.execute(
            update(purposes)
            .where(purposes.c.person_id % 3 == 0)
            .values(cadence_days=rnd.choice((7, 30, 365)))
        )


def _histogram(app: App, today: date, params: InsightParams) -> list[int]:
    """The review's strength buckets from the Python strength of every person."""
    aggs = insights.aggregates_for(app.uow(), today=today, params=params)
    counts = [0] * 5
    for agg in aggs.values():
        value = strength_from_aggregates(agg, today=today, params=params).value
        counts[min(4, int(value // 20))] += 1
    counts[0] += PEOPLE - len(aggs)
    return counts


def _two_way_on(app: App, day: date, params: InsightParams) -> int:
    """Two-way people on ``day`` from the per-person aggregates of that day (reference)."""
    aggs = insights.aggregates_for(app.uow(), today=day, params=params)
    return sum(is_two_way_counts(a.gave_count, a.received_count) for a in aggs.values())


def _assert_same_review(fast: insights.Review, slow: insights.Review) -> None:
    """The SQL review (summary, GROUP BY, ORDER BY ... LIMIT) equals the per-person one."""
    assert replace(fast.stats, diversity_index=0.0) == replace(slow.stats, diversity_index=0.0)
    assert fast.stats.diversity_index == pytest.approx(slow.stats.diversity_index, abs=1e-12)
    assert fast.timeline == slow.timeline
    assert fast.strength_histogram == slow.strength_histogram
    assert fast.diversity.gaps == slow.diversity.gaps
    for dimension, d in slow.diversity.dimensions.items():
        e = fast.diversity.dimensions[dimension]
        assert (e.people, e.unknown, e.distinct, e.counts, e.trend) == (
            d.people,
            d.unknown,
            d.distinct,
            d.counts,
            d.trend,
        )
        assert e.entropy == pytest.approx(d.entropy, abs=1e-12)
        assert e.previous_entropy == pytest.approx(d.previous_entropy, abs=1e-12)
    for (day, value), (other_day, other) in zip(
        fast.diversity_timeline, slow.diversity_timeline, strict=True
    ):
        assert day == other_day and value == pytest.approx(other, abs=1e-12)
    for name in ("yields", "overdue", "commitments", "followups", "forgotten", "drill_due"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert [(o.person, o.flag.side) for o in fast.one_sided] == [
        (o.person, o.flag.side) for o in slow.one_sided
    ]
    for a, b in zip(fast.one_sided, slow.one_sided, strict=True):
        assert a.flag.balance.value == pytest.approx(b.flag.balance.value, abs=1e-12)
    assert fast.balance.value == pytest.approx(slow.balance.value, abs=1e-12)
    assert fast.balance.trend == slow.balance.trend
    assert fast.overdue and fast.forgotten and fast.yields and fast.one_sided


def _assert_same(app: App, today: date, params: InsightParams) -> None:
    fast = insights.network_stats(app.uow(), today=today, params=params)
    slow = insights.network_stats_reference(app.uow(), today=today, params=params)
    exact = {k: v for k, v in fast.to_json().items() if k not in ("diversity_index", "balance")}
    assert exact == {k: slow.to_json()[k] for k in exact}
    now = datetime.combine(today, time(12))
    review = insights.network_review(app.uow(), today=today, now=now, params=params)
    assert review.stats.to_json() == slow.to_json()
    assert [n for _, _, n in review.strength_histogram] == _histogram(app, today, params)
    timeline = {p.on: p.count for p in review.timeline}
    assert timeline == {day: _two_way_on(app, day, params) for day in timeline}
    assert len(timeline) == 12 and timeline[today] == slow.two_way
    _assert_same_review(
        review, insights.network_review_reference(app.uow(), today=today, now=now, params=params)
    )
    assert fast.diversity_index == pytest.approx(slow.diversity_index, abs=1e-12)
    if slow.balance is None:
        assert fast.balance is None
    else:
        assert fast.balance == pytest.approx(slow.balance, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 7])
def test_sql_headline_equals_reference_on_random_networks(app: App, seed: int) -> None:
    build_sample_network(
        app.uow(), people_count=PEOPLE, interaction_count=3_000, today=TODAY, seed=seed
    )
    _spice(app, seed)
    stats = insights.network_stats(app.uow(), today=TODAY)
    # Not degenerate: every figure the comparison covers is exercised.
    assert stats.people == PEOPLE
    assert 0 < stats.two_way < PEOPLE
    assert 0 < stats.overdue < PEOPLE
    assert stats.strong > 0 and stats.forgotten > 0 and stats.open_requests > 0
    assert stats.one_sided_taking + stats.one_sided_giving > 0
    assert stats.diversity_index > 0 and stats.balance is not None
    for today in (TODAY, TODAY - timedelta(days=200), TODAY - timedelta(days=700)):
        _assert_same(app, today, DEFAULT_PARAMS)
    other = replace(
        DEFAULT_PARAMS,
        window_days=90,
        half_life_days=30.0,
        strong_threshold=40.0,
        one_sided_threshold=0.5,
        one_sided_min_exchanges=1,
        cadence_days_by_tier={"A": 14.5, "B": 60},
    )
    _assert_same(app, TODAY, other)
    _assert_same(app, TODAY, replace(DEFAULT_PARAMS, strong_threshold=0.0))


def test_sql_headline_on_an_empty_network(app: App) -> None:
    fast = insights.network_stats(app.uow(), today=TODAY)
    slow = insights.network_stats_reference(app.uow(), today=TODAY)
    assert fast == slow
    assert fast.people == 0 and fast.balance is None and fast.diversity_index == 0.0


def test_review_shortcuts_equal_the_full_computations() -> None:
    """channel_yield(limit=) is the head of the full ranking; industry_entropy the report's."""
    rnd = random.Random(3)
    industries = ("IT", "金融", " ", None, "製造", "医療")
    met = [
        MetPerson(pid, TODAY - timedelta(days=rnd.randint(-20, 900)), rnd.choice(industries))
        for pid in range(1, 600)
    ]
    for day in (TODAY, TODAY - timedelta(days=300)):
        full = diversity_report(met, today=day).dimensions[Dimension.INDUSTRY].entropy
        assert industry_entropy(met, today=day) == full
        assert full > 0
    outcomes = [
        PersonOutcome(
            person_id=pid,
            two_way=rnd.random() < 0.3,
            strong=rnd.random() < 0.2,
            channel=rnd.choice(("event", "referral", "online", "")),
            event_ids=tuple(rnd.sample(range(1, 40), rnd.randint(0, 2))),
            introducer_id=rnd.choice((None, None, rnd.randint(1, 60))),
        )
        for pid in range(1, 800)
    ]
    ranked = channel_yield(outcomes)
    assert len(ranked) > 20
    for limit in (0, 1, 10, len(ranked) + 5):
        assert channel_yield(outcomes, limit=limit) == ranked[:limit]
