"""Read queries of relationship intelligence: touches, per-person aggregates, attributes.

Every touch (an interaction, an encounter, an exchange, asking a request and completing
one) is one row of a ``UNION ALL``; one ``GROUP BY person_id`` turns them into the
``TouchAggregates`` of docs/concepts.md. Windows compare dates with bound parameters
(index friendly); only the decay needs a day number: ``julianday`` on SQLite, date
subtraction on PostgreSQL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    Integer,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.domain.insights import InsightParams, TouchAggregates, TouchKind
from kinmyaku.domain.people import display_name
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    exchanges,
    interaction_people,
    interactions,
    keep_in_touch,
    organizations,
    people,
    person_tags,
    purposes,
    requests,
)

LN2 = math.log(2.0)
JULIAN_DAY_OF_ORDINAL_ZERO = 1721424.5
TIERS_TAG_FORMS = ("A", "B", "C", "a", "b", "c")


def _weight(value: float) -> ColumnElement[float]:
    return cast(literal(value), Float)


def touches(
    *,
    today: date,
    params: InsightParams,
    directional_only: bool = False,
    with_interactions: bool = True,
    person_ids: Any = None,
    spans: Sequence[tuple[date, date]] = (),
) -> Subquery:
    """Every touch on or before today: (person_id, on, weight, direction).

    ``person_ids`` (a list or a subquery of ids) keeps only those people's touches;
    ``spans`` (``(after, upto]`` day ranges) only the touches dated in one of them, each
    table filtered by its own date (index friendly).
    """

    def dated(column: Any) -> Any:
        return or_(*(and_(column > a, column <= b) for a, b in spans))

    ip, i, r = interaction_people, interactions, requests
    none = literal("none")
    completed = select(
        r.c.person_id.label("person_id"),
        r.c.closed_on.label("on"),
        _weight(params.weight_for(TouchKind.REQUEST)).label("weight"),
        case((r.c.side == "mine", "received"), else_="gave").label("direction"),
    ).where(r.c.status == "done", r.c.closed_on.is_not(None), r.c.closed_on <= today)
    given = select(
        exchanges.c.person_id,
        exchanges.c.date,
        cast(exchanges.c.weight, Float),
        exchanges.c.direction,
    ).where(exchanges.c.date <= today)
    if person_ids is not None:
        completed = completed.where(r.c.person_id.in_(person_ids))
        given = given.where(exchanges.c.person_id.in_(person_ids))
    if spans:
        completed = completed.where(dated(r.c.closed_on))
        given = given.where(dated(exchanges.c.date))
    if directional_only:
        return union_all(completed, given).subquery("touches")
    parts = [
        completed,
        given,
        select(
            encounters.c.person_id,
            encounters.c.date,
            _weight(params.weight_for(TouchKind.ENCOUNTER)),
            none,
        ).where(encounters.c.date <= today),
        select(
            r.c.person_id, r.c.asked_on, _weight(params.weight_for(TouchKind.REQUEST)), none
        ).where(r.c.asked_on <= today),
    ]
    if person_ids is not None:
        parts[2] = parts[2].where(encounters.c.person_id.in_(person_ids))
        parts[3] = parts[3].where(r.c.person_id.in_(person_ids))
    if spans:
        parts[2] = parts[2].where(dated(encounters.c.date))
        parts[3] = parts[3].where(dated(r.c.asked_on))
    if with_interactions:
        talks = (
            select(
                ip.c.person_id, i.c.date, _weight(params.weight_for(TouchKind.INTERACTION)), none
            )
            .join(i, i.c.id == ip.c.interaction_id)
            .where(i.c.date <= today)
        )
        if person_ids is not None:
            talks = talks.where(ip.c.person_id.in_(person_ids))
        if spans:
            talks = talks.where(dated(i.c.date))
        parts.append(talks)
    return union_all(*parts).subquery("touches")


def age_days(conn: Connection, column: Any, today: date) -> ColumnElement[float]:
    """``today - column`` in days, as SQL, on SQLite and PostgreSQL."""
    if conn.dialect.name == "sqlite":
        return literal(today.toordinal() + JULIAN_DAY_OF_ORDINAL_ZERO) - func.julianday(column)
    return cast(literal(today, Date) - column, Integer)


def _decay(conn: Connection, column: Any, today: date, params: InsightParams) -> Any:
    return func.exp(-LN2 / params.half_life_days * age_days(conn, column, today))


def aggregate_columns(
    conn: Connection, t: Subquery, *, today: date, params: InsightParams
) -> list[Any]:
    """The aggregate columns of docs/concepts.md over a touches subquery."""
    window_start = today - timedelta(days=params.window_days)
    previous_start = today - timedelta(days=2 * params.window_days)
    decayed = t.c.weight * _decay(conn, t.c.on, today, params)
    in_window = t.c.on > window_start
    in_previous = and_(t.c.on <= window_start, t.c.on > previous_start)
    gave, received = t.c.direction == "gave", t.c.direction == "received"

    def total(condition: Any, value: Any) -> Any:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return [
        func.min(t.c.on).label("first_touch_on"),
        func.max(t.c.on).label("last_touch_on"),
        total(in_window, 1).label("touch_count"),
        func.coalesce(func.sum(decayed), 0.0).label("decayed_weight"),
        total(and_(gave, in_window), 1).label("gave_count"),
        total(and_(received, in_window), 1).label("received_count"),
        total(and_(gave, in_window), t.c.weight).label("given_weight"),
        total(and_(received, in_window), t.c.weight).label("received_weight"),
        total(and_(gave, in_previous), t.c.weight).label("prev_given_weight"),
        total(and_(received, in_previous), t.c.weight).label("prev_received_weight"),
        total(gave, decayed).label("decayed_given"),
        total(received, decayed).label("decayed_received"),
    ]


def aggregates_of(row: Any) -> TouchAggregates:
    """The ``TouchAggregates`` of a row that has their columns (a GROUP BY or the summary)."""
    return TouchAggregates(
        first_touch_on=as_date(row.first_touch_on),
        last_touch_on=as_date(row.last_touch_on),
        touch_count=int(row.touch_count),
        decayed_weight=float(row.decayed_weight),
        gave_count=int(row.gave_count),
        received_count=int(row.received_count),
        given_weight=float(row.given_weight),
        received_weight=float(row.received_weight),
        prev_given_weight=float(row.prev_given_weight),
        prev_received_weight=float(row.prev_received_weight),
        decayed_given=float(row.decayed_given),
        decayed_received=float(row.decayed_received),
    )


def as_date(value: Any) -> date | None:
    """A date from a date or ISO text (SQLite aggregates of a union may return text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _interaction_aggregates(
    conn: Connection, *, today: date, params: InsightParams, person_ids: Sequence[int] | None
) -> dict[int, TouchAggregates]:
    """Interactions alone, grouped in the order of their person index (no sort, no union)."""
    ip, i = interaction_people, interactions
    weight = params.weight_for(TouchKind.INTERACTION)
    window_start = today - timedelta(days=params.window_days)
    stmt = (
        select(
            ip.c.person_id,
            func.min(i.c.date),
            func.max(i.c.date),
            func.sum(case((i.c.date > window_start, 1), else_=0)),
            func.sum(_decay(conn, i.c.date, today, params)),
        )
        .select_from(ip.join(i, i.c.id == ip.c.interaction_id))
        .where(i.c.date <= today)
        .group_by(ip.c.person_id)
    )
    if person_ids is not None:
        stmt = stmt.where(ip.c.person_id.in_(list(person_ids)))
    return {
        int(pid): TouchAggregates(
            first_touch_on=as_date(first),
            last_touch_on=as_date(last),
            touch_count=int(count),
            decayed_weight=weight * float(decayed),
        )
        for pid, first, last, count, decayed in conn.execute(stmt)
    }


def touch_aggregates(
    conn: Connection,
    *,
    today: date,
    params: InsightParams,
    person_ids: Sequence[int] | None = None,
    directional_only: bool = False,
) -> dict[int, TouchAggregates]:
    """The aggregates of every touched person (or of these people), by person id.

    Two GROUP BYs: interactions (the bulk, no direction) and every other touch; the two
    are added per person (sums, min and max), exactly as one query over the union.
    """
    t = touches(
        today=today, params=params, directional_only=directional_only, with_interactions=False
    )
    stmt = select(t.c.person_id, *aggregate_columns(conn, t, today=today, params=params))
    if person_ids is not None:
        stmt = stmt.where(t.c.person_id.in_(list(person_ids)))
    rows = conn.execute(stmt.group_by(t.c.person_id)).all()
    found = {int(row.person_id): aggregates_of(row) for row in rows}
    if directional_only:
        return found
    for pid, agg in _interaction_aggregates(
        conn, today=today, params=params, person_ids=person_ids
    ).items():
        other = found.get(pid)
        found[pid] = agg if other is None else other + agg
    return found


def _interval(on: Any, cuts: Sequence[date], low: int, high: int) -> Any:
    """How many ``cuts`` lie strictly before ``on``, known to be in low..high (a binary search)."""
    if low == high:
        return literal(low)
    middle = (low + high + 1) // 2
    return case(
        (on > cuts[middle - 1], _interval(on, cuts, middle, high)),
        else_=_interval(on, cuts, low, middle - 1),
    )


def _cuts(dates: Iterable[date], params: InsightParams) -> tuple[list[date], list[date]]:
    """The sample days, sorted, and the cuts: every sample day and every window start."""
    days = sorted(set(dates))
    starts = [day - timedelta(days=params.window_days) for day in days]
    return days, sorted(set(days) | set(starts))


def timeline_masks(
    *, dates: Iterable[date], params: InsightParams, person_ids: Any = None
) -> Subquery:
    """Per person (person_id, gave, received): bit masks of the intervals with a gift/receipt.

    The sample days and their window starts cut time into a few intervals; one GROUP BY
    (person, interval) says whether each person gave and received in each interval (its
    rows are distinct, so a SUM of distinct powers of two is their OR).
    """
    days, cuts = _cuts(dates, params)
    t = touches(today=days[-1], params=params, directional_only=True, person_ids=person_ids)
    # interval = how many cuts lie strictly before the touch; (start, day] is start+1..day.
    interval = _interval(t.c.on, cuts, 0, len(cuts))
    grouped = (
        select(
            t.c.person_id,
            interval.label("interval"),
            func.max(case((t.c.direction == "gave", 1), else_=0)).label("has_gave"),
            func.max(case((t.c.direction == "received", 1), else_=0)).label("has_received"),
        )
        .where(t.c.on > cuts[0])
        .group_by(t.c.person_id, interval)
        .subquery("per_interval")
    )
    bit = literal(1).op("<<")(grouped.c.interval)
    return (
        select(
            grouped.c.person_id,
            func.sum(case((grouped.c.has_gave == 1, bit), else_=0)).label("gave"),
            func.sum(case((grouped.c.has_received == 1, bit), else_=0)).label("received"),
        )
        .group_by(grouped.c.person_id)
        .subquery("masks")
    )


def timeline_counts(
    conn: Connection,
    gave: Any,
    received: Any,
    *,
    dates: Iterable[date],
    params: InsightParams,
    where: Any = None,
    today: tuple[date, Any] | None = None,
) -> dict[date, int]:
    """Two-way people on each sample day from the mask columns of ``timeline_masks``.

    ``where`` (a condition on the masks' table) counts only some people; ``today`` (a
    day and a condition: two-way on that day) adds one more point counted in the same scan.
    """
    days, cuts = _cuts(dates, params)
    position = {cut: k for k, cut in enumerate(cuts)}
    windows = []
    for day in days:
        low, high = position[day - timedelta(days=params.window_days)] + 1, position[day]
        window = ((1 << (high + 1)) - 1) ^ ((1 << low) - 1)
        both = and_(gave.op("&")(window) != 0, received.op("&")(window) != 0)
        windows.append(func.coalesce(func.sum(case((both, 1), else_=0)), 0))
    if today is not None:
        days.append(today[0])
        windows.append(func.coalesce(func.sum(case((today[1], 1), else_=0)), 0))
    if not windows:
        return {}
    stmt = select(*windows)
    if where is not None:
        stmt = stmt.where(where)
    counts = conn.execute(stmt).one()
    return {day: int(n) for day, n in zip(days, counts, strict=True)}


def two_way_timeline_counts(
    conn: Connection, *, dates: Iterable[date], params: InsightParams
) -> dict[date, int]:
    """The number of two-way people on each sample day, each with its own window.

    A window is a run of intervals between the sample days and window starts (a bit
    mask), so no touch is joined with every day.
    """
    dates = list(dates)
    if not dates:
        return {}
    masks = timeline_masks(dates=dates, params=params)
    return timeline_counts(conn, masks.c.gave, masks.c.received, dates=dates, params=params)


@dataclass(frozen=True, slots=True)
class PersonRow:
    """What the insights need to know about a person, besides the touch aggregates."""

    person_id: int
    family_name: str
    given_name: str
    family_reading: str
    given_reading: str
    romaji: str
    has_photo: bool
    offers: str
    needs: str
    tier: str | None
    purpose_category: str | None
    purpose_goal: str
    purpose_cadence_days: int | None
    snoozed_until: date | None
    first_met_on: date | None
    memory_cue: str
    organization: str | None
    industry: str | None
    department: str | None


def person_subqueries() -> tuple[Subquery, Subquery, Subquery]:
    """Per person: the tier tag (A/B/C), the first meeting with its cue, the current job."""
    tier = (
        select(person_tags.c.person_id, func.upper(func.min(person_tags.c.tag)).label("tier"))
        .where(person_tags.c.tag.in_(TIERS_TAG_FORMS))
        .group_by(person_tags.c.person_id)
        .subquery()
    )
    met = (
        select(
            encounters.c.person_id,
            func.min(encounters.c.date).label("first_met_on"),
            func.max(encounters.c.memory_cue).label("memory_cue"),
        )
        .group_by(encounters.c.person_id)
        .subquery()
    )
    current = (
        select(affiliations.c.person_id, func.max(affiliations.c.id).label("affiliation_id"))
        .where(affiliations.c.is_current.is_(True))
        .group_by(affiliations.c.person_id)
        .subquery()
    )
    return tier, met, current


def person_rows(conn: Connection, *, person_ids: Sequence[int] | None = None) -> list[PersonRow]:
    """Every person (or these people) with tier, purpose, snooze, first meeting, company."""
    p = people
    tier, met, current = person_subqueries()
    stmt = (
        select(
            p.c.id,
            p.c.family_name,
            p.c.given_name,
            p.c.family_reading,
            p.c.given_reading,
            p.c.romaji,
            p.c.photo,
            p.c.offers,
            p.c.needs,
            tier.c.tier,
            purposes.c.category,
            purposes.c.goal,
            purposes.c.cadence_days,
            keep_in_touch.c.snoozed_until,
            met.c.first_met_on,
            met.c.memory_cue,
            organizations.c.name.label("organization"),
            organizations.c.industry,
            affiliations.c.department,
        )
        .outerjoin(tier, tier.c.person_id == p.c.id)
        .outerjoin(purposes, purposes.c.person_id == p.c.id)
        .outerjoin(keep_in_touch, keep_in_touch.c.person_id == p.c.id)
        .outerjoin(met, met.c.person_id == p.c.id)
        .outerjoin(current, current.c.person_id == p.c.id)
        .outerjoin(affiliations, affiliations.c.id == current.c.affiliation_id)
        .outerjoin(organizations, organizations.c.id == affiliations.c.organization_id)
        .order_by(p.c.id)
    )
    if person_ids is not None:
        stmt = stmt.where(p.c.id.in_(list(person_ids)))
    found = []
    for (
        pid,
        family,
        given,
        family_reading,
        given_reading,
        romaji,
        photo,
        offers,
        needs,
        tier_value,
        category,
        goal,
        cadence,
        snoozed,
        first_met,
        cue,
        organization,
        industry,
        department,
    ) in conn.execute(stmt):
        found.append(
            PersonRow(
                int(pid),
                family,
                given,
                family_reading,
                given_reading,
                romaji,
                bool(photo),
                offers,
                needs,
                tier_value,
                category,
                goal or "",
                cadence,
                as_date(snoozed),
                as_date(first_met),
                (cue or "").strip(),
                organization,
                industry,
                (department or "").strip() or None,
            )
        )
    return found


NAMES_CHUNK = 5_000
"""Ids per query (SQLite takes at most 32,766 bound parameters a statement)."""


def names_of(conn: Connection, person_ids: Sequence[int]) -> dict[int, str]:
    """Display names of these people (one query per 5,000)."""
    ids = sorted(set(person_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), NAMES_CHUNK):
        rows = conn.execute(
            select(people.c.id, people.c.family_name, people.c.given_name).where(
                people.c.id.in_(ids[start : start + NAMES_CHUNK])
            )
        )
        found.update((int(pid), display_name(family, given)) for pid, family, given in rows)
    return found
