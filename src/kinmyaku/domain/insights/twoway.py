"""Two-way relationships (the north star): both sides gave and received in the window.

A relationship is two-way on ``today`` when, within the window, I gave them something
AND received something from them. Giving is an exchange I gave or a request of theirs I
completed; receiving is an exchange I received or a request of mine they completed, so
"completed a request for each other" is one case of the rule.

Aggregates: ``gave_count`` and ``received_count`` in the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kinmyaku.domain.insights.aggregates import TouchAggregates, aggregate_touches
from kinmyaku.domain.insights.explain import Explanation, explain
from kinmyaku.domain.insights.facts import Touch
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams


@dataclass(frozen=True, slots=True)
class TwoWayStatus:
    """Whether a relationship is two-way, with the counts that decide it."""

    two_way: bool
    gave: int
    received: int
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class TwoWayPoint:
    """The number of two-way relationships on one day."""

    on: date
    count: int


def is_two_way_counts(gave_count: int, received_count: int) -> bool:
    """Two-way when both the gives and the takes in the window are at least one."""
    return gave_count > 0 and received_count > 0


def two_way_status_from_aggregates(
    agg: TouchAggregates, *, params: InsightParams = DEFAULT_PARAMS
) -> TwoWayStatus:
    """Two-way status from the per-person aggregates (gave_count, received_count)."""
    yes = is_two_way_counts(agg.gave_count, agg.received_count)
    return TwoWayStatus(
        two_way=yes,
        gave=agg.gave_count,
        received=agg.received_count,
        explanation=explain(
            "two_way.yes" if yes else "two_way.no",
            gave=agg.gave_count,
            received=agg.received_count,
            months=params.window_months,
        ),
    )


def two_way_status(
    touches: Iterable[Touch], *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> TwoWayStatus:
    """Two-way status of one person from their touches."""
    agg = aggregate_touches(touches, today=today, params=params)
    return two_way_status_from_aggregates(agg, params=params)


def two_way_count_from_aggregates(aggs: Iterable[TouchAggregates]) -> int:
    """How many of these people are two-way (SQL: COUNT ... WHERE gave>0 AND received>0)."""
    return sum(is_two_way_counts(a.gave_count, a.received_count) for a in aggs)


def two_way_timeline(
    touches_by_person: Mapping[int, Sequence[Touch]],
    *,
    dates: Iterable[date],
    params: InsightParams = DEFAULT_PARAMS,
) -> list[TwoWayPoint]:
    """The count of two-way relationships on each of the dates (each with its own window)."""
    points = []
    for day in sorted(set(dates)):
        aggs = (aggregate_touches(t, today=day, params=params) for t in touches_by_person.values())
        points.append(TwoWayPoint(day, two_way_count_from_aggregates(aggs)))
    return points


def monthly_dates(*, today: date, months: int = 12) -> list[date]:
    """Sample dates for a timeline: the last day of each of the previous months, then today."""
    if months < 1:
        raise ValueError("months must be at least 1")
    days = [today]
    month_start = today.replace(day=1)
    for _ in range(months - 1):
        month_end = month_start - timedelta(days=1)
        days.append(month_end)
        month_start = month_end.replace(day=1)
    return sorted(days)
