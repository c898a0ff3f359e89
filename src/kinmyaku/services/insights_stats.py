"""The headline figures of ``kinmyaku stats`` counted in the database, not in Python.

``flags`` joins each person's touch summary row with the tier, purpose cadence, snooze,
first meeting and company, applies the phase-1 formulas in SQL (strength, one-sidedness,
keep-in-touch, forgotten cards); its sums, grouped by the industry of the people first
met in the window, are stored and kept up to date (services/insights_totals.py), so a
read adds up a few stored rows and takes the entropy. The
reference path (services/insights.py ``_load`` and the domain functions) computes the same
figures person by person; tests/integration/test_insights_fast.py checks they agree.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Subquery,
    and_,
    case,
    func,
    null,
    or_,
    select,
)

from kinmyaku.domain.insights import InsightParams, TouchAggregates, balance_value
from kinmyaku.domain.insights.diversity import shannon_entropy
from kinmyaku.services.insights_reads import OPEN
from kinmyaku.services.insights_summary import int_literal as _int
from kinmyaku.services.insights_summary import refresh_touch_summary, today_view
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    keep_in_touch,
    people,
    purposes,
    requests,
)

LN2 = math.log(2.0)
SUMMED_AGGREGATES = (
    "gave_count",
    "received_count",
    "given_weight",
    "received_weight",
    "prev_given_weight",
    "prev_received_weight",
)
CUE_BLANKS = " \t\r\n\u3000"
"""What ``str.strip`` removes from a memory cue in practice (ASCII and ideographic spaces)."""


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


def flags(
    conn: Connection, a: Any, *, today: date, params: InsightParams, person_ids: Any = None
) -> Subquery:
    """One row per person (or these people): the 0/1 flags the headline figures count."""
    tier, _, _ = q.person_subqueries()
    touched = a.c.last_touch_on.is_not(None)
    window_start = today - timedelta(days=params.window_days)
    gave_in, received_in = a.c.given_weight, a.c.received_weight
    exchanged = a.c.gave_count + a.c.received_count
    lopsided = (gave_in - received_in) / (gave_in + received_in)
    can_be_one_sided = and_(
        touched, gave_in + received_in > 0, exchanged >= max(1, params.one_sided_min_exchanges)
    )
    first_met = func.coalesce(a.c.first_met_on, a.c.first_touch_on)
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
    no_cue = func.coalesce(_trim(conn, a.c.memory_cue), "") == ""
    no_photo = or_(people.c.photo.is_(None), people.c.photo == "")
    forgotten = and_(
        no_cue,
        no_photo,
        or_(
            a.c.last_touch_on.is_(None),
            and_(first_met.is_not(None), a.c.last_touch_on <= first_met),
        ),
    )

    def one(condition: Any) -> Any:
        return case((condition, 1), else_=0)

    in_window = and_(first_met.is_not(None), first_met <= today, first_met > window_start)
    strength = a.c.strength
    stmt = (
        select(
            one(and_(touched, a.c.gave_count > 0, a.c.received_count > 0)).label("two_way"),
            one(and_(touched, strength >= params.strong_threshold)).label("strong"),
            one(and_(can_be_one_sided, lopsided <= -params.one_sided_threshold)).label("taking"),
            one(and_(can_be_one_sided, lopsided >= params.one_sided_threshold)).label("giving"),
            one(overdue).label("overdue"),
            one(forgotten).label("forgotten"),
            func.coalesce(a.c.given_weight, 0.0).label("given_weight"),
            func.coalesce(a.c.received_weight, 0.0).label("received_weight"),
            *(
                func.coalesce(getattr(a.c, name), 0).label(name)
                for name in ("gave_count", "received_count")
            ),
            *(
                func.coalesce(getattr(a.c, name), 0.0).label(name)
                for name in ("prev_given_weight", "prev_received_weight")
            ),
            case((touched, _bucket(strength)), else_=0).label("bucket"),
            one(in_window).label("met_in_window"),
            case((in_window, a.c.industry), else_=null()).label("industry"),
        )
        .select_from(people)
        .outerjoin(a, a.c.person_id == people.c.id)
        .outerjoin(tier, tier.c.person_id == people.c.id)
        .outerjoin(purposes, purposes.c.person_id == people.c.id)
        .outerjoin(keep_in_touch, keep_in_touch.c.person_id == people.c.id)
    )
    if person_ids is not None:
        stmt = stmt.where(people.c.id.in_(person_ids))
    return stmt.subquery("flags")


def _bucket(strength: Any) -> Any:
    """The review's strength histogram bucket (0-20, 20-40, ... 80-100) of a strength."""
    return case(
        (strength < 20, 0), (strength < 40, 1), (strength < 60, 2), (strength < 80, 3), else_=4
    )


def headline_counts(conn: Connection, *, today: date, params: InsightParams) -> dict[str, Any]:
    """people, two_way, strong, one_sided_*, overdue, forgotten, open_requests, diversity, balance.

    Returns the counts of ``NetworkStats`` (plus ``diversity_index`` and ``balance``),
    computed by one grouped statement and one count of the open requests.
    """
    return headline_and_histogram(conn, today=today, params=params)[0]


def headline_and_histogram(
    conn: Connection, *, today: date, params: InsightParams
) -> tuple[dict[str, Any], list[int], TouchAggregates]:
    """The headline counts, the strength histogram (5 buckets) and everyone's summed aggregates.

    Read from the stored totals (services/insights_totals.py), computed by the GROUP BYs
    of ``flags`` when stale. The sums (counts and weights in this window and the previous
    one) give the overall balance (``balance_from_aggregates`` of the total).
    """
    from kinmyaku.services.insights_totals import read_totals

    refresh_touch_summary(conn, today=today, params=params)
    totals = read_totals(conn, today=today, params=params, kinds=("n", "sum", "bucket", "industry"))
    histogram = [totals.count("bucket", str(k)) for k in range(5)]
    sums = {name: totals.figures["sum"].get(name, (0.0,))[0] for name in SUMMED_AGGREGATES}
    # Every request has its person (a foreign key that deletes with them): no join, so the
    # count reads the index on (status, due_on) only.
    open_count = conn.execute(
        select(func.count()).select_from(requests).where(requests.c.status.in_(OPEN))
    ).scalar_one()
    everyone = TouchAggregates(
        gave_count=round(sums["gave_count"]),
        received_count=round(sums["received_count"]),
        given_weight=sums["given_weight"],
        received_weight=sums["received_weight"],
        prev_given_weight=sums["prev_given_weight"],
        prev_received_weight=sums["prev_received_weight"],
    )
    figures = {
        "people": totals.count("n", "people"),
        "two_way": totals.count("n", "two_way"),
        "strong": totals.count("n", "strong"),
        "one_sided_taking": totals.count("n", "taking"),
        "one_sided_giving": totals.count("n", "giving"),
        "overdue": totals.count("n", "overdue"),
        "open_requests": int(open_count),
        "diversity_index": shannon_entropy(totals.counter("industry").values()),
        "forgotten": totals.count("n", "forgotten"),
        "balance": balance_value(everyone.given_weight, everyone.received_weight),
    }
    return figures, histogram, everyone


def aggregates_and_strengths(
    conn: Connection, *, today: date, params: InsightParams
) -> tuple[dict[int, TouchAggregates], dict[int, float]]:
    """Every touched person's aggregates and strength, merged and scored by the database."""
    refresh_touch_summary(conn, today=today, params=params)
    a = today_view(conn, today=today, params=params)
    stmt = select(a).where(a.c.last_touch_on.is_not(None))
    aggs: dict[int, TouchAggregates] = {}
    strengths: dict[int, float] = {}
    for row in conn.execute(stmt):
        pid = int(row.person_id)
        aggs[pid] = q.aggregates_of(row)
        strengths[pid] = float(row.strength)
    return aggs, strengths
