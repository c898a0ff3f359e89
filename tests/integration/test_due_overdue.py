"""The overdue list read by cadence from the touch summary's index (migration 0022) equals
the per-person reference, on SQLite and PostgreSQL: people with a purpose cadence (several
lengths, touched long ago, lately, only met, never touched nor met), tiers with and without
a cadence, snoozes, and after cadences are set, changed and removed (the triggers on
`purposes` mark the person; the next read recomputes the row)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, insert, select, update

from kinmyaku.bootstrap import App
from kinmyaku.services import followups, insights
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.people import PersonInput, add_person, tag_person
from kinmyaku.services.relations import record_encounter, set_purpose
from kinmyaku.storage.schema import keep_in_touch, purposes, touch_summary

TODAY = date(2026, 11, 26)
PEOPLE = 400
LIMITS = (1, 3, 10, 50, 1000)


def _network(app: App) -> list[int]:
    """The sample network with cadences, tiers and snoozes; returns the people added bare."""
    build_sample_network(app.uow(), people_count=PEOPLE, interaction_count=3_000, today=TODAY)
    rnd = random.Random(5)
    with app.uow() as conn:
        conn.execute(update(purposes).values(cadence_days=None))
        for pid in rnd.sample(range(1, PEOPLE + 1), 150):
            cadence = rnd.choice((3, 14, 30, 90, 365))
            found = conn.execute(select(purposes.c.person_id).where(purposes.c.person_id == pid))
            if found.first() is None:
                conn.execute(
                    insert(purposes).values(person_id=pid, category="client", cadence_days=cadence)
                )
            else:
                conn.execute(
                    update(purposes).where(purposes.c.person_id == pid).values(cadence_days=cadence)
                )
        for pid in rnd.sample(range(1, PEOPLE + 1), 30):
            until = TODAY + timedelta(days=rnd.randint(-20, 20))
            conn.execute(insert(keep_in_touch).values(person_id=pid, snoozed_until=until))
    for pid in rnd.sample(range(1, PEOPLE + 1), 25):
        tag_person(app.uow(), pid, add=[rnd.choice(("A", "b", "C"))])
    bare = []
    for n in range(12):  # never touched; some only met; some with a tier
        pid = add_person(app.uow(), PersonInput(family_name=f"新人{n}", given_name="太郎"))
        set_purpose(app.uow(), person_id=pid, category="client", goal=f"目標{n}", cadence_days=30)
        if n % 3 == 0:
            record_encounter(app.uow(), person_id=pid, on=TODAY - timedelta(days=40))
        if n % 4 == 1:
            tag_person(app.uow(), pid, add=["B"])
        bare.append(pid)
    return bare


def _assert_same(app: App, today: date) -> None:
    now = datetime.combine(today, time(12))
    for limit in LIMITS:
        fast = insights.network_review(app.uow(), today=today, now=now, limit=limit).overdue
        slow = insights.network_review_reference(
            app.uow(), today=today, now=now, limit=limit
        ).overdue
        assert fast == slow, limit
        due = followups.due_overview(app.uow(), today=today, now=now, limit=limit).due.overdue
        assert due == slow, limit
    assert len(slow) > 100  # the whole list at the largest limit: not degenerate
    # The rows added for people with a cadence change no headline figure.
    fast_stats = insights.network_stats(app.uow(), today=today).to_json()
    slow_stats = insights.network_stats_reference(app.uow(), today=today).to_json()
    approx = ("diversity_index", "balance")
    assert {k: v for k, v in fast_stats.items() if k not in approx} == {
        k: v for k, v in slow_stats.items() if k not in approx
    }


def test_overdue_by_cadence_equals_the_reference(app: App) -> None:
    bare = _network(app)
    _assert_same(app, TODAY)
    with app.uow() as conn:  # everyone with a cadence has a row, with that cadence
        rows = {r.person_id: r.cadence_days for r in conn.execute(select(touch_summary))}
        stmt = select(purposes).where(purposes.c.cadence_days.is_not(None))
        paced = {r.person_id: r.cadence_days for r in conn.execute(stmt)}
    assert {p: rows.get(p) for p in paced} == paced
    assert set(bare) <= set(rows)
    # Cadences changed, added and removed: the triggers mark the people.
    set_purpose(app.uow(), person_id=bare[0], category="client", goal="x", cadence_days=3)
    set_purpose(app.uow(), person_id=bare[1], category="client", goal="x", cadence_days=None)
    with app.uow() as conn:
        conn.execute(delete(purposes).where(purposes.c.person_id == bare[2]))
        first = min(paced)
        conn.execute(update(purposes).where(purposes.c.person_id == first).values(cadence_days=7))
    _assert_same(app, TODAY)
    # Later days: the summary rolled forward, cadences running out.
    for days in (1, 9, 40):
        _assert_same(app, TODAY + timedelta(days=days))
