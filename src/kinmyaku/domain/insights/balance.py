"""Give/take balance per person and overall, its trend, and one-sided relationships.

balance = (G - R) / (G + R) in [-1, 1], where G and R are the summed weights of what I
gave and received in the window: +1 only giving, -1 only taking, 0 even; undefined (None)
when nothing was exchanged. The trend is this window's balance minus the previous
window's. A relationship is one-sided when at least ``one_sided_min_exchanges`` gives and
takes happened in the window and |balance| >= ``one_sided_threshold``.

Aggregates: gave_count, received_count, given_weight, received_weight,
prev_given_weight, prev_received_weight (overall: their sums over people).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kinmyaku.domain.insights.aggregates import TouchAggregates, aggregate_touches
from kinmyaku.domain.insights.explain import Explanation, explain
from kinmyaku.domain.insights.facts import Touch
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams


class Trend(StrEnum):
    """Which way the balance moved since the previous window."""

    MORE_GIVING = "more_giving"
    MORE_TAKING = "more_taking"
    STEADY = "steady"


class OneSided(StrEnum):
    """The side a one-sided relationship leans to."""

    TAKING = "taking"
    GIVING = "giving"


@dataclass(frozen=True, slots=True)
class Balance:
    """The give/take balance of one relationship (or of all of them)."""

    gave: int
    received: int
    given_weight: float
    received_weight: float
    value: float | None
    previous: float | None
    change: float | None
    trend: Trend | None
    explanation: Explanation
    trend_explanation: Explanation | None


@dataclass(frozen=True, slots=True)
class OneSidedFlag:
    """A relationship flagged as one-sided, with its balance."""

    person_id: int
    side: OneSided
    balance: Balance
    explanation: Explanation


def balance_value(given_weight: float, received_weight: float) -> float | None:
    """(G - R) / (G + R), or None when nothing was given or received."""
    total = given_weight + received_weight
    if total <= 0:
        return None
    return (given_weight - received_weight) / total


def balance_trend(change: float | None, *, params: InsightParams = DEFAULT_PARAMS) -> Trend | None:
    """Classify a change of balance: more giving, more taking or steady (within epsilon)."""
    if change is None:
        return None
    if change > params.trend_epsilon:
        return Trend.MORE_GIVING
    if change < -params.trend_epsilon:
        return Trend.MORE_TAKING
    return Trend.STEADY


def balance_from_aggregates(
    agg: TouchAggregates, *, params: InsightParams = DEFAULT_PARAMS
) -> Balance:
    """The balance from one person's aggregates (or from aggregates summed over people)."""
    months = params.window_months
    value = balance_value(agg.given_weight, agg.received_weight)
    previous = balance_value(agg.prev_given_weight, agg.prev_received_weight)
    change = None if value is None or previous is None else value - previous
    trend = balance_trend(change, params=params)
    if value is None:
        explanation = explain("balance.none", months=months)
    else:
        explanation = explain(
            "balance",
            gave=agg.gave_count,
            received=agg.received_count,
            given_weight=agg.given_weight,
            received_weight=agg.received_weight,
            months=months,
        )
    trend_explanation = None
    if trend is not None and change is not None:
        trend_explanation = explain(f"balance.trend.{trend}", delta=change, months=months)
    return Balance(
        gave=agg.gave_count,
        received=agg.received_count,
        given_weight=agg.given_weight,
        received_weight=agg.received_weight,
        value=value,
        previous=previous,
        change=change,
        trend=trend,
        explanation=explanation,
        trend_explanation=trend_explanation,
    )


def give_take_balance(
    touches: Iterable[Touch], *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> Balance:
    """The give/take balance of one person from their touches."""
    agg = aggregate_touches(touches, today=today, params=params)
    return balance_from_aggregates(agg, params=params)


def overall_balance_from_aggregates(
    aggs: Iterable[TouchAggregates], *, params: InsightParams = DEFAULT_PARAMS
) -> Balance:
    """The balance over all relationships: the per-person sums added up (SQL: SUM)."""
    gave = received = 0
    given = taken = prev_given = prev_taken = 0.0
    for agg in aggs:  # the fields of EMPTY + a1 + a2 + ..., without an object per step
        gave += agg.gave_count
        received += agg.received_count
        given += agg.given_weight
        taken += agg.received_weight
        prev_given += agg.prev_given_weight
        prev_taken += agg.prev_received_weight
    total = TouchAggregates(
        gave_count=gave,
        received_count=received,
        given_weight=given,
        received_weight=taken,
        prev_given_weight=prev_given,
        prev_received_weight=prev_taken,
    )
    return balance_from_aggregates(total, params=params)


def overall_balance(
    touches_by_person: Mapping[int, Sequence[Touch]],
    *,
    today: date,
    params: InsightParams = DEFAULT_PARAMS,
) -> Balance:
    """The overall give/take balance from everybody's touches."""
    aggs = (aggregate_touches(t, today=today, params=params) for t in touches_by_person.values())
    return overall_balance_from_aggregates(aggs, params=params)


def one_sided_side(balance: Balance, *, params: InsightParams = DEFAULT_PARAMS) -> OneSided | None:
    """TAKING or GIVING when the relationship is one-sided, else None."""
    if balance.value is None or balance.gave + balance.received < params.one_sided_min_exchanges:
        return None
    if balance.value <= -params.one_sided_threshold:
        return OneSided.TAKING
    if balance.value >= params.one_sided_threshold:
        return OneSided.GIVING
    return None


def one_sided_relationships(
    balances: Mapping[int, Balance], *, params: InsightParams = DEFAULT_PARAMS
) -> list[OneSidedFlag]:
    """The one-sided relationships, most lopsided first, then most exchanges, then id."""
    flags = []
    for person_id, balance in balances.items():
        side = one_sided_side(balance, params=params)
        if side is None:
            continue
        explanation = explain(
            f"one_sided.{side}",
            gave=balance.gave,
            received=balance.received,
            months=params.window_months,
        )
        flags.append(OneSidedFlag(person_id, side, balance, explanation))
    flags.sort(
        key=lambda f: (
            -abs(f.balance.value or 0.0),
            -(f.balance.gave + f.balance.received),
            f.person_id,
        )
    )
    return flags
