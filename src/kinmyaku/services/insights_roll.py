"""A new day for the touch summary: recompute only the people whose figures changed.

The decayed sums are stored relative to an anchor day (services/insights_summary.py), so
the day itself changes no row. What does change between the summary's day ``since`` and
``today``, person by person:

- a touch that entered the window (dated after ``since``, up to ``today``) or crossed
  the start of the window or of the previous one (window counts and sums, first
  meetings in the window, diversity): found by the touches' date indexes;
- a keep-in-touch cadence that ran out (the last touch exactly a cadence ago, for each
  cadence in use): by the index on ``last_touch_on``;
- a snooze that ended;
- a strength that may have fallen into another bucket or below the strong threshold
  (``recheck_day`` reached): by its index;
- the people the triggers marked since.

Only they are touched: the rows of people with crossing touches are moved by those
touches' differences alone (``_shift``), the marked ones recomputed (``recompute``), the
cadences and snoozes change no row, the rechecked ones are rescored in place; the stored
totals are re-keyed to ``today`` and corrected by difference: the contributions of
everyone concerned are read once as of ``since`` before any row moves and once as of
``today`` after all have (two reads in all, not two per kind of change; the rechecked
only when their bucket or strong flag changes), and ``today`` minus ``since`` is added.
A new month moves the review's two-way timeline (its sample days are month-ends): the
masks are laid out again and the review's part of the totals recomputed.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, or_, select, union, update
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.domain.insights import InsightParams
from kinmyaku.services import insights_totals as totals
from kinmyaku.services.insights_summary import (
    BUCKET_BOUNDS,
    COUNTS,
    LN2,
    MAX_MARKED,
    STATE_ID,
    SUMS,
    float_literal,
    id_list,
    mask_dates,
    recheck_sql,
    recompute,
    scored_as_of,
)
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import (
    keep_in_touch,
    purposes,
    touch_summary,
    touch_summary_dirty,
    touch_summary_state,
)


def _between(column: Any, spans: list[tuple[date, date]]) -> ColumnElement[bool]:
    """The column lies in one of the spans ``(after, upto]``."""
    return or_(*(and_(column > a, column <= b) for a, b in spans))


def cadences(conn: Connection, params: InsightParams) -> set[int]:
    """Every keep-in-touch cadence in use: the tiers', the default, the purposes'."""
    found = {math.ceil(days) for days in params.cadence_days_by_tier.values()}
    found.add(params.default_cadence_days)
    stmt = select(purposes.c.cadence_days).where(purposes.c.cadence_days.is_not(None)).distinct()
    found.update(int(c) for c in conn.execute(stmt).scalars())
    return found


def _spans(since: date, today: date, params: InsightParams) -> list[tuple[date, date]]:
    """The day ranges a touch crosses an edge in: entering, leaving the window, the
    previous window."""
    window = timedelta(days=params.window_days)
    return [
        (since, today),
        (since - window, today - window),
        (since - 2 * window, today - 2 * window),
    ]


def crossed_people(
    conn: Connection, *, since: date, today: date, params: InsightParams
) -> list[int]:
    """The people with a touch entering the window or crossing the start of the window or
    of the previous one, and the people marked."""
    t = q.touches(today=today, params=params, spans=_spans(since, today, params))
    parts = [select(t.c.person_id), select(touch_summary_dirty.c.person_id)]
    return sorted(int(p) for p in conn.execute(union(*parts)).scalars())


def _shift(
    conn: Connection,
    *,
    since: date,
    today: date,
    params: InsightParams,
    anchor: date,
    person_ids: Any,
) -> None:
    """Move these people's rows from ``since`` to ``today`` by their crossing touches alone.

    Each touch dated in a span adds what it counts for today and takes away what it
    counted for on ``since`` (window and previous-window counts and weights); a touch new
    since then adds its decayed weight (relative to the anchor) and may be the last.
    """
    t = q.touches(today=today, params=params, spans=_spans(since, today, params))
    window = timedelta(days=params.window_days)

    def within(day: date, first: int) -> Any:
        low, high = day - (first + 1) * window, day - first * window
        return case((and_(t.c.on > low, t.c.on <= high), 1), else_=0)

    win = within(today, 0) - within(since, 0)
    prev = within(today, 1) - within(since, 1)
    new = t.c.on > since
    gave, received = t.c.direction == "gave", t.c.direction == "received"
    rate = float_literal(LN2 / params.half_life_days)
    decayed = t.c.weight * func.exp(-rate * q.age_days(conn, t.c.on, anchor))
    zero = float_literal(0.0)

    def total(condition: Any, value: Any) -> Any:
        return func.sum(case((condition, value), else_=zero))

    g = (
        select(
            t.c.person_id,
            func.sum(win).label("touch_count"),
            func.sum(case((gave, win), else_=0)).label("gave_count"),
            func.sum(case((received, win), else_=0)).label("received_count"),
            total(gave, win * t.c.weight).label("given_weight"),
            total(received, win * t.c.weight).label("received_weight"),
            total(gave, prev * t.c.weight).label("prev_given_weight"),
            total(received, prev * t.c.weight).label("prev_received_weight"),
            total(new, decayed).label("decayed_weight"),
            total(and_(new, gave), decayed).label("decayed_given"),
            total(and_(new, received), decayed).label("decayed_received"),
            func.max(case((new, t.c.on), else_=None)).label("last_on"),
            func.min(case((new, t.c.on), else_=None)).label("first_on"),
        )
        .where(t.c.person_id.in_(person_ids))
        .group_by(t.c.person_id)
        .subquery("shifted")
    )
    s = touch_summary
    summed = (*COUNTS, *SUMS)
    values: dict[str, Any] = {n: s.c[n] + g.c[n] for n in summed}
    values["last_touch_on"] = case(
        (
            and_(
                g.c.last_on.is_not(None),
                or_(s.c.last_touch_on.is_(None), g.c.last_on > s.c.last_touch_on),
            ),
            g.c.last_on,
        ),
        else_=s.c.last_touch_on,
    )
    values["first_touch_on"] = case(
        (and_(g.c.first_on.is_not(None), s.c.first_touch_on.is_(None)), g.c.first_on),
        else_=s.c.first_touch_on,
    )
    conn.execute(update(s).where(s.c.person_id == g.c.person_id).values(**values))
    _rescore(conn, s.c.person_id.in_(person_ids), today=today, params=params, anchor=anchor)


def _rescore(
    conn: Connection, where: Any, *, today: date, params: InsightParams, anchor: date
) -> None:
    """The strength and recheck day of these rows as of ``today``, from the rows."""
    now = scored_as_of(conn, today=today, anchor=anchor, params=params)
    conn.execute(
        update(touch_summary)
        .where(where)
        .values(
            strength=now.c.strength, recheck_day=recheck_sql(conn, now, today=today, params=params)
        )
    )


def flipped_people(
    conn: Connection, *, since: date, today: date, params: InsightParams
) -> list[int]:
    """The people whose cadence ran out or whose snooze ended: only their keep-in-touch
    flag changes (their rows stay)."""
    s = touch_summary
    ran_out = [
        (since - timedelta(days=c), today - timedelta(days=c)) for c in cadences(conn, params)
    ]
    parts = [
        select(s.c.person_id).where(_between(s.c.last_touch_on, ran_out)),
        select(keep_in_touch.c.person_id).where(
            _between(keep_in_touch.c.snoozed_until, [(since, today)])
        ),
    ]
    return sorted(int(p) for p in conn.execute(union(*parts)).scalars())


def _bucket_of(strength: Any, params: InsightParams) -> Any:
    """A number that changes exactly when the histogram bucket or the strong flag does."""
    edges = sorted({e for e in (*BUCKET_BOUNDS, params.strong_threshold) if 0 < e <= 100})
    return sum((case((strength >= e, 1), else_=0) for e in edges), literal(0))


def _ids(conn: Connection, stmt: Any) -> list[int]:
    return [int(p) for p in conn.execute(stmt).scalars()]


def roll_forward(
    conn: Connection, *, since: date, today: date, params: InsightParams, anchor: date
) -> bool:
    """Move the summary and its totals from ``since`` to ``today`` (a later day).

    Everyone whose contributions to the totals may change (crossing touches, marks,
    cadences, snoozes, recheck days reached) is gathered first: their contributions as of
    ``since`` are read once before any row moves and once as of ``today`` after, and the
    difference corrects the stored totals (two reads instead of two per kind of change).
    False when too many people changed (the caller rebuilds everything instead).
    """
    crossed = crossed_people(conn, since=since, today=today, params=params)
    if len(crossed) > MAX_MARKED:
        return False
    parts = totals.fresh_parts(conn, today=since, params=params)
    new_month = mask_dates(since) != mask_dates(today)
    if new_month:
        parts.discard("review")
    s = touch_summary
    marked = set(_ids(conn, select(touch_summary_dirty.c.person_id)))
    rows = set(_ids(conn, select(s.c.person_id).where(s.c.person_id.in_(id_list(conn, crossed)))))
    shifted = [p for p in crossed if p in rows and p not in marked]
    whole = [p for p in crossed if p not in rows or p in marked]
    due = s.c.recheck_day <= today.toordinal()
    changed: list[int] = []
    old: totals.Sums = {}
    if parts:
        flipped = flipped_people(conn, since=since, today=today, params=params)
        now = scored_as_of(conn, today=today, anchor=anchor, params=params).c.strength
        moved = _bucket_of(s.c.strength, params) != _bucket_of(now, params)
        rechecked = _ids(conn, select(s.c.person_id).where(due, moved))
        changed = sorted({*crossed, *flipped, *rechecked})
        if len(changed) > MAX_MARKED:
            return False
        everyone = id_list(conn, changed)
        old = totals.contributions(
            conn, today=since, params=params, person_ids=everyone, parts=parts
        )
        old = totals.rekey(old, since=since, today=today)
    totals.roll_totals(conn, since=since, today=today, params=params, parts=parts)
    recompute(conn, whole, today=today, params=params, anchor=anchor, parts=set(), before=since)
    if shifted:
        chunk = id_list(conn, shifted)
        _shift(conn, since=since, today=today, params=params, anchor=anchor, person_ids=chunk)
    _rescore(conn, due, today=today, params=params, anchor=anchor)
    if parts:
        everyone = id_list(conn, changed)
        new = totals.contributions(
            conn, today=today, params=params, person_ids=everyone, parts=parts
        )
        totals.apply_delta(conn, old, new)
    if new_month:
        laid = or_(s.c.gave_mask != 0, s.c.received_mask != 0)
        conn.execute(update(s).where(laid).values(gave_mask=0, received_mask=0))
        m = q.timeline_masks(dates=mask_dates(today), params=params)
        conn.execute(
            update(s)
            .where(s.c.person_id == m.c.person_id)
            .values(gave_mask=m.c.gave, received_mask=m.c.received)
        )
    conn.execute(
        update(touch_summary_state).where(touch_summary_state.c.id == STATE_ID).values(as_of=today)
    )
    return True
