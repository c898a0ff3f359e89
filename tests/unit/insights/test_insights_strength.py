"""Relationship strength: hand-computed cases, edge cases and properties."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    InsightParams,
    Touch,
    TouchAggregates,
    TouchKind,
    aggregate_touches,
    relationship_strength,
    render,
    strength_from_aggregates,
)
from kinmyaku.domain.insights.strength import reciprocity

TODAY = date(2024, 6, 1)

past_touch = st.builds(
    Touch,
    on=st.integers(0, 900).map(lambda back: TODAY - timedelta(days=back)),
    kind=st.sampled_from(TouchKind),
    weight=st.floats(0, 10, allow_nan=False),
    direction=st.sampled_from(Direction),
)


def naive_strength(touches: list[Touch], today: date, p: InsightParams) -> float:
    """The formula of docs/concepts.md written out directly over the touches (base 1/2)."""
    past = [t for t in touches if t.on <= today]
    if not past:
        return 0.0
    half = p.half_life_days

    def left(t: Touch) -> float:
        return t.weight * math.pow(0.5, (today - t.on).days / half)

    r = math.pow(0.5, (today - max(t.on for t in past)).days / half)
    f = min(1.0, sum(1 for t in past if (today - t.on).days < p.window_days) / 12)
    d = 1 - math.pow(0.5, sum(left(t) for t in past) / 4)
    g = sum(left(t) for t in past if t.direction is Direction.GAVE)
    rec = sum(left(t) for t in past if t.direction is Direction.RECEIVED)
    q = 2 * min(g, rec) / (g + rec) if g + rec > 0 else 0.0
    return 100 * (0.3 * r + 0.2 * f + 0.3 * d + 0.2 * q)


def test_no_touch_is_zero_and_says_so() -> None:
    s = relationship_strength([], today=TODAY)
    assert s.value == 0.0
    assert not s.strong
    assert render(s.explanation) == "強さ 0：まだ接点がありません"
    assert render(s.explanation, "en") == "Strength 0: no touch yet"


def test_one_meeting_today() -> None:
    s = relationship_strength([Touch(TODAY, TouchKind.INTERACTION, 2.0)], today=TODAY)
    # R = 1, F = 1/12, S = 2 so D = 1 - 2^(-2/4) = 0.292893, Q = 0 (nothing exchanged)
    # 100 * (0.3*1 + 0.2/12 + 0.3*0.292893 + 0) = 30 + 1.666667 + 8.786797 = 40.453463
    assert s.value == pytest.approx(40.453463, abs=1e-6)
    assert s.components.depth == pytest.approx(0.292893, abs=1e-6)
    assert s.rounded == 40
    assert render(s.explanation, "en") == (
        "Strength 40: last touch 0 days ago, 1 touch in 12 months, depth 29%, reciprocity 0%"
    )
    assert render(s.explanation) == (
        "強さ 40：最後の接点は0日前、直近12か月の接点1回、深さ29%、互恵性0%"
    )


def test_even_exchange_one_half_life_ago() -> None:
    d = TODAY - timedelta(days=90)
    touches = [
        Touch(d, TouchKind.EXCHANGE, 4.0, Direction.GAVE),
        Touch(d, TouchKind.EXCHANGE, 4.0, Direction.RECEIVED),
    ]
    s = relationship_strength(touches, today=TODAY)
    # R = 2^(-90/90) = 0.5, F = 2/12, S = 8 * 0.5 = 4 so D = 1 - 2^(-1) = 0.5, Q = 1
    # 100 * (0.3*0.5 + 0.2*2/12 + 0.3*0.5 + 0.2*1) = 15 + 3.333333 + 15 + 20 = 53.333333
    assert s.value == pytest.approx(53.333333, abs=1e-6)
    assert s.components.reciprocity == 1.0
    assert not s.strong  # below 60


def test_zero_weight_touch_counts_for_recency_and_frequency_only() -> None:
    s = relationship_strength([Touch(TODAY, TouchKind.INTERACTION, 0.0)], today=TODAY)
    # R = 1, F = 1/12, D = 0, Q = 0: 100 * (0.3 + 0.2/12) = 31.666667
    assert s.value == pytest.approx(31.666667, abs=1e-6)


def test_future_touches_are_ignored() -> None:
    future = [Touch(TODAY + timedelta(days=3), TouchKind.INTERACTION, 5.0)]
    assert relationship_strength(future, today=TODAY).value == 0.0


def test_monthly_even_relationship_is_strong() -> None:
    touches = []
    for month in range(12):
        on = TODAY - timedelta(days=30 * month)
        touches.append(Touch(on, TouchKind.INTERACTION, 2.0))
        direction = Direction.GAVE if month % 2 else Direction.RECEIVED
        touches.append(Touch(on, TouchKind.EXCHANGE, 1.0, direction))
    s = relationship_strength(touches, today=TODAY)
    assert s.components.frequency == 1.0  # 24 touches >= 12
    assert s.strong
    assert s.value > 80


def test_threshold_is_a_parameter() -> None:
    touches = [Touch(TODAY, TouchKind.INTERACTION, 2.0)]  # 40.45
    assert relationship_strength(
        touches, today=TODAY, params=InsightParams(strong_threshold=40)
    ).strong


def test_reciprocity_formula() -> None:
    assert reciprocity(0, 0) == 0.0
    assert reciprocity(3, 0) == 0.0
    assert reciprocity(2, 2) == 1.0
    assert reciprocity(1, 3) == pytest.approx(0.5)  # 2 * 1 / 4


@given(st.lists(past_touch, max_size=25))
def test_aggregates_and_raw_touches_agree_with_the_written_formula(touches: list[Touch]) -> None:
    raw = relationship_strength(touches, today=TODAY).value
    agg = aggregate_touches(touches, today=TODAY, params=DEFAULT_PARAMS)
    from_agg = strength_from_aggregates(agg, today=TODAY).value
    assert raw == pytest.approx(from_agg, abs=1e-9)
    assert raw == pytest.approx(naive_strength(touches, TODAY, DEFAULT_PARAMS), abs=1e-9)


@given(st.lists(past_touch, max_size=25))
def test_strength_is_always_between_0_and_100(touches: list[Touch]) -> None:
    assert 0.0 <= relationship_strength(touches, today=TODAY).value <= 100.0


@given(
    st.integers(0, 2000),
    st.integers(0, 2000),
    st.integers(0, 50),
    st.floats(0, 50),
    st.floats(0, 20),
    st.floats(0, 20),
)
def test_strength_is_monotone_in_recency(
    days_a: int, days_b: int, count: int, decayed: float, gave: float, got: float
) -> None:
    """All else equal, a more recent last touch never gives a lower strength."""
    recent, older = sorted((days_a, days_b))

    def value(days: int) -> float:
        agg = TouchAggregates(
            last_touch_on=TODAY - timedelta(days=days),
            touch_count=count,
            decayed_weight=decayed,
            decayed_given=gave,
            decayed_received=got,
        )
        return strength_from_aggregates(agg, today=TODAY).value

    assert value(recent) >= value(older)


@given(st.lists(past_touch, max_size=15), st.integers(1, 400))
def test_moving_every_touch_earlier_never_raises_strength(touches: list[Touch], shift: int) -> None:
    earlier = [Touch(t.on - timedelta(days=shift), t.kind, t.weight, t.direction) for t in touches]
    now = relationship_strength(touches, today=TODAY).value
    assert relationship_strength(earlier, today=TODAY).value <= now + 1e-9
