"""The per-person touch summary (migration 0002): incremental upkeep of the aggregates.

``touch_summary`` holds, for everyone touched or met (and everyone with a purpose
cadence, migration 0022), the ``TouchAggregates``
(docs/concepts.md), the strength, the first encounter and its memory cue, the current
job (industry, department, organisation), the first channel and introducer, and bit masks
of the intervals with a gift or a receipt for the review's two-way timeline
(storage/insights_queries.py ``timeline_masks``) and the purpose's cadence (the overdue
list reads each cadence's people by it, services/insights_review.py), as of one day
and one set of parameters, recorded in ``touch_summary_state``. A person met only after
that day has a row with no touch (``last_touch_on`` NULL): "touched" means a last touch. Triggers on
every table that makes a touch (interactions and their participants, encounters,
exchanges, requests), the jobs and the purposes add the people whose rows changed to
``touch_summary_dirty``.
Before stats or the review read the summary, ``refresh_touch_summary`` recomputes just
those people with the same SQL as the full computation (services/insights_stats.py), or
rebuilds everything when the parameters differ from the recorded ones.

The decayed sums are stored relative to an anchor day (migration 0018, the state's
``anchor``): the sum on any day is the stored one times ``2^-((day - anchor) / half-life)``,
one factor for everyone, so a new day rewrites no row for them. What else changes with
the day is found per person: a touch crossing an edge of a window, a cadence running out,
a snooze ending, and the strength falling into another bucket of the histogram or below
the strong threshold (``recheck_day``: the first day it may, from a lower bound of the
strength that is easy to invert); a new day recomputes only those people
(services/insights_roll.py) and corrects the stored totals by difference.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Float,
    Integer,
    String,
    Subquery,
    Table,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.domain.insights import InsightParams, TouchKind, monthly_dates
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.retry import retry_busy
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    interaction_people,
    interactions,
    organizations,
    people,
    purposes,
    touch_summary,
    touch_summary_dirty,
    touch_summary_state,
    touch_summary_totals,
)
from kinmyaku.storage.uow import UnitOfWork, take_turn

LN2 = math.log(2.0)
STATE_ID = 1
CHUNK = 20_000
"""People recomputed per statement (``id_list`` passes them as one parameter)."""
MAX_MARKED = 20_000
"""Above this many marked people, rebuilding everything is faster than chunks."""
ANCHOR_HALVINGS = 500.0
"""The anchor is at most this many half-lives from the day (2^500 is far from the float
range); further, the summary is rebuilt with a new anchor."""
BUCKET_BOUNDS = (20.0, 40.0, 60.0, 80.0)
"""The strength histogram's bucket edges (services/insights_stats.py ``_bucket``)."""
ADVISORY_LOCK = 0x6B696E5F73756D  # "kin_sum"
COLUMNS = tuple(c.name for c in touch_summary.columns)
DECAYED = ("decayed_weight", "decayed_given", "decayed_received")
"""The sums stored relative to the anchor day."""
COUNTS = ("touch_count", "gave_count", "received_count")
SUMS = (
    "decayed_weight",
    "given_weight",
    "received_weight",
    "prev_given_weight",
    "prev_received_weight",
    "decayed_given",
    "decayed_received",
)


LAYOUT = "masks=month-ends;decay=anchored"
"""How the rows are laid out, in the state's key: a summary written by an earlier layout
(masks that also covered the day itself, decayed sums as of the day) is rebuilt, not
misread."""


def params_key(params: InsightParams) -> str:
    """What the stored rows depend on besides the day: window, half-life, weights, strength."""
    weights = ",".join(f"{k}={v!r}" for k, v in sorted(params.default_weights.items()))
    return (
        f"{LAYOUT};window={params.window_days};half_life={params.half_life_days!r};{weights};"
        f"frequency={params.frequency_target!r};depth={params.depth_scale!r};"
        f"strength={params.strength_weights!r}"
    )


def _insert(
    conn: Connection, *, today: date, params: InsightParams, person_ids: Any, anchor: date
) -> None:
    a = compute_aggregates(conn, today=today, params=params, person_ids=person_ids)
    e = encounters
    met = select(
        e.c.person_id,
        func.min(e.c.date).label("first_met_on"),
        func.max(e.c.memory_cue).label("memory_cue"),
    ).group_by(e.c.person_id)
    if person_ids is not None:
        met = met.where(e.c.person_id.in_(person_ids))
    m = met.subquery("met")
    order = (e.c.date, e.c.id)
    ranked = select(
        e.c.person_id,
        e.c.channel,
        func.row_number().over(partition_by=e.c.person_id, order_by=order).label("n"),
    )
    introduced = select(
        e.c.person_id,
        e.c.introducer_id,
        func.row_number().over(partition_by=e.c.person_id, order_by=order).label("n"),
    ).where(e.c.introducer_id.is_not(None))
    if person_ids is not None:
        ranked = ranked.where(e.c.person_id.in_(person_ids))
        introduced = introduced.where(e.c.person_id.in_(person_ids))
    channel = ranked.subquery("ranked_channel")
    introducer = introduced.subquery("ranked_introducer")
    masks = q.timeline_masks(dates=mask_dates(today), params=params, person_ids=person_ids)
    jobs = select(
        affiliations.c.person_id, func.max(affiliations.c.id).label("affiliation_id")
    ).where(affiliations.c.is_current.is_(True))
    if person_ids is not None:
        jobs = jobs.where(affiliations.c.person_id.in_(person_ids))
    current = jobs.group_by(affiliations.c.person_id).subquery("current_job")
    zero = {n: int_literal(0) for n in COUNTS} | {n: _float(0.0) for n in SUMS}
    joined = (
        select(
            people.c.id.label("person_id"),
            a.c.first_touch_on,
            a.c.last_touch_on,
            *(func.coalesce(a.c[n], zero[n]).label(n) for n in (*COUNTS, *SUMS)),
            m.c.first_met_on,
            m.c.memory_cue,
            organizations.c.industry,
            affiliations.c.department,
            organizations.c.name.label("organization"),
            channel.c.channel.label("first_channel"),
            introducer.c.introducer_id.label("first_introducer_id"),
            func.coalesce(masks.c.gave, 0).label("gave_mask"),
            func.coalesce(masks.c.received, 0).label("received_mask"),
            purposes.c.cadence_days,
        )
        .select_from(people)
        .outerjoin(a, a.c.person_id == people.c.id)
        .outerjoin(m, m.c.person_id == people.c.id)
        .outerjoin(current, current.c.person_id == people.c.id)
        .outerjoin(affiliations, affiliations.c.id == current.c.affiliation_id)
        .outerjoin(organizations, organizations.c.id == affiliations.c.organization_id)
        .outerjoin(channel, and_(channel.c.person_id == people.c.id, channel.c.n == 1))
        .outerjoin(introducer, and_(introducer.c.person_id == people.c.id, introducer.c.n == 1))
        .outerjoin(masks, masks.c.person_id == people.c.id)
        .outerjoin(purposes, purposes.c.person_id == people.c.id)
        # Everyone touched or met, and everyone with a purpose cadence (due reads them by it).
        .where(
            or_(
                a.c.person_id.is_not(None),
                m.c.person_id.is_not(None),
                purposes.c.cadence_days.is_not(None),
            )
        )
    )
    if person_ids is not None:
        joined = joined.where(people.c.id.in_(person_ids))
    j = joined.subquery("joined")
    strength = strength_sql(conn, j, today=today, params=params).label("strength")
    scored = select(j, strength).subquery("scored")
    scale = _float(1.0 / decay_factor(today, anchor, params))
    values: dict[str, Any] = {n: scored.c[n] for n in COLUMNS if n in scored.c}
    values |= {n: scored.c[n] * scale for n in DECAYED}
    values["recheck_day"] = recheck_sql(conn, scored, today=today, params=params)
    conn.execute(
        insert(touch_summary).from_select(list(COLUMNS), select(*(values[n] for n in COLUMNS)))
    )


def decay_factor(day: date, anchor: date, params: InsightParams) -> float:
    """What a decayed sum stored relative to ``anchor`` is multiplied by on ``day``."""
    return math.exp(-LN2 * (day - anchor).days / params.half_life_days)


def recheck_sql(conn: Connection, a: Any, *, today: date, params: InsightParams) -> Any:
    """The first day (``toordinal``) on which ``a.c.strength`` may cross a bucket edge.

    Without a new touch or a touch leaving the window, frequency and reciprocity stay and
    recency and depth shrink with ``g = 2^-(days / half-life)``: recency as ``R0 g``, depth
    (concave in ``g``, 0 at 0) never below ``D0 g``. So the strength is at least
    ``steady + (s0 - steady) g``; below the bucket's lower edge only once ``g`` falls under
    ``(edge - steady) / (s0 - steady)``. The day found is never later than the real
    crossing (that day recomputes the person exactly); NULL: it never crosses.
    """
    edges = sorted(
        {e for e in (*BUCKET_BOUNDS, params.strong_threshold) if 0 < e <= 100}, reverse=True
    )
    if not edges:
        return cast(literal(None), Integer)
    _greatest = func.max if conn.dialect.name == "sqlite" else func.greatest
    s = a.c.strength
    low = case(*((s >= _float(e), _float(e)) for e in edges), else_=_float(-1.0))
    frequency, reciprocity = _frequency_reciprocity(conn, a, params)
    w = params.strength_weights
    steady = _float(100.0) * (_float(w.frequency) * frequency + _float(w.reciprocity) * reciprocity)
    gap = low - steady
    days = _float(params.half_life_days / LN2) * func.ln((s - steady) / gap)
    later = cast(func.floor(days - _float(1e-6)), Integer)
    return case(
        (a.c.last_touch_on.is_(None), cast(literal(None), Integer)),
        (low <= _float(0.0), cast(literal(None), Integer)),
        (gap <= _float(1e-9), cast(literal(None), Integer)),
        else_=int_literal(today.toordinal()) + _greatest(int_literal(1), later),
    )


def scored_as_of(
    conn: Connection, *, today: date, anchor: date, params: InsightParams
) -> SimpleNamespace:
    """The summary's columns as of ``today`` (``.c.<name>``): decayed sums scaled by the
    day's factor, the strength recomputed from them."""
    s = touch_summary
    factor = _float(decay_factor(today, anchor, params))
    decayed = {n: (s.c[n] * factor).label(n) for n in DECAYED}
    scaled = SimpleNamespace(c=SimpleNamespace(**{c.name: c for c in s.columns} | decayed))
    strength = strength_sql(conn, scaled, today=today, params=params).label("strength")
    return SimpleNamespace(c=SimpleNamespace(**vars(scaled.c) | {"strength": strength}))


def today_view(conn: Connection, *, today: date, params: InsightParams) -> Subquery:
    """The (fresh) summary as of ``today``: decayed sums scaled, strength recomputed."""
    state = _state(conn)
    anchor = today if state is None else state[2]
    a = scored_as_of(conn, today=today, anchor=anchor, params=params)
    return select(*(a.c.__dict__[c.name] for c in touch_summary.columns)).subquery("summary_today")


def mask_dates(today: date) -> list[date]:
    """The sample days the stored timeline masks cover: the month-ends before ``today``.

    Today's own point of the two-way timeline is the number of people who gave and
    received in the window ending today (``gave_count`` and ``received_count`` of the
    summary), so the masks stay the same from the first to the last day of a month.
    """
    return monthly_dates(today=today)[:-1]


def rebuild_touch_summary(conn: Connection, *, today: date, params: InsightParams) -> None:
    """Recompute every person's summary row for this day and these parameters."""
    conn.execute(delete(touch_summary_totals))
    conn.execute(delete(touch_summary_dirty))
    conn.execute(delete(touch_summary))
    _insert(conn, today=today, params=params, person_ids=None, anchor=today)
    conn.execute(delete(touch_summary_state))
    conn.execute(
        insert(touch_summary_state).values(
            id=STATE_ID, as_of=today, params_key=params_key(params), anchor=today
        )
    )


def _state(conn: Connection) -> tuple[date, str, date] | None:
    row = conn.execute(
        select(
            touch_summary_state.c.as_of,
            touch_summary_state.c.params_key,
            touch_summary_state.c.anchor,
        ).where(touch_summary_state.c.id == STATE_ID)
    ).first()
    if row is None:
        return None
    as_of, anchor = q.as_date(row.as_of), q.as_date(row.anchor)
    return None if as_of is None or anchor is None else (as_of, str(row.params_key), anchor)


def _marked(conn: Connection) -> list[int]:
    return [int(p) for p in conn.execute(select(touch_summary_dirty.c.person_id)).scalars()]


def _must_rebuild(
    state: tuple[date, str, date] | None, *, today: date, params: InsightParams
) -> bool:
    """No summary, other parameters or layout, an earlier day, or an anchor too far."""
    if state is None or state[1] != params_key(params) or today < state[0]:
        return True
    return abs((today - state[2]).days) / params.half_life_days > ANCHOR_HALVINGS


def _is_current(state: tuple[date, str, date] | None, today: date, params: InsightParams) -> bool:
    return state is not None and state[:2] == (today, params_key(params))


def summary_is_fresh(conn: Connection, *, today: date, params: InsightParams) -> bool:
    """True when the summary is for ``today`` and ``params`` and nobody is marked."""
    unmarked = select(touch_summary_dirty.c.person_id).limit(1)
    current = _is_current(_state(conn), today, params)
    return current and conn.execute(unmarked).first() is None


def all_fresh(
    conn: Connection, *, today: date, params: InsightParams, parts: Sequence[str]
) -> bool:
    """True when the summary and the totals of ``parts`` are current: nothing to refresh."""
    from kinmyaku.services.insights_totals import totals_fresh

    return summary_is_fresh(conn, today=today, params=params) and totals_fresh(
        conn, today=today, params=params, parts=parts
    )


def take_write_turn(conn: Connection) -> None:
    """Make this transaction the database's writer now, before it reads anything.

    On SQLite a transaction that has read cannot start writing once another connection
    has committed since (``SQLITE_BUSY`` at once, no waiting): a no-op write as its first
    statement takes the write lock up front, waiting its turn behind this process's other
    writers (storage/write_turn.py), then for the lock, up to the bound.  On PostgreSQL
    the refresh takes the advisory lock itself (``refresh_touch_summary``).
    """
    if conn.dialect.name == "sqlite":
        take_turn(conn, delete(touch_summary_dirty).where(false()))


def _refresh_lock(conn: Connection, *, wait: bool) -> bool:
    """PostgreSQL's advisory lock that serialises refreshes, held to the transaction's end:
    waited for (``wait``), or taken only if free (False: another transaction holds it)."""
    if wait:
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
        return True
    taken = conn.execute(select(func.pg_try_advisory_xact_lock(ADVISORY_LOCK))).scalar_one()
    return bool(taken)


def ensure_touch_summary(
    uow: UnitOfWork,
    *,
    today: date,
    params: InsightParams,
    parts: Sequence[str] = ("headline", "review"),
) -> None:
    """Bring the summary and its totals up to date in a transaction of its own (if stale).

    Stats and the review call this before their read transaction, so that two server
    workers asking for the first review of a day take turns at the refresh instead of
    colliding; the read transaction then finds the summary fresh. ``parts``: the totals
    wanted (services/insights_totals.py; stats needs the headline only).
    """
    from kinmyaku.services.insights_totals import ensure_totals

    with uow as conn:
        if all_fresh(conn, today=today, params=params, parts=parts):
            return

    def refresh() -> None:
        with uow.writer() as conn:  # queues for the write turn before it takes a connection
            take_write_turn(conn)
            refresh_touch_summary(conn, today=today, params=params)
            ensure_totals(conn, today=today, params=params, parts=parts)

    # A transaction of its own: when PostgreSQL ends it as a deadlock's victim (its totals
    # against a writer's triggers), it is run again within the bound (storage/retry.py).
    if uow.active:
        refresh()  # part of a composite: its caller's transaction, not this one's to retry
    else:
        retry_busy(refresh)


def refresh_touch_summary(conn: Connection, *, today: date, params: InsightParams) -> Table:
    """Bring the summary up to date for ``today`` and ``params``; returns the table to read.

    Only the people marked by the triggers are recomputed, in chunks (and only their marks
    removed, so a mark committed meanwhile by another writer stays); a later day
    recomputes the people whose figures changed with the day (services/insights_roll.py);
    an earlier day, other parameters, an anchor too far or more than ``MAX_MARKED``
    people to recompute rebuild it all. On PostgreSQL an advisory lock makes concurrent
    refreshes wait instead of colliding; but when the summary is already today's and only
    people marked by recent writes are left, a transaction that finds another one holding
    the lock reads the summary as it is (those people as they were moments ago) rather than
    queue behind it: under many writers every page view queued there one after the other,
    each holding the lock through its whole read (Today 17 s, the review 36 s in a soak).
    """
    from kinmyaku.services import insights_totals as totals
    from kinmyaku.services.insights_roll import roll_forward

    state = _state(conn)
    unmarked = select(touch_summary_dirty.c.person_id).limit(1)
    if _is_current(state, today, params) and conn.execute(unmarked).first() is None:
        return touch_summary
    if conn.dialect.name == "postgresql":
        if not _refresh_lock(conn, wait=not _is_current(state, today, params)):
            return touch_summary
        state = _state(conn)  # another transaction may have done the work meanwhile
    if state is None or _must_rebuild(state, today=today, params=params):
        rebuild_touch_summary(conn, today=today, params=params)
        return touch_summary
    if state[0] < today:
        if not roll_forward(conn, since=state[0], today=today, params=params, anchor=state[2]):
            rebuild_touch_summary(conn, today=today, params=params)
        return touch_summary
    marked = _marked(conn)
    if len(marked) > MAX_MARKED:
        rebuild_touch_summary(conn, today=today, params=params)
        return touch_summary
    if not marked:
        return touch_summary
    fresh: set[str] = set()
    if len(marked) <= totals.MAX_DELTA:
        fresh = totals.fresh_parts(conn, today=today, params=params)
    else:
        totals.invalidate(conn)
    recompute(conn, marked, today=today, params=params, anchor=state[2], parts=fresh)
    return touch_summary


def recompute(
    conn: Connection,
    person_ids: Sequence[int],
    *,
    today: date,
    params: InsightParams,
    anchor: date,
    parts: set[str],
    before: date | None = None,
) -> None:
    """Recompute these people's rows as of ``today``, in chunks, and unmark them.

    The stored totals of ``parts`` are corrected by difference: these people's
    contributions as the totals hold them (as of ``before``, the totals' day) are taken
    away and their new ones (as of ``today``) added.
    """
    from kinmyaku.services import insights_totals as totals

    then = before or today
    for start in range(0, len(person_ids), CHUNK):
        chunk = id_list(conn, person_ids[start : start + CHUNK])
        old: totals.Sums = {}
        if parts:
            old = totals.contributions(
                conn, today=then, params=params, person_ids=chunk, parts=parts
            )
            old = totals.rekey(old, since=then, today=today)
        conn.execute(delete(touch_summary).where(touch_summary.c.person_id.in_(chunk)))
        _insert(conn, today=today, params=params, person_ids=chunk, anchor=anchor)
        conn.execute(delete(touch_summary_dirty).where(touch_summary_dirty.c.person_id.in_(chunk)))
        if parts:
            new = totals.contributions(
                conn, today=today, params=params, person_ids=chunk, parts=parts
            )
            totals.apply_delta(conn, old, new)


def id_list(conn: Connection, ids: Sequence[int]) -> Any:
    """What ``column.in_(...)`` takes for these ids: one parameter holding them all, read
    by ``SELECT unnest(:ids)`` (PostgreSQL) or ``SELECT value FROM json_each(:ids)``
    (SQLite); the list itself elsewhere.

    The recomputation repeats the ids in 13 places: as one bound parameter each, PostgreSQL
    spends most of its time planning the statement (about a second for 2,000 ids) and
    SQLAlchemy expands and renders every one of them anew for each statement (the compiled
    form cannot be cached); one parameter also lifts SQLite's limit on their number.
    """
    if conn.dialect.name == "postgresql":
        return select(func.unnest(literal(list(ids), ARRAY(Integer))))
    if conn.dialect.name == "sqlite":
        listed = literal(json.dumps([int(i) for i in ids]), String)
        return select(literal_column("value")).select_from(func.json_each(listed))
    return list(ids)


def compute_aggregates(
    conn: Connection, *, today: date, params: InsightParams, person_ids: Any = None
) -> Subquery:
    """Every touched person's aggregates (or these people's): two GROUP BYs, added.

    The touch GROUP BY (encounters, exchanges, requests) and the interaction one; the
    same figures as one GROUP BY over ``touches`` (storage/insights_queries.py).
    """
    t = q.touches(today=today, params=params, with_interactions=False, person_ids=person_ids)
    others = select(t.c.person_id, *q.aggregate_columns(conn, t, today=today, params=params))
    others = others.group_by(t.c.person_id)
    ip, i = interaction_people, interactions
    window_start = today - timedelta(days=params.window_days)
    zero, none = int_literal(0), _float(0.0)
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
    if person_ids is not None:
        talks = talks.where(ip.c.person_id.in_(person_ids))
    both = union_all(others, talks).subquery("both_halves")
    c = both.c
    return (
        select(
            c.person_id,
            func.min(c.first_touch_on).label("first_touch_on"),
            func.max(c.last_touch_on).label("last_touch_on"),
            *(func.sum(getattr(c, name)).label(name) for name in (*COUNTS, *SUMS)),
        )
        .group_by(c.person_id)
        .subquery("agg")
    )


def _float(value: float) -> ColumnElement[float]:
    return cast(literal(value), Float)


def float_literal(value: float) -> ColumnElement[float]:
    """A float SQL literal (typed, so SQLite and PostgreSQL agree)."""
    return _float(value)


def int_literal(value: int) -> ColumnElement[int]:
    """An integer SQL literal (typed, so SQLite and PostgreSQL agree)."""
    return cast(literal(value), Integer)


def _exp_decay(conn: Connection, column: Any, today: date, scale: float) -> Any:
    return func.exp(_float(-LN2) * q.age_days(conn, column, today) / _float(scale))


def _frequency_reciprocity(conn: Connection, a: Any, params: InsightParams) -> tuple[Any, Any]:
    """SQL: the frequency and reciprocity parts of the strength (they do not decay)."""
    sqlite = conn.dialect.name == "sqlite"
    _least = func.min if sqlite else func.least
    _greatest = func.max if sqlite else func.greatest
    frequency = _least(_float(1.0), a.c.touch_count / _float(params.frequency_target))
    given = _greatest(_float(0.0), a.c.decayed_given)
    received = _greatest(_float(0.0), a.c.decayed_received)
    reciprocity = case(
        (given + received <= 0, _float(0.0)),
        else_=_float(2.0) * _least(given, received) / (given + received),
    )
    return frequency, reciprocity


def strength_sql(conn: Connection, a: Any, *, today: date, params: InsightParams) -> Any:
    """strength_components and strength_value of domain/insights/strength.py, in SQL.

    ``a`` is anything with the aggregate columns as ``a.c.<name>`` (a table, a subquery).
    The scalar ``min``/``max`` of SQLite (``least``/``greatest`` of PostgreSQL) pick one
    of their arguments, as ``min``/``max`` in Python do: the same bits.
    """
    sqlite = conn.dialect.name == "sqlite"
    _least = func.min if sqlite else func.least
    _greatest = func.max if sqlite else func.greatest
    recency = case(
        (a.c.last_touch_on.is_(None), _float(0.0)),
        else_=_exp_decay(conn, a.c.last_touch_on, today, params.half_life_days),
    )
    depth_raw = _float(1.0) - func.exp(
        _float(-LN2) * _greatest(_float(0.0), a.c.decayed_weight) / _float(params.depth_scale)
    )
    depth = _least(_float(1.0), _greatest(_float(0.0), depth_raw))
    frequency, reciprocity = _frequency_reciprocity(conn, a, params)
    w = params.strength_weights
    total = (
        _float(w.recency) * recency
        + _float(w.frequency) * frequency
        + _float(w.depth) * depth
        + _float(w.reciprocity) * reciprocity
    )
    return _least(_float(100.0), _greatest(_float(0.0), _float(100.0) * total))
