"""The per-person touch summary (migration 0002): incremental upkeep of the aggregates.

``touch_summary`` holds, for everyone touched or met, the ``TouchAggregates``
(docs/concepts.md), the strength, the first encounter and its memory cue, the current
job (industry, department, organisation), the first channel and introducer, and bit masks
of the intervals with a gift or a receipt for the review's two-way timeline
(storage/insights_queries.py ``timeline_masks``), as of one day
and one set of parameters, recorded in ``touch_summary_state``. A person met only after
that day has a row with no touch (``last_touch_on`` NULL): "touched" means a last touch. Triggers on
every table that makes a touch (interactions and their participants, encounters,
exchanges, requests) add the people whose touches changed to ``touch_summary_dirty``.
Before stats or the review read the summary, ``refresh_touch_summary`` recomputes just
those people with the same SQL as the full computation (services/insights_stats.py), or
rebuilds everything when the day or the parameters differ from the recorded ones (the
first read of a new day). The decayed sums are stored as of that day, so no reference day
and no overflow: ``exp`` of at most 0.
"""

from __future__ import annotations

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
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.domain.insights import InsightParams, TouchKind, monthly_dates
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    interaction_people,
    interactions,
    organizations,
    people,
    touch_summary,
    touch_summary_dirty,
    touch_summary_state,
    touch_summary_totals,
)
from kinmyaku.storage.uow import UnitOfWork

LN2 = math.log(2.0)
STATE_ID = 1
CHUNK = 2_000
"""People recomputed per statement: the recomputation repeats the list of ids in 13
places, and SQLite takes at most 32,766 bound parameters per statement."""
MAX_MARKED = 20_000
"""Above this many marked people, rebuilding everything is faster than chunks."""
MAX_ROLL_DAYS = 31
"""A later day up to this far is rolled forward; further, the summary is rebuilt."""
ADVISORY_LOCK = 0x6B696E5F73756D  # "kin_sum"
COLUMNS = tuple(c.name for c in touch_summary.columns)
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


LAYOUT = "masks=month-ends"
"""How the rows are laid out, in the state's key: a summary written by an earlier layout
(masks that also covered the day itself) is rebuilt, not misread."""


def params_key(params: InsightParams) -> str:
    """What the stored rows depend on besides the day: window, half-life, weights, strength."""
    weights = ",".join(f"{k}={v!r}" for k, v in sorted(params.default_weights.items()))
    return (
        f"{LAYOUT};window={params.window_days};half_life={params.half_life_days!r};{weights};"
        f"frequency={params.frequency_target!r};depth={params.depth_scale!r};"
        f"strength={params.strength_weights!r}"
    )


def _insert(conn: Connection, *, today: date, params: InsightParams, person_ids: Any) -> None:
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
        .where(or_(a.c.person_id.is_not(None), m.c.person_id.is_not(None)))
    )
    if person_ids is not None:
        joined = joined.where(people.c.id.in_(person_ids))
    j = joined.subquery("joined")
    strength = strength_sql(conn, j, today=today, params=params).label("strength")
    conn.execute(
        insert(touch_summary).from_select(
            list(COLUMNS), select(*(strength if n == "strength" else j.c[n] for n in COLUMNS))
        )
    )


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
    _insert(conn, today=today, params=params, person_ids=None)
    conn.execute(delete(touch_summary_state))
    conn.execute(
        insert(touch_summary_state).values(id=STATE_ID, as_of=today, params_key=params_key(params))
    )


def _state(conn: Connection) -> tuple[date, str] | None:
    row = conn.execute(
        select(touch_summary_state.c.as_of, touch_summary_state.c.params_key).where(
            touch_summary_state.c.id == STATE_ID
        )
    ).first()
    as_of = None if row is None else q.as_date(row.as_of)
    return None if row is None or as_of is None else (as_of, str(row.params_key))


def _marked(conn: Connection) -> list[int]:
    return [int(p) for p in conn.execute(select(touch_summary_dirty.c.person_id)).scalars()]


def _roll_forward(conn: Connection, *, since: date, today: date, params: InsightParams) -> None:
    """Move the summary from ``since`` to ``today`` (a later day) without recomputing it all.

    The people with a touch that entered the window or left it (or the previous window)
    are marked for recomputation; for everyone else the counts and window sums stay, the
    decayed sums shrink by the same factor ``2^(-days / half-life)`` and the strength is
    recomputed from the stored columns. The timeline masks cover the month-ends only
    (``mask_dates``): they are rebuilt only when the month changes.
    """
    conn.execute(delete(touch_summary_totals))
    s, window = touch_summary, timedelta(days=params.window_days)
    t = q.touches(today=today, params=params)
    crossed = or_(
        and_(t.c.on > since, t.c.on <= today),
        and_(t.c.on > since - window, t.c.on <= today - window),
        and_(t.c.on > since - 2 * window, t.c.on <= today - 2 * window),
    )
    moved = select(t.c.person_id).where(
        crossed, t.c.person_id.not_in(select(touch_summary_dirty.c.person_id))
    )
    conn.execute(insert(touch_summary_dirty).from_select(["person_id"], moved.distinct()))
    factor = _float(math.exp(-LN2 * (today - since).days / params.half_life_days))
    decayed = {n: s.c[n] * factor for n in ("decayed_weight", "decayed_given", "decayed_received")}
    # The strength from the new decayed sums (an UPDATE's expressions see the old values).
    scaled = SimpleNamespace(c=SimpleNamespace(**{c.name: c for c in s.columns} | decayed))
    new_month = mask_dates(since) != mask_dates(today)
    masks = {"gave_mask": 0, "received_mask": 0} if new_month else {}
    conn.execute(
        update(s).values(
            **decayed, strength=strength_sql(conn, scaled, today=today, params=params), **masks
        )
    )
    if new_month:
        m = q.timeline_masks(dates=mask_dates(today), params=params)
        conn.execute(
            update(s)
            .where(s.c.person_id == m.c.person_id)
            .values(gave_mask=m.c.gave, received_mask=m.c.received)
        )
    conn.execute(
        update(touch_summary_state).where(touch_summary_state.c.id == STATE_ID).values(as_of=today)
    )


def summary_is_fresh(conn: Connection, *, today: date, params: InsightParams) -> bool:
    """True when the summary is for ``today`` and ``params`` and nobody is marked."""
    unmarked = select(touch_summary_dirty.c.person_id).limit(1)
    return _state(conn) == (today, params_key(params)) and conn.execute(unmarked).first() is None


def _all_fresh(
    conn: Connection, *, today: date, params: InsightParams, parts: Sequence[str]
) -> bool:
    from kinmyaku.services.insights_totals import totals_fresh

    return summary_is_fresh(conn, today=today, params=params) and totals_fresh(
        conn, today=today, params=params, parts=parts
    )


def take_write_turn(conn: Connection) -> None:
    """Make this transaction the database's writer now, before it reads anything.

    On SQLite a transaction that has read cannot start writing once another connection
    has committed since (``SQLITE_BUSY`` at once, no waiting): a no-op write as its first
    statement takes the write lock up front, waiting its turn under the busy timeout.
    PostgreSQL takes the advisory lock that serialises refreshes.
    """
    if conn.dialect.name == "sqlite":
        conn.execute(delete(touch_summary_dirty).where(false()))
    elif conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))


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
        if _all_fresh(conn, today=today, params=params, parts=parts):
            return
    with uow as conn:
        take_write_turn(conn)
        refresh_touch_summary(conn, today=today, params=params)
        ensure_totals(conn, today=today, params=params, parts=parts)


def refresh_touch_summary(conn: Connection, *, today: date, params: InsightParams) -> Table:
    """Bring the summary up to date for ``today`` and ``params``; returns the table to read.

    Only the people marked by the triggers are recomputed, in chunks (and only their marks
    removed, so a mark committed meanwhile by another writer stays); a later day rolls the
    summary forward (``_roll_forward``); an earlier day, a jump of more than
    ``MAX_ROLL_DAYS``, other parameters or more than ``MAX_MARKED`` marks rebuild it all.
    On PostgreSQL an advisory lock makes concurrent refreshes wait instead of colliding.
    """
    key = params_key(params)
    state = _state(conn)
    unmarked = select(touch_summary_dirty.c.person_id).limit(1)
    if state == (today, key) and conn.execute(unmarked).first() is None:
        return touch_summary
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
        state = _state(conn)  # another transaction may have done the work meanwhile
    if state is None or state[1] != key or not 0 <= (today - state[0]).days <= MAX_ROLL_DAYS:
        rebuild_touch_summary(conn, today=today, params=params)
        return touch_summary
    if state[0] < today:
        _roll_forward(conn, since=state[0], today=today, params=params)
    marked = _marked(conn)
    if len(marked) > MAX_MARKED:
        rebuild_touch_summary(conn, today=today, params=params)
        return touch_summary
    from kinmyaku.services import insights_totals as totals

    if not marked:
        return touch_summary
    fresh: set[str] = set()
    if len(marked) <= totals.MAX_DELTA:
        fresh = totals.fresh_parts(conn, today=today, params=params)
    else:
        totals.invalidate(conn)
    for start in range(0, len(marked), CHUNK):
        chunk = id_list(conn, marked[start : start + CHUNK])
        before = (
            totals.contributions(conn, today=today, params=params, person_ids=chunk, parts=fresh)
            if fresh
            else {}
        )
        conn.execute(delete(touch_summary).where(touch_summary.c.person_id.in_(chunk)))
        _insert(conn, today=today, params=params, person_ids=chunk)
        conn.execute(delete(touch_summary_dirty).where(touch_summary_dirty.c.person_id.in_(chunk)))
        if fresh:
            after = totals.contributions(
                conn, today=today, params=params, person_ids=chunk, parts=fresh
            )
            totals.apply_delta(conn, before, after)
    return touch_summary


def id_list(conn: Connection, ids: Sequence[int]) -> Any:
    """What ``column.in_(...)`` takes for these ids: the list itself, or on PostgreSQL one
    array parameter (``SELECT unnest(:ids)``).

    The recomputation repeats the ids in 13 places: as one bound parameter each, PostgreSQL
    spends most of its time planning the statement (about a second for 2,000 ids).
    """
    if conn.dialect.name != "postgresql":
        return list(ids)
    return select(func.unnest(literal(list(ids), ARRAY(Integer))))


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


def int_literal(value: int) -> ColumnElement[int]:
    """An integer SQL literal (typed, so SQLite and PostgreSQL agree)."""
    return cast(literal(value), Integer)


def _exp_decay(conn: Connection, column: Any, today: date, scale: float) -> Any:
    return func.exp(_float(-LN2) * q.age_days(conn, column, today) / _float(scale))


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
