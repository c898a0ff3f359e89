"""Keep in touch: each person's cadence, when they are due, and the overdue list.

cadence = the shortest cadence among the person's purposes, else the default of their
tier (A 30, B 90, C 180 days), else ``default_cadence_days`` (180). Any touch resets the
clock: due_on = last_touch_on + cadence, and a person is overdue from due_on on. A snooze
hides a person until (not including) the snooze date; it does not move the clock.

The overdue list is ordered by importance: tier order (A first, untiered last), then
people never touched after those with a date, then the overdue ratio
(days overdue / cadence, largest first), then person id.

Aggregates: last_touch_on (MAX over touches of every kind), plus the person's tier,
purpose cadence and snooze date.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kinmyaku.domain.insights.explain import Explanation, explain
from kinmyaku.domain.insights.facts import Touch
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams


class CadenceBasis(StrEnum):
    """Where a person's cadence comes from."""

    PURPOSE = "purpose"
    TIER = "tier"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class CadenceSubject:
    """What keep-in-touch needs to know about a person."""

    person_id: int
    last_touch_on: date | None
    tier: str | None = None
    purpose_cadence_days: int | None = None
    purpose_name: str = ""
    snoozed_until: date | None = None


@dataclass(frozen=True, slots=True)
class KeepInTouch:
    """A person's keep-in-touch status on a day."""

    person_id: int
    cadence_days: int
    basis: CadenceBasis
    due_on: date | None
    overdue: bool
    days_overdue: int | None
    snoozed: bool
    explanation: Explanation
    basis_explanation: Explanation


def cadence_for(
    *,
    tier: str | None,
    purpose_cadence_days: int | None,
    params: InsightParams = DEFAULT_PARAMS,
) -> tuple[int, CadenceBasis]:
    """The cadence in days and where it comes from: purpose, tier default or default."""
    if purpose_cadence_days is not None:
        if purpose_cadence_days <= 0:
            raise ValueError(f"purpose cadence must be > 0 days, got {purpose_cadence_days}")
        return purpose_cadence_days, CadenceBasis.PURPOSE
    if tier is not None and tier in params.cadence_days_by_tier:
        return math.ceil(params.cadence_days_by_tier[tier]), CadenceBasis.TIER
    return params.default_cadence_days, CadenceBasis.DEFAULT


def last_touch_on(touches: Iterable[Touch], *, today: date) -> date | None:
    """The day of the latest touch on or before today (None: never touched)."""
    return max((t.on for t in touches if t.on <= today), default=None)


def snooze(*, today: date, days: int) -> date:
    """The snooze date for hiding a person for ``days`` days from today."""
    if days <= 0:
        raise ValueError(f"snooze needs a number of days > 0, got {days}")
    return today + timedelta(days=days)


def keep_in_touch(
    subject: CadenceSubject, *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> KeepInTouch:
    """A person's cadence, due date and whether they are overdue or snoozed today."""
    cadence, basis = cadence_for(
        tier=subject.tier, purpose_cadence_days=subject.purpose_cadence_days, params=params
    )
    snoozed = subject.snoozed_until is not None and today < subject.snoozed_until
    last = subject.last_touch_on
    if last is not None and last > today:
        last = today  # a touch dated after today (planned) counts as touching today
    if last is None:
        due_on, overdue, days_overdue = None, True, None
        explanation = explain("cadence.never", cadence=cadence)
    else:
        due_on = last + timedelta(days=cadence)
        days_overdue = (today - due_on).days
        overdue = days_overdue >= 0
        days_since = (today - last).days
        if overdue:
            explanation = explain(
                "cadence.overdue", days_overdue=days_overdue, days_since=days_since, cadence=cadence
            )
        else:
            explanation = explain(
                "cadence.due_in", days_left=-days_overdue, days_since=days_since, cadence=cadence
            )
            days_overdue = None
    if snoozed and subject.snoozed_until is not None:
        explanation = explain("cadence.snoozed", until=subject.snoozed_until.isoformat())
    return KeepInTouch(
        person_id=subject.person_id,
        cadence_days=cadence,
        basis=basis,
        due_on=due_on,
        overdue=overdue,
        days_overdue=days_overdue,
        snoozed=snoozed,
        explanation=explanation,
        basis_explanation=_basis_explanation(subject, cadence, basis),
    )


def _basis_explanation(subject: CadenceSubject, cadence: int, basis: CadenceBasis) -> Explanation:
    if basis is CadenceBasis.PURPOSE:
        return explain("cadence.basis.purpose", purpose=subject.purpose_name, cadence=cadence)
    if basis is CadenceBasis.TIER:
        return explain("cadence.basis.tier", tier=subject.tier or "", cadence=cadence)
    return explain("cadence.basis.default", cadence=cadence)


def overdue_sort_key(
    subject: CadenceSubject, *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> tuple[int, int, float, int] | None:
    """The importance order of an overdue, not snoozed person (None: not on the list).

    Tier order (A first, untiered last), people with a last touch before people never
    touched, the overdue ratio (largest first), then person id. Cheap: no explanation.
    """
    if subject.snoozed_until is not None and today < subject.snoozed_until:
        return None
    cadence, _ = cadence_for(
        tier=subject.tier, purpose_cadence_days=subject.purpose_cadence_days, params=params
    )
    tiers = list(params.cadence_days_by_tier)
    rank = tiers.index(subject.tier) if subject.tier in tiers else len(tiers)
    last = subject.last_touch_on
    if last is None:
        return (rank, 1, 0.0, subject.person_id)
    days_overdue = (today - min(last, today)).days - cadence
    if days_overdue < 0:
        return None
    return (rank, 0, -days_overdue / cadence, subject.person_id)


def overdue_list(
    subjects: Iterable[CadenceSubject],
    *,
    today: date,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int | None = None,
) -> list[KeepInTouch]:
    """The overdue, not snoozed people, most important first (see the module docstring).

    With ``limit``, only the first ``limit`` of that order (explanations are built for
    those only).
    """
    keyed = []
    for subject in subjects:
        key = overdue_sort_key(subject, today=today, params=params)
        if key is not None:
            keyed.append((key, subject))
    chosen = (
        sorted(keyed, key=lambda pair: pair[0])
        if limit is None
        else heapq.nsmallest(limit, keyed, key=lambda pair: pair[0])
    )
    return [keep_in_touch(subject, today=today, params=params) for _, subject in chosen]
