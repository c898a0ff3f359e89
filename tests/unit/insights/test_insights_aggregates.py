"""Aggregates: the per-person numbers every score is computed from, and the raw facts."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    EncounterFact,
    ExchangeFact,
    InsightParams,
    InteractionFact,
    RequestFact,
    StrengthWeights,
    Touch,
    TouchAggregates,
    TouchKind,
    aggregate_touches,
    decay,
    touches_from,
)

TODAY = date(2024, 6, 1)

touch_strategy = st.builds(
    Touch,
    on=st.integers(-30, 800).map(lambda back: TODAY - timedelta(days=back)),
    kind=st.sampled_from(TouchKind),
    weight=st.floats(0, 10, allow_nan=False),
    direction=st.sampled_from(Direction),
)


def test_decay_halves_every_half_life() -> None:
    assert decay(0, 90) == 1.0
    assert decay(90, 90) == pytest.approx(0.5)
    assert decay(180, 90) == pytest.approx(0.25)


def test_no_touches_give_empty_aggregates() -> None:
    assert aggregate_touches([], today=TODAY, params=DEFAULT_PARAMS) == TouchAggregates()


def test_hand_computed_aggregates() -> None:
    touches = [
        Touch(TODAY, TouchKind.INTERACTION, 1.0),  # age 0
        Touch(TODAY - timedelta(days=90), TouchKind.EXCHANGE, 2.0, Direction.GAVE),  # age 90
        Touch(TODAY - timedelta(days=364), TouchKind.EXCHANGE, 3.0, Direction.RECEIVED),
        Touch(TODAY - timedelta(days=365), TouchKind.EXCHANGE, 4.0, Direction.GAVE),  # prev
        Touch(TODAY - timedelta(days=730), TouchKind.EXCHANGE, 5.0, Direction.RECEIVED),  # out
        Touch(TODAY + timedelta(days=1), TouchKind.INTERACTION, 9.0),  # future: ignored
    ]
    agg = aggregate_touches(touches, today=TODAY, params=DEFAULT_PARAMS)
    assert agg.first_touch_on == TODAY - timedelta(days=730)
    assert agg.last_touch_on == TODAY
    assert agg.touch_count == 3  # ages 0, 90, 364 (365 is outside: age < 365)
    assert (agg.gave_count, agg.received_count) == (1, 1)
    assert (agg.given_weight, agg.received_weight) == (2.0, 3.0)
    assert (agg.prev_given_weight, agg.prev_received_weight) == (4.0, 0.0)  # 730 >= 2*365
    # decayed: 1*1 + 2*0.5 + 3*2^(-364/90) + 4*2^(-365/90) + 5*2^(-730/90)
    expected = 1 + 1 + 3 * 2 ** (-364 / 90) + 4 * 2 ** (-365 / 90) + 5 * 2 ** (-730 / 90)
    assert agg.decayed_weight == pytest.approx(expected)
    assert agg.decayed_given == pytest.approx(1 + 4 * 2 ** (-365 / 90))
    assert agg.decayed_received == pytest.approx(3 * 2 ** (-364 / 90) + 5 * 2 ** (-730 / 90))


@given(st.lists(touch_strategy, max_size=12), st.lists(touch_strategy, max_size=12))
def test_aggregates_of_two_lists_add_up(a: list[Touch], b: list[Touch]) -> None:
    """Summing two people's aggregates equals aggregating their touches together."""
    left = aggregate_touches(a, today=TODAY, params=DEFAULT_PARAMS)
    right = aggregate_touches(b, today=TODAY, params=DEFAULT_PARAMS)
    both = aggregate_touches(a + b, today=TODAY, params=DEFAULT_PARAMS)
    total = left + right
    assert total.first_touch_on == both.first_touch_on
    assert total.last_touch_on == both.last_touch_on
    assert total.touch_count == both.touch_count
    assert math.isclose(total.decayed_weight, both.decayed_weight, abs_tol=1e-9)
    assert math.isclose(total.given_weight, both.given_weight, abs_tol=1e-9)


@given(st.lists(touch_strategy, max_size=20))
def test_aggregates_ignore_future_touches(touches: list[Touch]) -> None:
    past = [t for t in touches if t.on <= TODAY]
    assert aggregate_touches(touches, today=TODAY, params=DEFAULT_PARAMS) == aggregate_touches(
        past, today=TODAY, params=DEFAULT_PARAMS
    )


def test_touches_from_facts_fill_default_weights_and_directions() -> None:
    d = date(2024, 5, 1)
    touches = touches_from(
        params=DEFAULT_PARAMS,
        interactions=[InteractionFact(d), InteractionFact(d, weight=0.5)],
        encounters=[EncounterFact(d)],
        exchanges=[ExchangeFact(d, Direction.RECEIVED, weight=3.0)],
        requests=[
            RequestFact(d, asked_by_me=True, completed_on=d + timedelta(days=2)),
            RequestFact(d, asked_by_me=False, completed_on=d + timedelta(days=3)),
            RequestFact(d, asked_by_me=False),  # open: a touch, neither give nor take
        ],
    )
    assert [(t.kind, t.weight, t.direction) for t in touches] == [
        (TouchKind.INTERACTION, 1.0, Direction.NONE),
        (TouchKind.INTERACTION, 0.5, Direction.NONE),
        (TouchKind.ENCOUNTER, 2.0, Direction.NONE),
        (TouchKind.EXCHANGE, 3.0, Direction.RECEIVED),
        (TouchKind.REQUEST, 2.0, Direction.NONE),
        (TouchKind.REQUEST, 2.0, Direction.RECEIVED),  # they completed my request
        (TouchKind.REQUEST, 2.0, Direction.NONE),
        (TouchKind.REQUEST, 2.0, Direction.GAVE),  # I completed theirs
        (TouchKind.REQUEST, 2.0, Direction.NONE),
    ]


@pytest.mark.parametrize("weight", [-1.0, math.nan, math.inf])
def test_bad_weights_are_refused_with_the_field_named(weight: float) -> None:
    with pytest.raises(ValueError, match=r"Touch\.weight"):
        Touch(TODAY, TouchKind.INTERACTION, weight)
    with pytest.raises(ValueError, match=r"ExchangeFact\.weight"):
        ExchangeFact(TODAY, Direction.GAVE, weight=weight)


def test_exchange_needs_a_direction_and_request_dates_in_order() -> None:
    with pytest.raises(ValueError, match="GAVE or RECEIVED"):
        ExchangeFact(TODAY, Direction.NONE)
    with pytest.raises(ValueError, match="completed_on"):
        RequestFact(TODAY, asked_by_me=True, completed_on=TODAY - timedelta(days=1))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("window_days", 0),
        ("half_life_days", -1.0),
        ("depth_scale", math.nan),
        ("followup_hours", 0),
        ("strong_threshold", 101.0),
        ("one_sided_threshold", 0.0),
        ("sm2_initial_ease", 1.0),
        ("suggestion_limit", -1),
    ],
)
def test_invalid_params_name_the_field(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        InsightParams(**{field: value})  # type: ignore[arg-type]


def test_param_mappings_and_weights_are_checked() -> None:
    with pytest.raises(ValueError, match="cadence_days_by_tier"):
        InsightParams(cadence_days_by_tier={"A": 0})
    with pytest.raises(ValueError, match="default_weights"):
        InsightParams(default_weights={"interaction": -1})
    with pytest.raises(ValueError, match="sum to 1"):
        StrengthWeights(recency=0.5, frequency=0.5, depth=0.5, reciprocity=0.5)


def test_window_in_months_for_explanations() -> None:
    assert DEFAULT_PARAMS.window_months == 12
    assert InsightParams(window_days=90).window_months == 3
    assert InsightParams(window_days=1).window_months == 1
