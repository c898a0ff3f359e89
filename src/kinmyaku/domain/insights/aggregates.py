"""Per-person aggregates of touches: the numbers every score is computed from.

Each field is one SQL aggregate over the person's touches dated on or before ``today``
(touches in the future are planned, not done, and are ignored), so the database can feed
the score functions with a single ``GROUP BY person_id`` query. ``aggregate_touches`` is
the reference implementation of that query; docs/concepts.md gives the SQL.

"In the window" means ``0 <= age < window_days`` where ``age = today - on`` in days
(SQL: ``on > :today - window_days``). The previous window is
``window_days <= age < 2 * window_days``. Decay is ``exp(-ln 2 * age / half_life_days)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from kinmyaku.domain.insights.facts import Direction, Touch
from kinmyaku.domain.insights.params import InsightParams

LN2 = math.log(2.0)


def decay(age_days: float, half_life_days: float) -> float:
    """The weight left after ``age_days``: exp(-ln2 * age / half_life), 1 at age 0."""
    return math.exp(-LN2 * age_days / half_life_days)


@dataclass(frozen=True, slots=True)
class TouchAggregates:
    """The per-person aggregates one SQL GROUP BY computes (see module docstring)."""

    first_touch_on: date | None = None
    """MIN(on)."""
    last_touch_on: date | None = None
    """MAX(on)."""
    touch_count: int = 0
    """COUNT of touches in the window."""
    decayed_weight: float = 0.0
    """SUM(weight * decay(age)) over all touches."""
    gave_count: int = 0
    """COUNT of GAVE touches in the window."""
    received_count: int = 0
    """COUNT of RECEIVED touches in the window."""
    given_weight: float = 0.0
    """SUM(weight) of GAVE touches in the window."""
    received_weight: float = 0.0
    """SUM(weight) of RECEIVED touches in the window."""
    prev_given_weight: float = 0.0
    """SUM(weight) of GAVE touches in the previous window."""
    prev_received_weight: float = 0.0
    """SUM(weight) of RECEIVED touches in the previous window."""
    decayed_given: float = 0.0
    """SUM(weight * decay(age)) of GAVE touches."""
    decayed_received: float = 0.0
    """SUM(weight * decay(age)) of RECEIVED touches."""

    def __add__(self, other: TouchAggregates) -> TouchAggregates:
        """Merge two aggregates (e.g. to total over people): sums, min and max."""
        return TouchAggregates(
            first_touch_on=_pick(min, self.first_touch_on, other.first_touch_on),
            last_touch_on=_pick(max, self.last_touch_on, other.last_touch_on),
            touch_count=self.touch_count + other.touch_count,
            decayed_weight=self.decayed_weight + other.decayed_weight,
            gave_count=self.gave_count + other.gave_count,
            received_count=self.received_count + other.received_count,
            given_weight=self.given_weight + other.given_weight,
            received_weight=self.received_weight + other.received_weight,
            prev_given_weight=self.prev_given_weight + other.prev_given_weight,
            prev_received_weight=self.prev_received_weight + other.prev_received_weight,
            decayed_given=self.decayed_given + other.decayed_given,
            decayed_received=self.decayed_received + other.decayed_received,
        )


def _pick(choose: Callable[[date, date], date], a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return choose(a, b)


EMPTY = TouchAggregates()


def aggregate_touches(
    touches: Iterable[Touch], *, today: date, params: InsightParams
) -> TouchAggregates:
    """Compute a person's aggregates from their touches, as the SQL query would."""
    window = params.window_days
    first: date | None = None
    last: date | None = None
    count = gave_count = received_count = 0
    decayed_all = given = received = prev_given = prev_received = 0.0
    decayed_given = decayed_received = 0.0
    for t in touches:
        age = (today - t.on).days
        if age < 0:
            continue
        first = _pick(min, first, t.on)
        last = _pick(max, last, t.on)
        decayed = t.weight * decay(age, params.half_life_days)
        decayed_all += decayed
        in_window = age < window
        in_previous = window <= age < 2 * window
        count += in_window
        if t.direction is Direction.GAVE:
            decayed_given += decayed
            gave_count += in_window
            given += t.weight if in_window else 0.0
            prev_given += t.weight if in_previous else 0.0
        elif t.direction is Direction.RECEIVED:
            decayed_received += decayed
            received_count += in_window
            received += t.weight if in_window else 0.0
            prev_received += t.weight if in_previous else 0.0
    return TouchAggregates(
        first_touch_on=first,
        last_touch_on=last,
        touch_count=count,
        decayed_weight=decayed_all,
        gave_count=gave_count,
        received_count=received_count,
        given_weight=given,
        received_weight=received,
        prev_given_weight=prev_given,
        prev_received_weight=prev_received,
        decayed_given=decayed_given,
        decayed_received=decayed_received,
    )
