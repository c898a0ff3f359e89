"""What stats and the review add up over everyone, stored and kept up to date (migration 0010).

Everything the headline figures, the strength histogram, the two-way timeline, the
diversity breakdown and the channel / introducer yields count is a sum over people of
each person's contribution (a few GROUP BYs over the touch summary,
services/insights_stats.py ``flags``). ``touch_summary_totals`` stores those sums, one row
per (kind, key) with up to four figures, for the summary's day and one set of parameters
(a row of kind ``state_headline`` / ``state_review`` for each of the two parts:
stats needs only the headline). So a read is one small SELECT instead of scanning everyone:

- the first read of a day, with other parameters, or after a change the summary does not
  see (a person added or deleted, a photo, a tier tag, a purpose, a snooze: the triggers
  of migration 0010 empty the table) computes every sum once;
- recomputing people marked by the summary's triggers takes their old contributions away
  and adds their new ones (``delta``), in the same transaction.

Kinds: ``n`` (counts: people, two_way, strong, taking, giving, overdue, forgotten),
``sum`` (the summed aggregates), ``bucket`` (strength histogram, key 0-4), ``industry``
(people first met in the window, by industry), ``timeline`` (two-way people on each
sample day), ``div`` (dimension|value: people met now, in the previous window),
``divt`` (n|industry: people met in the window ending on the n-th diversity sample day),
``y_channel`` / ``y_event`` / ``y_introducer`` (met, two-way, strong, converted). The
per-event tallies read the encounters, which the summary's rows do not hold: an encounter
at an event added, moved or deleted removes just them (a trigger), and the next review
recomputes just them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)

from kinmyaku.domain.insights import Dimension, InsightParams, SourceKind, monthly_dates
from kinmyaku.domain.insights.channel_yield import wilson_lower_bound
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import encounters, touch_summary, touch_summary_totals

PARTS = {
    "headline": ("n", "sum", "bucket", "industry"),
    "review": ("timeline", "div", "divt", "y_channel", "y_introducer", "y_event"),
}
"""The totals in two parts, each with its own state: stats needs only the headline."""
STATE = "state"
STATE_KINDS = tuple(f"{STATE}_{part}" for part in PARTS)
EVENTS = "events_state"
"""Present while the per-event tallies are current (migration 0010's encounter triggers
remove it when an encounter at an event is added, moved or deleted)."""
SUMMED = (
    "gave_count",
    "received_count",
    "given_weight",
    "received_weight",
    "prev_given_weight",
    "prev_received_weight",
)
COUNTED = ("two_way", "strong", "taking", "giving", "overdue", "forgotten")
ADVISORY_LOCK = 0x6B696E5F73756D  # "kin_sum": the summary's own (insights_summary.ADVISORY_LOCK)
"""PostgreSQL's advisory lock around every write of the totals: the summary's refresh lock, so
that totals computed here never meet a refresh correcting them by difference (a reader that
skips a busy refresh of marked people then still waits here when its totals are stale)."""
MAX_DELTA = 500
"""Above this many people recomputed at once, the totals are recomputed from scratch."""

Key = tuple[str, str]
Sums = dict[Key, list[float]]


def diversity_days(today: date) -> tuple[date, date, date]:
    """The three days of the review's diversity timeline."""
    dates = monthly_dates(today=today)
    return dates[0], dates[len(dates) // 2], today


def state_key(today: date, params: InsightParams) -> str:
    """The day and every parameter the totals depend on."""
    return f"{today.isoformat()}|{params!r}"


def _add(sums: Sums, key: Key, *values: float) -> None:
    row = sums.setdefault(key, [0.0, 0.0, 0.0, 0.0])
    for k, value in enumerate(values):
        row[k] += float(value or 0)


def _value(raw: Any) -> str | None:
    return (raw.strip() or None) if isinstance(raw, str) else None


def _within(column: Any, day: date, days: int) -> Any:
    """1 when ``0 <= day - column < days``, else 0."""
    return case((and_(column <= day, column > day - timedelta(days=days)), 1), else_=0)


def _headline(
    conn: Connection, s: Table, sums: Sums, *, today: date, params: InsightParams, ids: Any
) -> None:
    from kinmyaku.services.insights_stats import flags

    f = flags(conn, s, today=today, params=params, person_ids=ids)
    stmt = select(
        f.c.met_in_window,
        f.c.industry,
        f.c.bucket,
        func.count().label("people"),
        *(func.sum(f.c[name]).label(name) for name in (*COUNTED, *SUMMED)),
    ).group_by(f.c.met_in_window, f.c.industry, f.c.bucket)
    for row in conn.execute(stmt):
        _add(sums, ("n", "people"), row.people)
        _add(sums, ("bucket", str(int(row.bucket))), row.people)
        for name in COUNTED:
            _add(sums, ("n", name), getattr(row, name))
        for name in SUMMED:
            _add(sums, ("sum", name), getattr(row, name))
        industry = str(row.industry or "").strip()
        if row.met_in_window and industry:
            _add(sums, ("industry", industry), row.people)  # MetPerson.value strips blanks


def _timeline(
    conn: Connection, s: Table, sums: Sums, *, today: date, params: InsightParams, ids: Any
) -> None:
    """The month-ends from the stored masks; today from the window's counts (the same)."""
    from kinmyaku.services.insights_summary import mask_dates

    where = None if ids is None else s.c.person_id.in_(ids)
    counts = q.timeline_counts(
        conn,
        s.c.gave_mask,
        s.c.received_mask,
        dates=mask_dates(today),
        params=params,
        where=where,
        today=(today, and_(s.c.gave_count > 0, s.c.received_count > 0)),
    )
    for day, n in counts.items():
        _add(sums, ("timeline", day.isoformat()), n)


def _diversity(
    conn: Connection, s: Table, sums: Sums, *, today: date, params: InsightParams, ids: Any
) -> None:
    first = func.coalesce(s.c.first_met_on, s.c.first_touch_on)
    window = params.window_days
    days = diversity_days(today)
    current = _within(first, today, window)
    previous = _within(first, today - timedelta(days=window), window)
    samples = [_within(first, day, window) for day in days]
    earliest = min(today - timedelta(days=window), *days) - timedelta(days=window)
    met = [first.is_not(None), first > earliest, first <= max(today, *days)]
    if ids is not None:
        met.append(s.c.person_id.in_(ids))
    columns = {
        Dimension.INDUSTRY: s.c.industry,
        Dimension.JOB_FUNCTION: s.c.department,
        Dimension.ORGANIZATION: s.c.organization,
    }
    parts = []
    for k, dimension in enumerate(Dimension):
        column = columns[dimension]
        flags = samples if dimension is Dimension.INDUSTRY else [literal(0)] * len(days)
        parts.append(
            select(
                literal(k).label("dimension"),
                column.label("value"),
                func.sum(current).label("current"),
                func.sum(previous).label("previous"),
                *(func.sum(f).label(f"t{n}") for n, f in enumerate(flags)),
            )
            .where(*met)
            .group_by(column)
        )
    for k, raw, now, before, *flags_ in conn.execute(union_all(*parts)):
        value = _value(raw)
        _add(sums, ("div", f"{int(k)}|{value or ''}"), now, 0 if value is None else before)
        if value is not None:
            for n, count in enumerate(flags_):
                if count:
                    _add(sums, ("divt", f"{n}|{value}"), count)


def _yields(conn: Connection, s: Table, sums: Sums, *, params: InsightParams, ids: Any) -> None:
    tw, st, conv = _outcomes(s, params)
    for kind, key, condition in (
        ("y_channel", s.c.first_channel, s.c.first_channel != ""),
        ("y_introducer", s.c.first_introducer_id, literal(True)),
    ):
        where = [condition, key.is_not(None)]
        if ids is not None:
            where.append(s.c.person_id.in_(ids))
        stmt = (
            select(key, func.count(), func.sum(tw), func.sum(st), func.sum(conv))
            .where(*where)
            .group_by(key)
        )
        for value, *figures in conn.execute(stmt):
            _add(sums, (kind, str(value)), *figures)


def _events(conn: Connection, s: Table, sums: Sums, *, params: InsightParams, ids: Any) -> None:
    """Per event: the people met there (each once), two-way, strong, converted."""
    e = encounters
    pairs = select(e.c.event_id, e.c.person_id).where(e.c.event_id.is_not(None))
    if ids is not None:
        pairs = pairs.where(e.c.person_id.in_(ids))
    at = pairs.group_by(e.c.event_id, e.c.person_id).subquery("at_events")
    tw, st, conv = _outcomes(s, params)
    stmt = (
        select(
            at.c.event_id,
            func.count(),
            func.coalesce(func.sum(tw), 0),
            func.coalesce(func.sum(st), 0),
            func.coalesce(func.sum(conv), 0),
        )
        .select_from(at.outerjoin(s, s.c.person_id == at.c.person_id))
        .group_by(at.c.event_id)
    )
    for value, *figures in conn.execute(stmt):
        _add(sums, ("y_event", str(value)), *figures)


def _outcomes(s: Table, params: InsightParams) -> tuple[Any, Any, Any]:
    """0/1 columns: two-way, strong, and either (a conversion)."""
    two_way = and_(s.c.gave_count > 0, s.c.received_count > 0)
    strong = and_(s.c.last_touch_on.is_not(None), s.c.strength >= params.strong_threshold)
    return (
        case((two_way, 1), else_=0),
        case((strong, 1), else_=0),
        case((or_(two_way, strong), 1), else_=0),
    )


def event_totals_fresh(conn: Connection) -> bool:
    """True when the per-event tallies are stored (the encounters' triggers remove them)."""
    t = touch_summary_totals
    marker = select(t.c.kind).where(t.c.kind == EVENTS, t.c.key == "")
    return conn.execute(marker).first() is not None


def ensure_event_totals(conn: Connection, *, params: InsightParams) -> None:
    """Recompute the per-event tallies when an encounter at an event changed since."""
    if event_totals_fresh(conn):
        return
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
        if event_totals_fresh(conn):
            return
    sums: Sums = {}
    _events(conn, touch_summary, sums, params=params, ids=None)
    t = touch_summary_totals
    conn.execute(delete(t).where(t.c.kind == "y_event"))
    rows = _rows(sums)
    rows.append({"kind": EVENTS, "key": "", "a": 0, "b": 0, "c": 0, "d": 0})
    conn.execute(insert(t), rows)


STEPS = {"headline": ("headline",), "review": ("timeline", "diversity", "yields", "events")}
"""What each part adds up; ``contributions(steps=...)`` can skip the steps known unchanged."""
STRENGTH_STEPS = frozenset({"headline", "yields", "events"})
"""The steps that read the strength (a new bucket changes nothing else)."""


def contributions(
    conn: Connection,
    *,
    today: date,
    params: InsightParams,
    person_ids: Any = None,
    parts: Iterable[str] = tuple(PARTS),
    steps: Iterable[str] | None = None,
) -> Sums:
    """Everyone's (or these people's) sums of these parts, from the touch summary as it is.

    ``steps``: only these steps of the parts (``STEPS``), for changes known to touch
    nothing else.
    """
    sums: Sums = {}
    s, ids = touch_summary, person_ids
    wanted = {step for part in parts for step in STEPS[part]}
    if steps is not None:
        wanted &= set(steps)
    if "headline" in wanted:
        _headline(conn, s, sums, today=today, params=params, ids=ids)
    if "timeline" in wanted:
        _timeline(conn, s, sums, today=today, params=params, ids=ids)
    if "diversity" in wanted:
        _diversity(conn, s, sums, today=today, params=params, ids=ids)
    if "yields" in wanted:
        _yields(conn, s, sums, params=params, ids=ids)
    if "events" in wanted:
        _events(conn, s, sums, params=params, ids=ids)
    return sums


def fresh_parts(conn: Connection, *, today: date, params: InsightParams) -> set[str]:
    """The parts whose stored totals are those of ``today`` and ``params``."""
    t = touch_summary_totals
    key = state_key(today, params)
    found = conn.execute(select(t.c.kind).where(t.c.kind.in_(STATE_KINDS), t.c.key == key))
    return {str(kind).removeprefix(f"{STATE}_") for kind in found.scalars()}


def totals_fresh(
    conn: Connection, *, today: date, params: InsightParams, parts: Iterable[str] = tuple(PARTS)
) -> bool:
    """True when the stored totals (of these parts) are those of ``today`` and ``params``."""
    wanted = set(parts)
    return not wanted or wanted <= fresh_parts(conn, today=today, params=params)


def invalidate(conn: Connection) -> None:
    """Forget the stored totals (the next read recomputes them)."""
    conn.execute(delete(touch_summary_totals))


def _rows(sums: Sums) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "key": key, "a": v[0], "b": v[1], "c": v[2], "d": v[3]}
        for (kind, key), v in sums.items()
    ]


def compute_totals(conn: Connection, *, today: date, params: InsightParams, part: str) -> None:
    """Recompute one part's sums from the (fresh) touch summary and store it with its state."""
    sums = contributions(conn, today=today, params=params, parts=(part,))
    t = touch_summary_totals
    kinds = [*PARTS[part], f"{STATE}_{part}", *([EVENTS] if part == "review" else [])]
    conn.execute(delete(t).where(t.c.kind.in_(kinds)))
    rows = _rows(sums)
    marker = {"key": state_key(today, params), "a": 0, "b": 0, "c": 0, "d": 0}
    rows.append({**marker, "kind": f"{STATE}_{part}"})
    if part == "review":
        rows.append({**marker, "kind": EVENTS, "key": ""})
    conn.execute(insert(t), rows)


def ensure_totals(
    conn: Connection, *, today: date, params: InsightParams, parts: Iterable[str] = tuple(PARTS)
) -> None:
    """Compute the parts whose totals are not those of ``today`` and ``params``.

    The touch summary must be fresh. On PostgreSQL an advisory lock makes two readers
    take turns (the second finds the work done).
    """
    wanted, fresh = set(parts), fresh_parts(conn, today=today, params=params)
    stale = [p for p in PARTS if p in wanted and p not in fresh]
    if not stale:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
        done = fresh_parts(conn, today=today, params=params)
        stale = [p for p in stale if p not in done]
    for part in stale:
        compute_totals(conn, today=today, params=params, part=part)


def rekey(sums: Sums, *, since: date, today: date) -> Sums:
    """Contributions as of ``since`` under the keys of ``today`` (the timeline's last point
    is the day itself)."""
    if since == today:
        return sums
    old = ("timeline", since.isoformat())
    moved = {k: v for k, v in sums.items() if k != old}
    if old in sums:
        moved[("timeline", today.isoformat())] = sums[old]
    return moved


def roll_totals(
    conn: Connection, *, since: date, today: date, params: InsightParams, parts: Iterable[str]
) -> None:
    """Re-key the stored totals of these parts from ``since`` to ``today`` (same month).

    The caller then corrects them for the people whose contributions changed.
    """
    t = touch_summary_totals
    old, new = state_key(since, params), state_key(today, params)
    for part in parts:
        conn.execute(update(t).where(t.c.kind == f"{STATE}_{part}", t.c.key == old).values(key=new))
    if "review" in parts:
        day = t.c.kind == "timeline", t.c.key == since.isoformat()
        conn.execute(update(t).where(*day).values(key=today.isoformat()))


def apply_delta(conn: Connection, before: Sums, after: Sums) -> None:
    """Add ``after - before`` to the stored sums (rows created as needed).

    One UPDATE executed for many rows and one INSERT of the new ones (a statement per
    row was thousands of round trips to PostgreSQL for a day's changes).
    """
    t = touch_summary_totals
    events = event_totals_fresh(conn)
    changes: dict[Key, list[float]] = {}
    for key in sorted(set(before) | set(after)):
        if key[0] == "y_event" and not events:
            continue  # recomputed whole at the next read
        old = before.get(key, [0.0] * 4)
        new = after.get(key, [0.0] * 4)
        diff = [n - o for n, o in zip(new, old, strict=True)]
        if any(diff):
            changes[key] = diff
    if not changes:
        return
    kinds = sorted({kind for kind, _ in changes})
    found = conn.execute(select(t.c.kind, t.c.key).where(t.c.kind.in_(kinds)))
    stored = {(str(kind), str(key)) for kind, key in found}
    rows = [
        {"k_kind": kind, "k_key": key, "da": d[0], "db": d[1], "dc": d[2], "dd": d[3]}
        for (kind, key), d in changes.items()
    ]
    known = [r for r in rows if (r["k_kind"], r["k_key"]) in stored]
    if known:
        conn.execute(
            update(t)
            .where(t.c.kind == bindparam("k_kind"), t.c.key == bindparam("k_key"))
            .values(
                a=t.c.a + bindparam("da"),
                b=t.c.b + bindparam("db"),
                c=t.c.c + bindparam("dc"),
                d=t.c.d + bindparam("dd"),
            ),
            known,
        )
    fresh = [
        {"kind": r["k_kind"], "key": r["k_key"], "a": r["da"], "b": r["db"], "c": r["dc"]}
        | {"d": r["dd"]}
        for r in rows
        if (r["k_kind"], r["k_key"]) not in stored
    ]
    if fresh:
        conn.execute(insert(t), fresh)


@dataclass
class Totals:
    """The stored sums, read back: ``figures[kind][key] = (a, b, c, d)``."""

    figures: dict[str, dict[str, tuple[float, float, float, float]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def count(self, kind: str, key: str) -> int:
        """Figure ``a`` of (kind, key) as a whole number (0 when absent)."""
        return round(self.figures[kind].get(key, (0.0,))[0])

    def counter(self, kind: str, column: int = 0) -> Counter[str]:
        """Keys of ``kind`` with a positive figure, as a Counter, in key order."""
        found: Counter[str] = Counter()
        for key in sorted(self.figures[kind]):
            n = round(self.figures[kind][key][column])
            if n > 0:
                found[key] = n
        return found


def read_totals(
    conn: Connection,
    *,
    today: date,
    params: InsightParams,
    kinds: Iterable[str] | None = None,
    fresh: bool = False,
) -> Totals:
    """The stored sums (computed first when stale); only these kinds when given.

    ``fresh``: the caller found these kinds' totals current in this transaction.
    """
    wanted = None if kinds is None else set(kinds)
    parts = [p for p in PARTS if wanted is None or wanted & set(PARTS[p])]
    if not fresh:
        ensure_totals(conn, today=today, params=params, parts=parts)
    t = touch_summary_totals
    if wanted is None or "y_event" in wanted:
        ensure_event_totals(conn, params=params)
    stmt = select(t.c.kind, t.c.key, t.c.a, t.c.b, t.c.c, t.c.d).where(
        t.c.kind.not_in((*STATE_KINDS, EVENTS))
    )
    if kinds is not None:
        stmt = stmt.where(t.c.kind.in_(list(kinds)))
    totals = Totals()
    for kind, key, a, b, c, d in conn.execute(stmt):
        totals.figures[str(kind)][str(key)] = (float(a), float(b), float(c), float(d))
    return totals


REVIEW_KINDS = ("timeline", "div", "divt")
"""What the review reads besides the headline (which reads its own) and the yields."""
YIELD_KINDS = {
    "y_channel": SourceKind.CHANNEL,
    "y_event": SourceKind.EVENT,
    "y_introducer": SourceKind.INTRODUCER,
}


def yield_tally(
    conn: Connection, *, today: date, params: InsightParams, limit: int
) -> dict[tuple[SourceKind, str], tuple[int, int, int, int]]:
    """The tallies (met, two-way, strong, converted) that can rank among the best ``limit``.

    The yield order is (Wilson lower bound of converted / met, met, kind, key): the first
    two depend only on the pair (converted, met). The few distinct pairs are ranked first,
    and only the rows of the pairs needed to fill ``limit`` places are read (every row of
    the last pair, so the exact order among them is the caller's).
    """
    ensure_totals(conn, today=today, params=params, parts=("review",))
    ensure_event_totals(conn, params=params)
    t = touch_summary_totals
    kinds = list(YIELD_KINDS)
    pairs = conn.execute(
        select(t.c.d, t.c.a, func.count())
        .where(t.c.kind.in_(kinds), t.c.a > 0.5)
        .group_by(t.c.d, t.c.a)
    ).all()
    ranked = sorted(
        ((round(d), round(a), int(n)) for d, a, n in pairs),
        key=lambda p: (-wilson_lower_bound(p[0], p[1]), -p[1]),
    )
    chosen, found = [], 0
    for converted, met, n in ranked:
        if found >= limit:
            break
        chosen.append((converted, met))
        found += n
    tally: dict[tuple[SourceKind, str], tuple[int, int, int, int]] = {}
    if not chosen:
        return tally
    wanted = or_(*(and_(t.c.d == c, t.c.a == m) for c, m in chosen))
    rows = conn.execute(
        select(t.c.kind, t.c.key, t.c.a, t.c.b, t.c.c, t.c.d).where(t.c.kind.in_(kinds), wanted)
    )
    for kind, key, *figures in rows:
        met, two, strong, converted = (round(x) for x in figures)
        tally[(YIELD_KINDS[str(kind)], str(key))] = (met, two, strong, converted)
    return tally
