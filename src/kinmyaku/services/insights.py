"""Relationship intelligence over the whole network: stats, the review, what is due, snooze.

Each use case is one transaction. The database does the heavy lifting: one ``GROUP BY
person_id`` over every touch gives each person's aggregates (storage/insights_queries.py);
the phase-1 formulas (domain/insights) then run once per person, never once per touch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from kinmyaku.domain.errors import NotFound
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Balance,
    CadenceSubject,
    CardFacts,
    Dimension,
    DiversityReport,
    ForgottenCard,
    InsightParams,
    KeepInTouch,
    MetPerson,
    OneSided,
    OneSidedFlag,
    PersonOutcome,
    SourceKind,
    TouchAggregates,
    TwoWayPoint,
    YieldRow,
    balance_from_aggregates,
    balance_value,
    channel_yield,
    diversity_report,
    forgotten_cards,
    is_strong,
    monthly_dates,
    one_sided_relationships,
    overall_balance_from_aggregates,
    overdue_list,
    snooze,
)
from kinmyaku.domain.insights.cadence import cadence_for, overdue_sort_key
from kinmyaku.domain.insights.diversity import industry_entropy
from kinmyaku.domain.insights.drill import is_forgotten
from kinmyaku.domain.insights.strength import strength_components, strength_value
from kinmyaku.domain.insights.twoway import is_two_way_counts
from kinmyaku.domain.people import display_name
from kinmyaku.services import insights_review as review_sql
from kinmyaku.services.insights_reads import (
    FollowUpItem,
    Named,
    OpenRequest,
    count_open_requests,
    followups,
    open_requests,
    yield_labels,
)
from kinmyaku.services.insights_stats import (
    aggregates_and_strengths,
    headline_and_histogram,
    headline_counts,
)
from kinmyaku.services.insights_summary import ensure_touch_summary, refresh_touch_summary
from kinmyaku.services.insights_totals import REVIEW_KINDS, diversity_days, read_totals
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import encounters, keep_in_touch, people, touch_summary
from kinmyaku.storage.uow import UnitOfWork

EMPTY = TouchAggregates()
STRENGTH_BUCKETS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
LIST_LIMIT = 10


@dataclass(frozen=True, slots=True)
class NetworkStats:
    """The headline figures (``kinmyaku stats --json``)."""

    today: date
    people: int
    two_way: int
    strong: int
    one_sided_taking: int
    one_sided_giving: int
    overdue: int
    open_requests: int
    diversity_index: float
    forgotten: int
    balance: float | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "today": self.today.isoformat(),
            "people": self.people,
            "two_way": self.two_way,
            "strong": self.strong,
            "one_sided_taking": self.one_sided_taking,
            "one_sided_giving": self.one_sided_giving,
            "overdue": self.overdue,
            "open_requests": self.open_requests,
            "diversity_index": round(self.diversity_index, 4),
            "forgotten": self.forgotten,
            "balance": None if self.balance is None else round(self.balance, 4),
        }


@dataclass(frozen=True, slots=True)
class OverduePerson:
    """Someone to get back in touch with, and why."""

    person: Named
    tier: str | None
    status: KeepInTouch


@dataclass(frozen=True, slots=True)
class OneSidedPerson:
    """A one-sided relationship with the person's name."""

    person: Named
    flag: OneSidedFlag


@dataclass(frozen=True, slots=True)
class YieldLine:
    """A channel, event or introducer with a readable label and its yield."""

    label: str
    row: YieldRow


@dataclass(frozen=True, slots=True)
class Due:
    """What needs doing now (``kinmyaku due``)."""

    overdue: list[OverduePerson]
    followups: list[FollowUpItem]
    requests: list[OpenRequest]
    requests_total: int = 0
    """How many open requests are due within a week (``requests`` may be cut at a limit)."""


@dataclass(frozen=True, slots=True)
class Review:
    """Everything the review shows (``kinmyaku review`` and /review)."""

    stats: NetworkStats
    timeline: list[TwoWayPoint]
    balance: Balance
    strength_histogram: list[tuple[int, int, int]]
    diversity: DiversityReport
    diversity_timeline: list[tuple[date, float]]
    yields: list[YieldLine]
    one_sided: list[OneSidedPerson]
    overdue: list[OverduePerson]
    commitments: list[OpenRequest]
    followups: list[FollowUpItem]
    forgotten: list[tuple[Named, ForgottenCard]]
    drill_due: int
    names: Mapping[int, str] = field(default_factory=dict)


class _Names(Mapping[int, str]):
    """Display names, computed only for the people a list shows."""

    def __init__(self, rows: Sequence[q.PersonRow]) -> None:
        self._rows = {r.person_id: r for r in rows}
        self._done: dict[int, str] = {}

    def __getitem__(self, person_id: int) -> str:
        if person_id not in self._done:
            row = self._rows[person_id]
            self._done[person_id] = display_name(row.family_name, row.given_name)
        return self._done[person_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass
class _Network:
    """Per-person rows and aggregates, and what the formulas make of them."""

    rows: list[q.PersonRow]
    aggs: dict[int, TouchAggregates]
    names: Mapping[int, str]
    strengths: dict[int, float]
    balances: dict[int, Balance]


def _load(
    conn: Connection, today: date, params: InsightParams, *, reference: bool = False
) -> _Network:
    """Everyone's rows and aggregates; strengths scored in SQL, or in Python (reference)."""
    rows = q.person_rows(conn)
    if reference:
        aggs = q.touch_aggregates(conn, today=today, params=params)
        strengths = {pid: _strength_value(agg, today, params) for pid, agg in aggs.items()}
    else:
        aggs, strengths = aggregates_and_strengths(conn, today=today, params=params)
    names = _Names(rows)
    # Only the relationships that can be one-sided need a Balance (with its explanation).
    balances = {
        pid: balance_from_aggregates(agg, params=params)
        for pid, agg in aggs.items()
        if agg.gave_count + agg.received_count >= max(1, params.one_sided_min_exchanges)
        and abs(balance_value(agg.given_weight, agg.received_weight) or 0.0)
        >= params.one_sided_threshold
    }
    return _Network(rows, aggs, names, strengths, balances)


def _strength_value(agg: TouchAggregates, today: date, params: InsightParams) -> float:
    """Strength without its explanation (the lists show explanations, the counts need none)."""
    days = None if agg.last_touch_on is None else (today - agg.last_touch_on).days
    components = strength_components(
        days_since_last_touch=days,
        touch_count=agg.touch_count,
        decayed_weight=agg.decayed_weight,
        decayed_given=agg.decayed_given,
        decayed_received=agg.decayed_received,
        params=params,
    )
    return strength_value(components, params=params)


def _first_met(row: q.PersonRow, agg: TouchAggregates) -> date | None:
    return row.first_met_on or agg.first_touch_on


def _overdue(
    net: _Network, today: date, params: InsightParams, limit: int | None
) -> tuple[int, list[OverduePerson]]:
    candidates = []
    for row in net.rows:
        if row.snoozed_until is not None and today < row.snoozed_until:
            continue
        last = net.aggs.get(row.person_id, EMPTY).last_touch_on
        cadence, _ = cadence_for(
            tier=row.tier, purpose_cadence_days=row.purpose_cadence_days, params=params
        )
        if last is not None and (today - last).days < cadence:
            continue  # not due yet: skip building its explanation
        candidates.append(
            CadenceSubject(
                person_id=row.person_id,
                last_touch_on=last,
                tier=row.tier,
                purpose_cadence_days=row.purpose_cadence_days,
                purpose_name=row.purpose_goal or row.purpose_category or "",
                snoozed_until=row.snoozed_until,
            )
        )
    count = sum(overdue_sort_key(c, today=today, params=params) is not None for c in candidates)
    shown = overdue_list(candidates, today=today, params=params, limit=limit)
    tiers = {c.person_id: c.tier for c in candidates}
    return count, [
        OverduePerson(Named(k.person_id, net.names[k.person_id]), tiers[k.person_id], k)
        for k in shown
    ]


def _forgotten(net: _Network, today: date, limit: int | None) -> tuple[int, list[ForgottenCard]]:
    facts = [
        CardFacts(
            person_id=r.person_id,
            first_met_on=_first_met(r, net.aggs.get(r.person_id, EMPTY)),
            last_touch_on=net.aggs.get(r.person_id, EMPTY).last_touch_on,
            has_memory_cue=bool(r.memory_cue),
            has_photo=r.has_photo,
        )
        for r in net.rows
        if not r.memory_cue and not r.has_photo
    ]
    forgotten = [f for f in facts if is_forgotten(f)]
    return len(forgotten), forgotten_cards(forgotten, today=today, limit=limit)


def _met_people(net: _Network) -> list[MetPerson]:
    met = []
    for r in net.rows:
        first = _first_met(r, net.aggs.get(r.person_id, EMPTY))
        if first is not None:
            met.append(MetPerson(r.person_id, first, r.industry, r.department, r.organization))
    return met


def _diversity(
    net: _Network, today: date, params: InsightParams, met: list[MetPerson] | None = None
) -> DiversityReport:
    people = _met_people(net) if met is None else met
    return diversity_report(people, today=today, params=params)


def _stats(
    net: _Network,
    today: date,
    params: InsightParams,
    open_count: int,
    overdue_count: int,
    diversity: DiversityReport,
    forgotten: int,
) -> tuple[NetworkStats, list[OneSidedFlag], Balance]:
    flags = one_sided_relationships(net.balances, params=params)
    overall = overall_balance_from_aggregates(net.aggs.values(), params=params)
    stats = NetworkStats(
        today=today,
        people=len(net.rows),
        two_way=sum(is_two_way_counts(a.gave_count, a.received_count) for a in net.aggs.values()),
        strong=sum(is_strong(v, params=params) for v in net.strengths.values()),
        one_sided_taking=sum(f.side is OneSided.TAKING for f in flags),
        one_sided_giving=sum(f.side is OneSided.GIVING for f in flags),
        overdue=overdue_count,
        open_requests=open_count,
        diversity_index=diversity.dimensions[Dimension.INDUSTRY].entropy,
        forgotten=forgotten,
        balance=overall.value,
    )
    return stats, flags, overall


def network_stats(
    uow: UnitOfWork, *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> NetworkStats:
    """The headline figures: people, two-way, one-sided, overdue, requests, diversity.

    Counted in the database (services/insights_stats.py); ``network_stats_reference``
    computes the same figures person by person with the domain functions.
    """
    ensure_touch_summary(uow, today=today, params=params, parts=("headline",))
    with uow as conn:
        return NetworkStats(today=today, **headline_counts(conn, today=today, params=params))


def network_stats_reference(
    uow: UnitOfWork, *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> NetworkStats:
    """The headline figures from every person's aggregates and the domain functions (slow)."""
    with uow as conn:
        net = _load(conn, today, params, reference=True)
        overdue_count, _ = _overdue(net, today, params, limit=0)
        open_count = len(open_requests(conn, today=today, names=net.names))
        diversity = _diversity(net, today, params)
        forgotten, _ = _forgotten(net, today, limit=0)
        stats, _, _ = _stats(net, today, params, open_count, overdue_count, diversity, forgotten)
        return stats


def _histogram(net: _Network) -> list[tuple[int, int, int]]:
    counts = [0] * len(STRENGTH_BUCKETS)
    for value in net.strengths.values():
        for i, (low, high) in enumerate(STRENGTH_BUCKETS):
            if low <= value < high:
                counts[i] += 1
                break
    counts[0] += len(net.rows) - len(net.strengths)  # never touched: strength 0
    return [
        (low, min(high, 100), n) for (low, high), n in zip(STRENGTH_BUCKETS, counts, strict=True)
    ]


def _yields(
    conn: Connection, net: _Network, params: InsightParams, limit: int | None
) -> list[YieldLine]:
    first: dict[int, Any] = {}
    events: dict[int, set[int]] = {}
    introducer: dict[int, int] = {}
    rows = conn.execute(
        select(
            encounters.c.person_id,
            encounters.c.channel,
            encounters.c.event_id,
            encounters.c.introducer_id,
        ).order_by(encounters.c.date, encounters.c.id)
    ).all()
    for r in rows:
        first.setdefault(r.person_id, r.channel)
        if r.event_id is not None:
            events.setdefault(r.person_id, set()).add(int(r.event_id))
        if r.introducer_id is not None:
            introducer.setdefault(r.person_id, int(r.introducer_id))
    outcomes = []
    for pid, channel in first.items():
        agg = net.aggs.get(pid, EMPTY)
        strength = net.strengths.get(pid)
        outcomes.append(
            PersonOutcome(
                person_id=pid,
                two_way=is_two_way_counts(agg.gave_count, agg.received_count),
                strong=strength is not None and is_strong(strength, params=params),
                channel=channel,
                event_ids=tuple(sorted(events.get(pid, ()))),
                introducer_id=introducer.get(pid),
            )
        )
    ranked = channel_yield(outcomes, limit=limit)
    labels = yield_labels(conn, ranked, names=net.names)
    return [YieldLine(labels.get((r.kind, r.key), r.key), r) for r in ranked]


def network_review(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int = LIST_LIMIT,
) -> Review:
    """Everything the review shows, in one transaction, read from the touch summary.

    Counts and breakdowns are read from the stored totals (services/insights_totals.py),
    lists ``ORDER BY ... LIMIT`` with the domain functions applied to the rows shown
    (services/insights_review.py);
    ``network_review_reference`` computes the same review person by person.
    """
    from kinmyaku.services.drill import count_due_cards

    ensure_touch_summary(uow, today=today, params=params)
    with uow as conn:
        figures, histogram, everyone = headline_and_histogram(conn, today=today, params=params)
        summary = refresh_touch_summary(conn, today=today, params=params)
        totals = read_totals(conn, today=today, params=params, kinds=REVIEW_KINDS)
        flags = review_sql.one_sided(conn, summary, params=params, limit=limit)
        overdue, tiers = review_sql.overdue(conn, summary, today=today, params=params, limit=limit)
        forgotten = review_sql.forgotten(conn, summary, today=today, limit=limit)
        dates = monthly_dates(today=today)
        diversity, diversity_timeline = review_sql.diversity(
            totals, params=params, days=diversity_days(today)
        )
        yields = review_sql.yields(conn, today=today, params=params, limit=limit)
        commitments = open_requests(conn, today=today, side="theirs", limit=limit)
        shown = [f.person_id for f in flags[:limit]]
        shown += [k.person_id for k in overdue] + [c.person_id for c in forgotten]
        shown += [int(r.key) for r in yields if r.kind is SourceKind.INTRODUCER]
        names = q.names_of(conn, shown)
        counts = {d: totals.count("timeline", d.isoformat()) for d in dates}
        labels = yield_labels(conn, yields, names=names)
        return Review(
            stats=NetworkStats(
                today=today,
                **{**figures, "diversity_index": diversity.dimensions[Dimension.INDUSTRY].entropy},
            ),
            timeline=[TwoWayPoint(d, counts[d]) for d in dates],
            balance=balance_from_aggregates(everyone, params=params),
            strength_histogram=[
                (low, min(high, 100), n)
                for (low, high), n in zip(STRENGTH_BUCKETS, histogram, strict=True)
            ],
            diversity=diversity,
            diversity_timeline=diversity_timeline,
            yields=[YieldLine(labels.get((r.kind, r.key), r.key), r) for r in yields],
            one_sided=[
                OneSidedPerson(Named(f.person_id, names[f.person_id]), f) for f in flags[:limit]
            ],
            overdue=[
                OverduePerson(Named(k.person_id, names[k.person_id]), tiers[k.person_id], k)
                for k in overdue
            ],
            commitments=commitments,
            followups=followups(conn, today=today, now=now, params=params, limit=limit),
            forgotten=[(Named(c.person_id, names[c.person_id]), c) for c in forgotten],
            drill_due=count_due_cards(conn, today=today, params=params),
            names=names,
        )


def network_review_reference(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int = LIST_LIMIT,
) -> Review:
    """The review from every person's rows and aggregates and the domain functions (slow)."""
    from kinmyaku.services.drill import count_due_cards

    with uow as conn:
        net = _load(conn, today, params, reference=True)
        overdue_count, overdue = _overdue(net, today, params, limit=limit)
        commitments = open_requests(conn, today=today, names=net.names)
        met = _met_people(net)
        diversity = _diversity(net, today, params, met)
        forgotten_count, forgotten = _forgotten(net, today, limit=limit)
        stats, flags, overall = _stats(
            net, today, params, len(commitments), overdue_count, diversity, forgotten_count
        )
        dates = monthly_dates(today=today)
        counts = q.two_way_timeline_counts(conn, dates=dates, params=params)
        diversity_timeline = [
            (d, industry_entropy(met, today=d, params=params))
            for d in (dates[0], dates[len(dates) // 2], today)
        ]
        return Review(
            stats=stats,
            timeline=[TwoWayPoint(d, counts[d]) for d in dates],
            balance=overall,
            strength_histogram=_histogram(net),
            diversity=diversity,
            diversity_timeline=diversity_timeline,
            yields=_yields(conn, net, params, limit),
            one_sided=[
                OneSidedPerson(Named(f.person_id, net.names[f.person_id]), f) for f in flags[:limit]
            ],
            overdue=overdue,
            commitments=[c for c in commitments if c.side == "theirs"][:limit],
            followups=followups(conn, today=today, now=now, params=params)[:limit],
            forgotten=[(Named(c.person_id, net.names[c.person_id]), c) for c in forgotten],
            drill_due=count_due_cards(conn, today=today, params=params),
            names=net.names,
        )


def due_now(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int | None = None,
    with_followups: bool = True,
) -> Due:
    """Overdue keep-in-touch people, event follow-ups, and requests due within a week.

    ``with_followups=False`` leaves the event follow-ups out (``kinmyaku due`` lists them
    with every other follow-up, services/followups.py).

    The overdue people are read from the touch summary in the list's order (no scan of
    everyone's touches); their names only for the people listed.
    """
    ensure_touch_summary(uow, today=today, params=params, parts=())
    with uow as conn:
        return due_in(
            conn, today=today, now=now, params=params, limit=limit, with_followups=with_followups
        )


def due_in(
    conn: Connection,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int | None = None,
    with_followups: bool = True,
    fresh: bool = False,
) -> Due:
    """``due_now`` inside the caller's transaction (the summary brought up to date first;
    ``fresh``: the caller found it current in this transaction)."""
    summary = touch_summary if fresh else refresh_touch_summary(conn, today=today, params=params)
    shown, tiers = review_sql.overdue(conn, summary, today=today, params=params, limit=limit)
    names = q.names_of(conn, [k.person_id for k in shown])
    overdue = [
        OverduePerson(Named(k.person_id, names[k.person_id]), tiers[k.person_id], k) for k in shown
    ]
    due_by = today + timedelta(days=7)
    due_requests = open_requests(conn, today=today, due_by=due_by, limit=limit)
    total = len(due_requests)
    if limit is not None and total >= limit:
        total = count_open_requests(conn, due_by=due_by)
    events = followups(conn, today=today, now=now, params=params) if with_followups else []
    return Due(overdue, events, due_requests, total)


def event_followups(
    uow: UnitOfWork, *, today: date, now: datetime, params: InsightParams = DEFAULT_PARAMS
) -> list[FollowUpItem]:
    """People met at an event lately who still need a follow-up, oldest due first."""
    with uow as conn:
        return followups(conn, today=today, now=now, params=params)


def snooze_person(uow: UnitOfWork, *, person_id: int, days: int, today: date) -> date:
    """Hide a person from the overdue list for ``days`` days; returns the snooze day."""
    until = snooze(today=today, days=days)
    with uow as conn:
        if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
            raise NotFound("No person with id {id}", id=person_id)
        found = conn.execute(
            select(func.count()).where(keep_in_touch.c.person_id == person_id)
        ).scalar_one()
        if found:
            conn.execute(
                update(keep_in_touch)
                .where(keep_in_touch.c.person_id == person_id)
                .values(snoozed_until=until)
            )
        else:
            conn.execute(insert(keep_in_touch).values(person_id=person_id, snoozed_until=until))
    return until


def aggregates_for(
    uow: UnitOfWork,
    *,
    today: date,
    params: InsightParams = DEFAULT_PARAMS,
    person_ids: Sequence[int] | None = None,
) -> dict[int, TouchAggregates]:
    """The per-person touch aggregates (one GROUP BY), for tests, benchmarks and tools."""
    with uow as conn:
        return q.touch_aggregates(conn, today=today, params=params, person_ids=person_ids)
