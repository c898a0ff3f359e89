"""Relationship strength, 0-100, from recency, frequency, depth and reciprocity.

    recency     R = exp(-ln2 * days_since_last_touch / half_life)        (0 if no touch)
    frequency   F = min(1, touch_count_in_window / frequency_target)
    depth       D = 1 - exp(-ln2 * decayed_weight / depth_scale)
    reciprocity Q = 2 * min(Gd, Rd) / (Gd + Rd)                          (0 if Gd + Rd = 0)
    strength    = 100 * (wR*R + wF*F + wD*D + wQ*Q)

decayed_weight is the sum over touches of weight * exp(-ln2 * age / half_life); Gd and
Rd are the same sums over what I gave and what I received. Decaying reciprocity (rather
than counting a window) keeps strength monotone in time: moving every touch earlier
never raises it. Defaults: half_life 90 days, frequency_target 12, depth_scale 4,
weights 0.3 / 0.2 / 0.3 / 0.2, strong from 60.

Aggregates: last_touch_on, touch_count, decayed_weight, decayed_given, decayed_received.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kinmyaku.domain.insights.aggregates import LN2, TouchAggregates, aggregate_touches, decay
from kinmyaku.domain.insights.explain import Explanation, explain
from kinmyaku.domain.insights.facts import Touch
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams


@dataclass(frozen=True, slots=True)
class StrengthComponents:
    """The four components of strength, each in 0..1."""

    recency: float
    frequency: float
    depth: float
    reciprocity: float


@dataclass(frozen=True, slots=True)
class Strength:
    """A relationship's strength (0-100), its components and why."""

    value: float
    components: StrengthComponents
    strong: bool
    explanation: Explanation

    @property
    def rounded(self) -> int:
        """The strength as a whole number, for display."""
        return round(self.value)


def reciprocity(given: float, received: float) -> float:
    """2 * min(G, R) / (G + R): 1 when even, 0 when one-sided or nothing exchanged."""
    total = given + received
    if total <= 0:
        return 0.0
    return 2.0 * min(given, received) / total


def strength_components(
    *,
    days_since_last_touch: int | None,
    touch_count: int,
    decayed_weight: float,
    decayed_given: float,
    decayed_received: float,
    params: InsightParams = DEFAULT_PARAMS,
) -> StrengthComponents:
    """The four components from the aggregates (days_since_last_touch None: no touch)."""
    if days_since_last_touch is None:
        recency = 0.0
    else:
        recency = decay(max(0, days_since_last_touch), params.half_life_days)
    frequency = min(1.0, max(0, touch_count) / params.frequency_target)
    depth = 1.0 - math.exp(-LN2 * max(0.0, decayed_weight) / params.depth_scale)
    return StrengthComponents(
        recency=recency,
        frequency=frequency,
        depth=min(1.0, max(0.0, depth)),
        reciprocity=reciprocity(max(0.0, decayed_given), max(0.0, decayed_received)),
    )


def strength_value(
    components: StrengthComponents, *, params: InsightParams = DEFAULT_PARAMS
) -> float:
    """100 times the weighted sum of the components, clamped to 0..100."""
    w = params.strength_weights
    total = (
        w.recency * components.recency
        + w.frequency * components.frequency
        + w.depth * components.depth
        + w.reciprocity * components.reciprocity
    )
    return min(100.0, max(0.0, 100.0 * total))


def strength_from_aggregates(
    agg: TouchAggregates, *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> Strength:
    """A person's strength from their aggregates (see the module docstring)."""
    days = None if agg.last_touch_on is None else (today - agg.last_touch_on).days
    components = strength_components(
        days_since_last_touch=days,
        touch_count=agg.touch_count,
        decayed_weight=agg.decayed_weight,
        decayed_given=agg.decayed_given,
        decayed_received=agg.decayed_received,
        params=params,
    )
    value = strength_value(components, params=params)
    if days is None:
        explanation = explain("strength.none")
    else:
        explanation = explain(
            "strength",
            score=value,
            days=days,
            count=agg.touch_count,
            months=params.window_months,
            depth=components.depth,
            reciprocity=components.reciprocity,
        )
    return Strength(value, components, is_strong(value, params=params), explanation)


def relationship_strength(
    touches: Iterable[Touch], *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> Strength:
    """A person's strength from their touches (touches after today are ignored)."""
    agg = aggregate_touches(touches, today=today, params=params)
    return strength_from_aggregates(agg, today=today, params=params)


def is_strong(value: float, *, params: InsightParams = DEFAULT_PARAMS) -> bool:
    """A tie is strong when its strength reaches the threshold (60 by default)."""
    return value >= params.strong_threshold
