"""Give/take balance, its trend, and one-sided relationships."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    OneSided,
    Touch,
    TouchKind,
    Trend,
    aggregate_touches,
    balance_value,
    give_take_balance,
    one_sided_relationships,
    one_sided_side,
    overall_balance,
    overall_balance_from_aggregates,
    render,
)

TODAY = date(2024, 6, 1)


def ex(days_ago: int, direction: Direction, weight: float = 1.0) -> Touch:
    return Touch(TODAY - timedelta(days=days_ago), TouchKind.EXCHANGE, weight, direction)


G, R = Direction.GAVE, Direction.RECEIVED


def test_gave_3_received_0_in_12_months() -> None:
    b = give_take_balance([ex(10, G), ex(20, G), ex(30, G)], today=TODAY)
    assert b.value == 1.0  # (3 - 0) / (3 + 0)
    assert render(b.explanation, "en") == ("You gave 3, received 0 in 12 months (weight 3 vs 0)")
    assert render(b.explanation) == "直近12か月でギブ3回・テイク0回（重み 3 対 0）"
    assert one_sided_side(b) is OneSided.GIVING


def test_weighted_balance() -> None:
    b = give_take_balance([ex(1, G, 2.0), ex(2, R), ex(3, R), ex(4, R)], today=TODAY)
    assert b.value == pytest.approx(-0.2)  # (2 - 3) / (2 + 3)
    assert one_sided_side(b) is None  # |-0.2| < 0.8


def test_trend_against_the_previous_window() -> None:
    b = give_take_balance([ex(10, G), ex(400, R), ex(500, R)], today=TODAY)
    assert b.value == 1.0  # now: gave 1, received 0
    assert b.previous == -1.0  # 365 <= age < 730: received 2
    assert b.change == 2.0
    assert b.trend is Trend.MORE_GIVING
    assert b.trend_explanation is not None
    assert render(b.trend_explanation, "en") == (
        "Giving more than in the previous 12 months (+2.00)"
    )


def test_small_change_is_steady_and_no_history_has_no_trend() -> None:
    b = give_take_balance([ex(10, G), ex(11, R), ex(400, G), ex(401, R)], today=TODAY)
    assert (b.change, b.trend) == (0.0, Trend.STEADY)
    lone = give_take_balance([ex(10, G)], today=TODAY)
    assert lone.previous is None and lone.trend is None and lone.trend_explanation is None


def test_nothing_exchanged_has_no_balance() -> None:
    b = give_take_balance([Touch(TODAY, TouchKind.INTERACTION)], today=TODAY)
    assert b.value is None
    assert render(b.explanation, "en") == "Nothing given or received in 12 months"
    assert one_sided_side(b) is None
    assert balance_value(0.0, 0.0) is None


def test_one_sided_needs_enough_exchanges() -> None:
    one = give_take_balance([ex(1, R)], today=TODAY)
    assert one.value == -1.0
    assert one_sided_side(one) is None  # 1 exchange < one_sided_min_exchanges (2)
    two = give_take_balance([ex(1, R), ex(2, R)], today=TODAY)
    assert one_sided_side(two) is OneSided.TAKING


def test_nine_to_one_is_flagged_at_the_default_threshold() -> None:
    b = give_take_balance([ex(1, G)] + [ex(2, R)] * 9, today=TODAY)
    assert b.value == pytest.approx(-0.8)  # (1 - 9) / 10
    assert one_sided_side(b) is OneSided.TAKING


def test_one_sided_list_is_most_lopsided_first() -> None:
    balances = {
        1: give_take_balance([ex(1, G)] + [ex(2, R)] * 9, today=TODAY),  # -0.8
        2: give_take_balance([ex(1, G)] * 3, today=TODAY),  # +1.0
        3: give_take_balance([ex(1, R)] * 2, today=TODAY),  # -1.0, fewer exchanges than 2
        4: give_take_balance([ex(1, G), ex(1, R)], today=TODAY),  # 0: not flagged
    }
    flags = one_sided_relationships(balances)
    assert [(f.person_id, f.side) for f in flags] == [
        (2, OneSided.GIVING),
        (3, OneSided.TAKING),
        (1, OneSided.TAKING),
    ]
    assert render(flags[1].explanation, "en").startswith("Only taking: you gave 0, received 2")
    assert render(flags[0].explanation).startswith("ギブばかりです")


def test_overall_balance_adds_up_every_relationship() -> None:
    people = {1: [ex(1, G, 3.0)], 2: [ex(1, R), ex(2, R)], 3: []}
    b = overall_balance(people, today=TODAY)
    assert (b.gave, b.received) == (1, 2)
    assert b.value == pytest.approx(0.2)  # (3 - 2) / (3 + 2)
    aggs = [aggregate_touches(t, today=TODAY, params=DEFAULT_PARAMS) for t in people.values()]
    assert overall_balance_from_aggregates(aggs).value == b.value


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_balance_is_between_minus_1_and_1_and_antisymmetric(g: float, r: float) -> None:
    value = balance_value(g, r)
    if g + r == 0:
        assert value is None
    else:
        assert value is not None
        assert -1.0 <= value <= 1.0
        swapped = balance_value(r, g)
        assert swapped is not None
        assert swapped == pytest.approx(-value)
