"""The review's lists and breakdowns read from the touch summary, never person by person.

Each list is a few ``ORDER BY ... LIMIT`` reads in the domain's sort order (by an index
where one exists), and the domain functions (explanations, the exact order) run on the
rows shown only; diversity and the yields come from the stored totals
(services/insights_totals.py). services/insights.py ``network_review_reference`` computes
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
    Date,
    Float,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
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
from kinmyaku.services.insights_stats import CUE_BLANKS, _cadence
from kinmyaku.services.insights_totals import Totals, yield_tally
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.followups import cadences_in_use
from kinmyaku.storage.schema import (
    LOPSIDED_SQL,
    keep_in_touch,
    people,
    person_tags,
    purposes,
)

MARGIN = 10
"""Extra rows fetched beyond a list's limit, so that the domain's exact order picks them."""


def one_sided(
    conn: Connection, s: Table, *, params: InsightParams, limit: int
) -> list[OneSidedFlag]:
    """The first ``limit`` one-sided relationships: most lopsided, most exchanges, id.

    The order is that of the index ``ix_touch_summary_lopsided`` (migration 0020), the
    expression written as it is there, so the first rows are read in order, not sorted.
    """
    total = s.c.given_weight + s.c.received_weight
    lopsided = literal_column(LOPSIDED_SQL, Float)  # SQLAlchemy's "/" would add a cast
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


def _subjects(conn: Connection, stmt: Select[Any]) -> list[CadenceSubject]:
    return [
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


def overdue(
    conn: Connection, s: Table, *, today: date, params: InsightParams, limit: int | None
) -> tuple[list[KeepInTouch], dict[int, str | None]]:
    """The first ``limit`` (None: all) overdue people (tier, touched, most overdue, id), tiers.

    Short reads, each in the list's order, never a sort of everyone: people with a tier
    (any cadence; usually few); people with a purpose cadence and no tier, a cadence at a
    time (one order: the last touch, oldest first, then the never touched by id: the rows
    of the summary's index on cadence and last touch, migration 0022); everyone else
    touched, longest ago first (one cadence, so the index on ``last_touch_on`` is the
    order); everyone else never touched, by id. The domain's ``overdue_list`` orders the
    union exactly.
    """
    rows = None if limit is None else limit + MARGIN
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
    columns = (
        purposes.c.cadence_days,
        purposes.c.goal,
        purposes.c.category,
        keep_in_touch.c.snoozed_until,
    )
    due = (~snoozed, or_(s.c.last_touch_on.is_(None), age >= cadence))
    order = (rank, s.c.last_touch_on.is_(None), ratio)

    def special(first: Any, *where: Any) -> Select[Any]:
        joined: Any = first.table.outerjoin(s, s.c.person_id == first)
        for other in (tier, purposes):
            if other is not first.table:
                joined = joined.outerjoin(other, other.c.person_id == first)
        return (
            select(first.label("id"), s.c.last_touch_on, tier.c.tier, *columns)
            .select_from(joined)
            .outerjoin(keep_in_touch, keep_in_touch.c.person_id == first)
            .where(*where, *due)
            .order_by(*order, first)
            .limit(rows)
        )

    # A tier comes first in the order: the people with one are read whatever their cadence.
    tiered = special(tier.c.person_id)
    cadenced = _paced(conn, s, today=today, rows=rows)
    plain = [
        ~snoozed,
        purposes.c.cadence_days.is_(None),
        ~exists(
            select(person_tags.c.person_id).where(
                person_tags.c.person_id == people.c.id,
                person_tags.c.tag.in_(q.TIERS_TAG_FORMS),
            )
        ),
    ]
    no_tier = literal(None, String).label("tier")
    last_due = today - timedelta(days=params.default_cadence_days)
    touched = (
        select(s.c.person_id.label("id"), s.c.last_touch_on, no_tier, *columns)
        .select_from(s)
        .join(people, people.c.id == s.c.person_id)
        .outerjoin(purposes, purposes.c.person_id == s.c.person_id)
        .outerjoin(keep_in_touch, keep_in_touch.c.person_id == s.c.person_id)
        .where(s.c.last_touch_on.is_not(None), s.c.last_touch_on <= last_due, *plain)
        .order_by(s.c.last_touch_on, s.c.person_id)
        .limit(rows)
    )
    # Written as "no such row" tests, not outer joins filtered on NULL, so that PostgreSQL
    # walks people by id and stops at the page (an outer join made it scan everyone).
    pid = people.c.id
    paced_, snoozed_ = purposes.alias("paced"), keep_in_touch.alias("snoozed")
    untouched = (
        select(pid, literal(None, Date).label("last_touch_on"), no_tier, *columns)
        .select_from(people)
        .outerjoin(purposes, purposes.c.person_id == pid)
        .outerjoin(keep_in_touch, keep_in_touch.c.person_id == pid)
        .where(
            ~exists().where(s.c.person_id == pid, s.c.last_touch_on.is_not(None)),
            ~exists().where(paced_.c.person_id == pid, paced_.c.cadence_days.is_not(None)),
            ~exists().where(
                snoozed_.c.person_id == pid,
                snoozed_.c.snoozed_until.is_not(None),
                snoozed_.c.snoozed_until > today,
            ),
            plain[2],
        )
        .order_by(pid)
        .limit(rows)
    )
    reads = (*([] if cadenced is None else [cadenced]), tiered, touched, untouched)
    subjects = [c for stmt in reads for c in _subjects(conn, stmt)]
    shown = overdue_list(subjects, today=today, params=params, limit=limit)
    return shown, {c.person_id: c.tier for c in subjects}


def _paced(conn: Connection, s: Table, *, today: date, rows: int | None) -> Select[Any] | None:
    """The overdue people with a purpose cadence and no tier, the first ``rows`` of each
    cadence: touched, oldest last touch first, then never touched, by id.

    Within one cadence that is the overdue list's order, and the order of the summary's
    index on (cadence, last touch, person) (migration 0022): each cadence is the first rows
    of its range, never a sort of everyone with a cadence. One statement: on PostgreSQL a
    lateral read per cadence in use (planned once); on SQLite one part per cadence (None:
    no cadence in use).
    """
    untiered = ~exists().where(
        person_tags.c.person_id == s.c.person_id, person_tags.c.tag.in_(q.TIERS_TAG_FORMS)
    )
    snoozed = keep_in_touch.alias("snoozed")
    not_snoozed = ~exists().where(
        snoozed.c.person_id == s.c.person_id,
        snoozed.c.snoozed_until.is_not(None),
        snoozed.c.snoozed_until > today,
    )
    fields = (s.c.person_id.label("id"), s.c.last_touch_on, s.c.cadence_days)

    def part(days: Any, touched: bool) -> Select[Any]:
        if touched:
            # The last touch a cadence ago or earlier (SQLite: the day computed here).
            due_by = today - timedelta(days=days) if isinstance(days, int) else today - days
            when = s.c.last_touch_on <= due_by
        else:
            when = s.c.last_touch_on.is_(None)
        return (
            select(*fields)
            .where(s.c.cadence_days == days, when, untiered, not_snoozed)
            .order_by(s.c.cadence_days, s.c.last_touch_on, s.c.person_id)
            .limit(rows)
        )

    if conn.dialect.name == "postgresql":
        in_use = cadences_in_use().order_by(None).cte("cadence")
        laterals = [part(in_use.c.cadence_days, t).lateral() for t in (True, False)]
        parts = [select(x).select_from(in_use.join(x, true())) for x in laterals]
    else:
        days = list(conn.execute(cadences_in_use()).scalars())
        parts = [select(part(int(d), t).subquery()) for d in days for t in (True, False)]
    if not parts:
        return None
    both = union_all(*parts).subquery("paced")

    # The purpose's name for the rows found only: a key look-up each (joined, PostgreSQL
    # hashed all of `purposes` for them).
    def purpose(column: Any) -> Any:
        return select(column).where(purposes.c.person_id == both.c.id).scalar_subquery()

    return select(
        both.c.id,
        both.c.last_touch_on,
        literal(None, String).label("tier"),
        both.c.cadence_days,
        purpose(purposes.c.goal).label("goal"),
        purpose(purposes.c.category).label("category"),
        literal(None, Date).label("snoozed_until"),
    )


def forgotten(conn: Connection, s: Table, *, today: date, limit: int) -> list[ForgottenCard]:
    """The first ``limit`` forgotten cards, met longest ago first (undated last).

    Read in that order, never sorting everyone: people with a first meeting by the index
    on ``first_met_on``; those touched but never met by their first touch; the undated
    ones (by id) only when the dated ones do not fill the list.
    """
    trim = func.trim if conn.dialect.name == "sqlite" else func.btrim
    no_cue = func.coalesce(trim(s.c.memory_cue, CUE_BLANKS), "") == ""
    no_photo = or_(people.c.photo.is_(None), people.c.photo == "")

    def dated(first: Any, *where: Any) -> Select[Any]:
        return (
            select(people.c.id, first.label("first_met_on"), s.c.last_touch_on)
            .select_from(s)
            .join(people, people.c.id == s.c.person_id)
            .where(
                *where,
                no_cue,
                no_photo,
                or_(s.c.last_touch_on.is_(None), s.c.last_touch_on <= first),
            )
            .order_by(first, s.c.person_id)
            .limit(limit + MARGIN)
        )

    met = dated(s.c.first_met_on, s.c.first_met_on.is_not(None))
    touched = dated(s.c.first_touch_on, s.c.first_met_on.is_(None), s.c.first_touch_on.is_not(None))
    rows = [*conn.execute(met), *conn.execute(touched)]
    if len(rows) < limit:
        undated = (
            select(people.c.id, literal(None, Date).label("first_met_on"), s.c.last_touch_on)
            .select_from(people)
            .outerjoin(s, s.c.person_id == people.c.id)
            .where(
                no_cue,
                no_photo,
                s.c.last_touch_on.is_(None),
                s.c.first_met_on.is_(None),
                s.c.first_touch_on.is_(None),
            )
            .order_by(people.c.id)
            .limit(limit + MARGIN)
        )
        rows += conn.execute(undated).all()
    facts = [
        CardFacts(
            person_id=int(r.id),
            first_met_on=q.as_date(r.first_met_on),
            last_touch_on=q.as_date(r.last_touch_on),
            has_memory_cue=False,
            has_photo=False,
        )
        for r in rows
    ]
    return forgotten_cards(facts, today=today, limit=limit)


def diversity(
    totals: Totals, *, params: InsightParams, days: Sequence[date]
) -> tuple[DiversityReport, list[tuple[date, float]]]:
    """diversity_report of the people met, and the industry entropy on ``days``, from totals.

    The totals hold, per dimension and value, the people first met in the window and in
    the previous one, and per sample day the industries of the window ending that day
    (services/insights_totals.py ``_diversity``).
    """
    now: dict[Dimension, Counter[str]] = {d: Counter() for d in Dimension}
    before: dict[Dimension, Counter[str]] = {d: Counter() for d in Dimension}
    unknown: Counter[Dimension] = Counter()
    order = list(Dimension)
    rows = totals.figures["div"]
    for key in sorted(rows):
        k, value = key.split("|", 1)
        dimension = order[int(k)]
        in_now, in_before = round(rows[key][0]), round(rows[key][1])
        if not value:
            unknown[dimension] += in_now
            continue
        if in_now > 0:
            now[dimension][value] += in_now
        if in_before > 0:
            before[dimension][value] += in_before
    timeline: list[Counter[str]] = [Counter() for _ in days]
    for key, figures in sorted(totals.figures["divt"].items()):
        n, value = key.split("|", 1)
        if round(figures[0]) > 0:
            timeline[int(n)][value] += round(figures[0])
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


def yields(conn: Connection, *, today: date, params: InsightParams, limit: int) -> list[YieldRow]:
    """The best ``limit`` channels, events and introducers by yield, from the totals."""
    tally = yield_tally(conn, today=today, params=params, limit=limit)

    def rank(item: tuple[tuple[SourceKind, str], tuple[int, int, int, int]]) -> Any:
        (kind, key), c = item
        return (-wilson_lower_bound(c[3], c[0]), -c[0], kind, key)

    chosen = heapq.nsmallest(limit, tally.items(), key=rank)
    return rank_yield(
        yield_row(kind, key, met=c[0], two_way=c[1], strong=c[2], converted=c[3])
        for (kind, key), c in chosen
    )
