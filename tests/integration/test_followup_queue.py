"""A page of the event follow-ups read a few days at a time is the head of the whole queue
(services/insights_reads.py ``followup_queue_of`` with ``enough``), on SQLite and
PostgreSQL: the review's first items, and the agenda's first late and not yet late ones
(one a person, snoozed people left out)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS, FollowUp
from kinmyaku.services import events, followups, insights, relations
from kinmyaku.services.insights_reads import followup_queue_of
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage import followups as rows

TODAY = date(2026, 11, 26)


@pytest.fixture
def met(app: App) -> list[int]:
    """Forty people met at events over the last month; every third followed up, one snoozed."""
    uow = app.uow
    fair = events.add_event(uow(), name="展示会", on=TODAY - timedelta(days=29))
    party = events.add_event(uow(), name="交流会", on=TODAY)
    people = []
    for n in range(40):
        pid = add_person(uow(), PersonInput(family_name=f"人{n:02d}", given_name="太郎"))
        on = TODAY - timedelta(days=29 - (n * 3) // 4)  # one to three people a day, to today
        relations.record_encounter(uow(), person_id=pid, on=on, event_id=fair)
        if n % 5 == 0:  # met twice: the later meeting waits as well
            relations.record_encounter(uow(), person_id=pid, on=TODAY, event_id=party)
        if n % 3 == 0:
            relations.log_interaction(uow(), person_ids=[pid], on=on, kind="message")
        people.append(pid)
    insights.snooze_person(uow(), person_id=people[1], days=5, today=TODAY)
    return people


def _page(queue: list[FollowUp], snoozed: set[int], limit: int) -> list[tuple[int, int, bool]]:
    """The agenda's choice from the whole queue: one a person, ``limit`` of each kind."""
    kept: dict[int, FollowUp] = {}
    taken = {True: 0, False: 0}
    for f in queue:
        pid = f.encounter.person_id
        if pid in snoozed or pid in kept or taken[f.late] >= limit:
            continue
        kept[pid] = f
        taken[f.late] += 1
    return [(f.encounter.person_id, f.encounter.event_id, f.late) for f in kept.values()]


@pytest.mark.parametrize("hour", [0, 12, 23])
def test_a_page_read_in_days_is_the_head_of_the_queue(app: App, met: list[int], hour: int) -> None:
    now = datetime.combine(TODAY, time(hour))
    with app.uow() as conn:
        whole, companies = followup_queue_of(conn, today=TODAY, now=now, params=DEFAULT_PARAMS)
        snoozed = rows.snoozed_people(conn, today=TODAY)
        assert snoozed == {met[1]}
        assert {f.late for f in whole} == {True, False}  # both kinds on the queue
        named = insights.followups(conn, today=TODAY, now=now, params=DEFAULT_PARAMS)
        for limit in (1, 2, 3, 5, 8, 13, 40, 100):
            head = insights.followups(
                conn, today=TODAY, now=now, params=DEFAULT_PARAMS, limit=limit
            )
            assert head == named[:limit]
            agenda = followups.agenda_of(conn, today=TODAY, now=now, limit=limit)
            shown = [
                (d.person_id, d.event_id, d.overdue) for d in agenda.items() if d.source == "event"
            ]
            assert sorted(shown) == sorted(_page(whole, snoozed, limit))
    assert all(companies.get(f.encounter.person_id, 0) is None for f in whole)  # no jobs here
