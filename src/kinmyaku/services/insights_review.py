"""The review's lists and breakdowns read from the touch summary, never person by person.

Each list is one ``ORDER BY ... LIMIT`` in the domain's sort order, and the domain
functions (explanations, the exact order) run on the rows shown only; diversity and the
yields are ``GROUP BY`` counts. services/insights.py ``network_review_reference`` computes
the same review from every person's aggregates in Python; tests/integration/
test_insights_fast.py checks the two agree.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Select,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)

from kinmyaku.domain.insights import (
    Balance,
    CadenceSubject,
    CardFacts,
    Dimension,
    DiversityReport,
    ForgottenCard,
    InsightParams,
    KeepInTouch,
    OneSidedFlag,
    SourceKind,
    YieldRow,
    balance_from_aggregates,
    forgotten_cards,
    one_sided_relationships,
    overdue_list,
)
from kinmyaku.domain.insights.channel_yield import rank_yield, wilson_lower_bound, yield_row
from kinmyaku.domain.insights.diversity import (
    dimension_diversity,
    gaps_explanation,
    industry_gaps,
    shannon_entropy,
)
from kinmyaku.domain.people import display_name
from kinmyaku.services.insights_stats import CUE_BLANKS, _cadence
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    encounters,
    keep_in_touch,
    people,
    purposes,
)

MARGIN = 10
"""Extra rows fetched beyond a list's limit, so that the domain's exact order picks them."""


def names_of(conn: Connection, person_ids: Sequence[int]) -> dict[int, str]:
    """Display names of these people (one query)."""
    if not person_ids:
        return {}
    rows = conn.execute(
        select(people.c.id, people.c.family_name, people.c.given_name).where(
            people.c.id.in_(sorted(set(person_ids)))
        )
    )
    return {int(pid): display_name(family, given) for pid, family, given in rows}


def one_sided(
    conn: Connection, s: Table, *, params: InsightParams, limit: int
) -> list[OneSidedFlag]:
    """The first ``limit`` one-sided relationships: most lopsided, most exchanges, id."""
    total = s.c.given_weight + s.c.received_weight
    lopsided = func.abs((s.c.given_weight - s.c.received_weight) / total)
    exchanged = s.c.gave_count + s.c.received_count
    rows = conn.execute(
        select(s)
        .where(
            exchanged >= max(1, params.one_sided_min_exchanges),
            total > 0,
            lopsided >= params.one_sided_threshold - 1e-9,
        )
        .order_by(lopsided.desc(), exchanged.desc(), s.c.person_id)
        .limit(limit + MARGIN)
    )
    balances: dict[int, Balance] = {
        int(r.person_id): balance_from_aggregates(q.aggregates_of(r), params=params) for r in rows
    }
    return one_sided_relationships(balances, params=params)[:limit]


def overdue(
    conn: Connection, s: Table, *, today: date, params: InsightParams, limit: int
) -> tuple[list[KeepInTouch], dict[int, str | None]]:
    """The first ``limit`` overdue people (tier, touched first, most overdue, id), and tiers."""
    tier, _, _ = q.person_subqueries()
    cadence = _cadence(params, tier.c.tier)
    tiers = list(params.cadence_days_by_tier)
    rank: Any = literal(0)
    if tiers:
        rank = case(*((tier.c.tier == name, k) for k, name in enumerate(tiers)), else_=len(tiers))
    age = q.age_days(conn, s.c.last_touch_on, today)
    ratio = case(
        (s.c.last_touch_on.is_(None), literal(0.0)),
        else_=-cast(age - cadence, Float) / cast(cadence, Float),
    )
    snoozed = and_(
        keep_in_touch.c.snoozed_until.is_not(None), keep_in_touch.c.snoozed_until > today
    )
    stmt = (
        select(
            people.c.id,
            s.c.last_touch_on,
            tier.c.tier,
            purposes.c.cadence_days,
            purposes.c.goal,
            purposes.c.category,
            keep_in_touch.c.snoozed_until,
        )
        .select_from(people)
        .outerjoin(s, s.c.person_id == people.c.id)
        .outerjoin(tier, tier.c.person_id == people.c.id)
        .outerjoin(purposes, purposes.c.person_id == people.c.id)
        .outerjoin(keep_in_touch, keep_in_touch.c.person_id == people.c.id)
        .where(~snoozed, or_(s.c.last_touch_on.is_(None), age >= cadence))
        .order_by(rank, s.c.last_touch_on.is_(None), ratio, people.c.id)
        .limit(limit + MARGIN)
    )
    subjects = [
        CadenceSubject(
            person_id=int(r.id),
            last_touch_on=q.as_date(r.last_touch_on),
            tier=r.tier,
            purpose_cadence_days=r.cadence_days,
            purpose_name=r.goal or r.category or "",
            snoozed_until=q.as_date(r.snoozed_until),
        )
        for r in conn.execute(stmt)
    ]
    shown = overdue_list(subjects, today=today, params=params, limit=limit)
    return shown, {c.person_id: c.tier for c in subjects}


def forgotten(conn: Connection, s: Table, *, today: date, limit: int) -> list[ForgottenCard]:
    """The first ``limit`` forgotten cards, met longest ago first (undated last)."""
    first = func.coalesce(s.c.first_met_on, s.c.first_touch_on)
    trim = func.trim if conn.dialect.name == "sqlite" else func.btrim
    no_cue = func.coalesce(trim(s.c.memory_cue, CUE_BLANKS), "") == ""
    no_photo = or_(people.c.photo.is_(None), people.c.photo == "")
    stmt = (
        select(people.c.id, first.label("first_met_on"), s.c.last_touch_on)
        .select_from(people)
        .outerjoin(s, s.c.person_id == people.c.id)
        .where(
            no_cue,
            no_photo,
            or_(
                s.c.last_touch_on.is_(None),
                and_(first.is_not(None), s.c.last_touch_on <= first),
            ),
        )
        .order_by(first.is_(None), first, people.c.id)
        .limit(limit + MARGIN)
    )
    facts = [
        CardFacts(
            person_id=int(r.id),
            first_met_on=q.as_date(r.first_met_on),
            last_touch_on=q.as_date(r.last_touch_on),
            has_memory_cue=False,
            has_photo=False,
        )
        for r in conn.execute(stmt)
    ]
    return forgotten_cards(facts, today=today, limit=limit)


def _met(s: Table) -> Select[Any]:
    """Everyone met (first encounter, else first touch) with the three dimensions."""
    first = func.coalesce(s.c.first_met_on, s.c.first_touch_on)
    return select(
        first.label("first_met_on"),
        s.c.industry,
        s.c.department.label("job_function"),
        s.c.organization,
    ).where(first.is_not(None))


def _within(column: Any, day: date, days: int) -> Any:
    """1 when ``0 <= day - column < days``, else 0."""
    return case((and_(column <= day, column > day - timedelta(days=days)), 1), else_=0)


def _value(raw: Any) -> str | None:
    return (raw.strip() or None) if isinstance(raw, str) else None


def diversity(
    conn: Connection, s: Table, *, today: date, params: InsightParams, days: Sequence[date]
) -> tuple[DiversityReport, list[tuple[date, float]]]:
    """diversity_report of the people met, and the industry entropy on ``days``, by GROUP BY."""
    m = _met(s).subquery("met_people")  # flattened into each part: three scans of s
    window = params.window_days
    current = _within(m.c.first_met_on, today, window)
    previous = _within(m.c.first_met_on, today - timedelta(days=window), window)
    samples = [_within(m.c.first_met_on, day, window) for day in days]
    parts = []
    for k, dimension in enumerate(Dimension):
        column = m.c[dimension.value]
        extra = samples if dimension is Dimension.INDUSTRY else []
        flags = extra or [literal(0)] * len(days)  # the timeline is about industries only
        parts.append(
            select(
                literal(k).label("dimension"),
                column.label("value"),
                current.label("current"),
                previous.label("previous"),
                *(f.label(f"t{n}") for n, f in enumerate(flags)),
                func.count().label("people"),
            ).group_by(column, current, previous, *extra)
        )
    now: dict[Dimension, Counter[str]] = {d: Counter() for d in Dimension}
    before: dict[Dimension, Counter[str]] = {d: Counter() for d in Dimension}
    unknown: Counter[Dimension] = Counter()
    timeline: list[Counter[str]] = [Counter() for _ in days]
    order = list(Dimension)
    for row in conn.execute(union_all(*parts)):
        k, raw, in_now, in_before, *flags_, count = row
        dimension, value = order[int(k)], _value(raw)
        for n, flag in enumerate(flags_):
            if flag and value is not None:
                timeline[n][value] += int(count)
        if in_now:
            if value is None:
                unknown[dimension] += int(count)
            else:
                now[dimension][value] += int(count)
        elif in_before and value is not None:
            before[dimension][value] += int(count)
    dimensions = {
        d: dimension_diversity(
            d, now[d], previous_counts=before[d], unknown=unknown[d], params=params
        )
        for d in Dimension
    }
    gaps = industry_gaps(now[Dimension.INDUSTRY])
    report = DiversityReport(MappingProxyType(dimensions), gaps, gaps_explanation(gaps))
    entropies = [(day, shannon_entropy(c.values())) for day, c in zip(days, timeline, strict=True)]
    return report, entropies


def yields(
    conn: Connection, s: Table, *, today: date, params: InsightParams, limit: int
) -> list[YieldRow]:
    """The best ``limit`` channels, events and introducers by yield, from GROUP BY counts."""
    e = encounters
    at_events = (
        select(e.c.person_id, e.c.event_id).where(e.c.event_id.is_not(None)).distinct()
    ).subquery("at_events")
    two_way = and_(s.c.gave_count > 0, s.c.received_count > 0)
    strong = and_(s.c.last_touch_on.is_not(None), s.c.strength >= params.strong_threshold)
    tw = case((two_way, 1), else_=0)
    st = case((strong, 1), else_=0)
    conv = case((or_(two_way, strong), 1), else_=0)
    sources = (
        (SourceKind.CHANNEL, s, s.c.first_channel, s.c.first_channel != ""),
        (SourceKind.EVENT, at_events, at_events.c.event_id, literal(True)),
        (SourceKind.INTRODUCER, s, s.c.first_introducer_id, literal(True)),
    )
    tally: dict[tuple[SourceKind, str], tuple[int, int, int, int]] = {}
    for kind, source, key, condition in sources:
        joined = source if source is s else source.outerjoin(s, s.c.person_id == source.c.person_id)
        stmt = (
            select(
                key,
                func.count(),
                func.coalesce(func.sum(tw), 0),
                func.coalesce(func.sum(st), 0),
                func.coalesce(func.sum(conv), 0),
            )
            .select_from(joined)
            .where(condition, key.is_not(None))
            .group_by(key)
        )
        for value, met, two, strong_count, converted in conn.execute(stmt):
            tally[(kind, str(value))] = (int(met), int(two), int(strong_count), int(converted))

    def rank(item: tuple[tuple[SourceKind, str], tuple[int, int, int, int]]) -> Any:
        (kind, key), c = item
        return (-wilson_lower_bound(c[3], c[0]), -c[0], kind, key)

    chosen = heapq.nsmallest(limit, tally.items(), key=rank)
    return rank_yield(
        yield_row(kind, key, met=c[0], two_way=c[1], strong=c[2], converted=c[3])
        for (kind, key), c in chosen
    )
