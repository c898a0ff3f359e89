"""The headline figures of ``kinmyaku stats`` counted in the database, not in Python.

One statement computes every person's touch aggregates (two GROUP BYs, as
storage/insights_queries.py), joins the person's tier, purpose cadence, snooze, first
meeting and company, applies the phase-1 formulas in SQL (strength, one-sidedness,
keep-in-touch, forgotten cards) and sums the flags, grouped by the industry of the people
first met in the window; Python only adds up those few rows and takes the entropy. The
reference path (services/insights.py ``_load`` and the domain functions) computes the same
figures person by person; tests/integration/test_insights_fast.py checks they agree.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Integer,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.domain.insights import InsightParams, TouchAggregates, TouchKind, balance_value
from kinmyaku.domain.insights.diversity import shannon_entropy
from kinmyaku.services.insights_reads import OPEN
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    affiliations,
    interaction_people,
    interactions,
    keep_in_touch,
    organizations,
    people,
    purposes,
    requests,
)

LN2 = math.log(2.0)
CUE_BLANKS = " \t\r\n\u3000"
"""What ``str.strip`` removes from a memory cue in practice (ASCII and ideographic spaces)."""


def _float(value: float) -> ColumnElement[float]:
    return cast(literal(value), Float)


def _int(value: int) -> ColumnElement[int]:
    return cast(literal(value), Integer)


def _least(a: Any, b: Any) -> Any:
    return case((a < b, a), else_=b)


def _greatest(a: Any, b: Any) -> Any:
    return case((a > b, a), else_=b)


def _exp_decay(conn: Connection, column: Any, today: date, scale: float) -> Any:
    return func.exp(_float(-LN2) * q.age_days(conn, column, today) / _float(scale))


def _aggregates(conn: Connection, *, today: date, params: InsightParams) -> Subquery:
    """Every touched person's aggregates: the touch GROUP BY and the interaction one, added."""
    t = q.touches(today=today, params=params, with_interactions=False)
    others = select(t.c.person_id, *q.aggregate_columns(conn, t, today=today, params=params))
    others = others.group_by(t.c.person_id)
    ip, i = interaction_people, interactions
    window_start = today - timedelta(days=params.window_days)
    zero, none = _int(0), _float(0.0)
    weight = _float(params.weight_for(TouchKind.INTERACTION))
    talks = (
        select(
            ip.c.person_id,
            func.min(i.c.date),
            func.max(i.c.date),
            func.sum(case((i.c.date > window_start, 1), else_=0)),
            weight * func.sum(_exp_decay(conn, i.c.date, today, params.half_life_days)),
            *([zero] * 2),
            *([none] * 6),
        )
        .select_from(ip.join(i, i.c.id == ip.c.interaction_id))
        .where(i.c.date <= today)
        .group_by(ip.c.person_id)
    )
    both = union_all(others, talks).subquery("both_halves")
    c = both.c
    return (
        select(
            c.person_id,
            func.min(c.first_touch_on).label("first_touch_on"),
            func.max(c.last_touch_on).label("last_touch_on"),
            *(
                func.sum(getattr(c, name)).label(name)
                for name in (
                    "touch_count",
                    "decayed_weight",
                    "gave_count",
                    "received_count",
                    "given_weight",
                    "received_weight",
                    "prev_given_weight",
                    "prev_received_weight",
                    "decayed_given",
                    "decayed_received",
                )
            ),
        )
        .group_by(c.person_id)
        .subquery("agg")
    )


def _strength(conn: Connection, a: Subquery, *, today: date, params: InsightParams) -> Any:
    """strength_components and strength_value of domain/insights/strength.py, in SQL."""
    recency = case(
        (a.c.last_touch_on.is_(None), _float(0.0)),
        else_=_exp_decay(conn, a.c.last_touch_on, today, params.half_life_days),
    )
    frequency = _least(_float(1.0), a.c.touch_count / _float(params.frequency_target))
    depth_raw = _float(1.0) - func.exp(
        _float(-LN2) * _greatest(_float(0.0), a.c.decayed_weight) / _float(params.depth_scale)
    )
    depth = _least(_float(1.0), _greatest(_float(0.0), depth_raw))
    given = _greatest(_float(0.0), a.c.decayed_given)
    received = _greatest(_float(0.0), a.c.decayed_received)
    reciprocity = case(
        (given + received <= 0, _float(0.0)),
        else_=_float(2.0) * _least(given, received) / (given + received),
    )
    w = params.strength_weights
    total = (
        _float(w.recency) * recency
        + _float(w.frequency) * frequency
        + _float(w.depth) * depth
        + _float(w.reciprocity) * reciprocity
    )
    return _least(_float(100.0), _greatest(_float(0.0), _float(100.0) * total))


def _cadence(params: InsightParams, tier: Any) -> Any:
    """cadence_for of domain/insights/cadence.py: purpose, else tier default, else default."""
    by_tier = [
        (tier == name, _int(math.ceil(days))) for name, days in params.cadence_days_by_tier.items()
    ]
    fallback = (
        case(*by_tier, else_=_int(params.default_cadence_days))
        if by_tier
        else _int(params.default_cadence_days)
    )
    return func.coalesce(purposes.c.cadence_days, fallback)


def _trim(conn: Connection, text: Any) -> Any:
    if conn.dialect.name == "sqlite":
        return func.trim(text, CUE_BLANKS)
    return func.btrim(text, CUE_BLANKS)


def _flags(conn: Connection, *, today: date, params: InsightParams) -> Subquery:
    """One row per person: the 0/1 flags the headline figures count."""
    a = _aggregates(conn, today=today, params=params)
    tier, met, current = q.person_subqueries()
    touched = a.c.person_id.is_not(None)
    window_start = today - timedelta(days=params.window_days)
    gave_in, received_in = a.c.given_weight, a.c.received_weight
    exchanged = a.c.gave_count + a.c.received_count
    lopsided = (gave_in - received_in) / (gave_in + received_in)
    can_be_one_sided = and_(
        touched, gave_in + received_in > 0, exchanged >= max(1, params.one_sided_min_exchanges)
    )
    first_met = func.coalesce(met.c.first_met_on, a.c.first_touch_on)
    snoozed = and_(
        keep_in_touch.c.snoozed_until.is_not(None), keep_in_touch.c.snoozed_until > today
    )
    overdue = and_(
        ~snoozed,
        or_(
            a.c.last_touch_on.is_(None),
            q.age_days(conn, a.c.last_touch_on, today) >= _cadence(params, tier.c.tier),
        ),
    )
    no_cue = func.coalesce(_trim(conn, met.c.memory_cue), "") == ""
    no_photo = or_(people.c.photo.is_(None), people.c.photo == "")
    forgotten = and_(
        no_cue,
        no_photo,
        or_(
            a.c.last_touch_on.is_(None),
            and_(first_met.is_not(None), a.c.last_touch_on <= first_met),
        ),
    )

    def flag(condition: Any) -> Any:
        return case((condition, 1), else_=0)

    in_window = and_(first_met.is_not(None), first_met <= today, first_met > window_start)
    return (
        select(
            flag(and_(touched, a.c.gave_count > 0, a.c.received_count > 0)).label("two_way"),
            flag(
                and_(
                    touched,
                    _strength(conn, a, today=today, params=params) >= params.strong_threshold,
                )
            ).label("strong"),
            flag(and_(can_be_one_sided, lopsided <= -params.one_sided_threshold)).label("taking"),
            flag(and_(can_be_one_sided, lopsided >= params.one_sided_threshold)).label("giving"),
            flag(overdue).label("overdue"),
            flag(forgotten).label("forgotten"),
            func.coalesce(a.c.given_weight, 0.0).label("given_weight"),
            func.coalesce(a.c.received_weight, 0.0).label("received_weight"),
            flag(in_window).label("met_in_window"),
            case((in_window, organizations.c.industry), else_=null()).label("industry"),
        )
        .select_from(people)
        .outerjoin(a, a.c.person_id == people.c.id)
        .outerjoin(tier, tier.c.person_id == people.c.id)
        .outerjoin(purposes, purposes.c.person_id == people.c.id)
        .outerjoin(keep_in_touch, keep_in_touch.c.person_id == people.c.id)
        .outerjoin(met, met.c.person_id == people.c.id)
        .outerjoin(current, current.c.person_id == people.c.id)
        .outerjoin(affiliations, affiliations.c.id == current.c.affiliation_id)
        .outerjoin(organizations, organizations.c.id == affiliations.c.organization_id)
        .subquery("flags")
    )


def headline_counts(conn: Connection, *, today: date, params: InsightParams) -> dict[str, Any]:
    """people, two_way, strong, one_sided_*, overdue, forgotten, open_requests, diversity, balance.

    Returns the counts of ``NetworkStats`` (plus ``diversity_index`` and ``balance``),
    computed by one grouped statement and one count of the open requests.
    """
    f = _flags(conn, today=today, params=params)
    summed = ("two_way", "strong", "taking", "giving", "overdue", "forgotten")
    stmt = select(
        f.c.met_in_window,
        f.c.industry,
        func.count().label("people"),
        *(func.sum(getattr(f.c, name)).label(name) for name in summed),
        func.sum(f.c.given_weight).label("given_weight"),
        func.sum(f.c.received_weight).label("received_weight"),
    ).group_by(f.c.met_in_window, f.c.industry)
    totals: Counter[str] = Counter()
    given = received = 0.0
    industries: Counter[str] = Counter()
    for row in conn.execute(stmt):
        totals["people"] += int(row.people)
        for name in summed:
            totals[name] += int(getattr(row, name) or 0)
        given += float(row.given_weight or 0.0)
        received += float(row.received_weight or 0.0)
        industry = str(row.industry or "").strip()
        if row.met_in_window and industry:
            industries[industry] += int(row.people)  # MetPerson.value strips blanks
    open_count = conn.execute(
        select(func.count())
        .select_from(requests.join(people, people.c.id == requests.c.person_id))
        .where(requests.c.status.in_(OPEN))
    ).scalar_one()
    return {
        "people": totals["people"],
        "two_way": totals["two_way"],
        "strong": totals["strong"],
        "one_sided_taking": totals["taking"],
        "one_sided_giving": totals["giving"],
        "overdue": totals["overdue"],
        "open_requests": int(open_count),
        "diversity_index": shannon_entropy(industries.values()),
        "forgotten": totals["forgotten"],
        "balance": balance_value(given, received),
    }


def aggregates_and_strengths(
    conn: Connection, *, today: date, params: InsightParams
) -> tuple[dict[int, TouchAggregates], dict[int, float]]:
    """Every touched person's aggregates and strength, merged and scored by the database."""
    a = _aggregates(conn, today=today, params=params)
    stmt = select(a, _strength(conn, a, today=today, params=params).label("strength"))
    aggs: dict[int, TouchAggregates] = {}
    strengths: dict[int, float] = {}
    for row in conn.execute(stmt):
        pid = int(row.person_id)
        aggs[pid] = TouchAggregates(
            first_touch_on=q.as_date(row.first_touch_on),
            last_touch_on=q.as_date(row.last_touch_on),
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
        strengths[pid] = float(row.strength)
    return aggs, strengths
