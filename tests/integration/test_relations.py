"""Encounters, interactions, exchanges, requests, purposes, links and events on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.services import events as ev
from kinmyaku.services import people as ppl
from kinmyaku.services import relations as rel
from kinmyaku.storage.schema import interactions

D = date(2026, 11, 20)


@pytest.fixture
def two(app: App) -> tuple[int, int]:
    a = ppl.add_person(app.uow(), ppl.PersonInput(family_name="高橋", given_name="健太"))
    b = ppl.add_person(app.uow(), ppl.PersonInput(family_name="佐藤", given_name="花子"))
    return a, b


def test_the_whole_method_on_one_person(app: App, two: tuple[int, int]) -> None:
    a, b = two
    event = ev.add_event(app.uow(), name="異業種交流会", on=D, place="渋谷", goal_count=10)
    rel.record_encounter(app.uow(), person_id=a, on=D, event_id=event, memory_cue="赤いメガネ")
    rel.record_encounter(app.uow(), person_id=b, on=D, introducer_id=a)
    rel.log_interaction(
        app.uow(),
        person_ids=[a, b],
        on=D,
        kind="meal",
        summary="ランチ",
        follow_up_on=date(2026, 12, 1),
    )
    rel.record_exchange(app.uow(), person_id=a, on=D, direction="gave", kind="advice", weight=3)
    rel.record_exchange(app.uow(), person_id=a, on=D, direction="received", kind="lead")
    req = rel.open_request(
        app.uow(),
        person_id=a,
        side="theirs",
        what="資料を送る",
        asked_on=D,
        due_on=date(2026, 12, 5),
    )
    rel.update_request(app.uow(), request_id=req, status="done", outcome="送付", on=D)
    rel.set_purpose(app.uow(), person_id=a, category="mentor", goal="経営を学ぶ", cadence_days=30)
    rel.set_purpose(app.uow(), person_id=a, category="mentor", goal="経営", cadence_days=60)
    rel.link_people(app.uow(), person_a=b, person_b=a, kind="colleague")

    p = ppl.show_person(app.uow(), a)
    assert p.encounters[0]["channel"] == "event" and p.encounters[0]["event"] == "異業種交流会"
    assert p.interactions[0]["summary"] == "ランチ"
    assert {x["direction"] for x in p.exchanges} == {"gave", "received"}
    assert p.requests[0]["status"] == "done" and p.requests[0]["closed_on"] == D
    assert p.purpose == {"category": "mentor", "goal": "経営", "offer": "", "cadence_days": 60}
    assert p.links[0]["person_id"] == b and p.links[0]["kind"] == "colleague"
    assert p.summary.last_contact == D
    pb = ppl.show_person(app.uow(), b)
    assert pb.encounters[0]["channel"] == "introduction"
    assert pb.encounters[0]["introducer"] == "高橋 健太"
    shown = ev.show_event(app.uow(), event)
    assert shown.met_count == 1 and shown.people[0].id == a
    assert ev.list_events(app.uow())[0].met_count == 1
    assert [r["id"] for r in rel.list_requests(app.uow(), include_closed=True)] == [req]
    assert rel.list_requests(app.uow()) == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda app, a: rel.record_exchange(
                app.uow(), person_id=a, on=D, direction="gave", weight=6
            ),
            "weight",
        ),
        (
            lambda app, a: rel.record_exchange(app.uow(), person_id=a, on=D, direction="sideways"),
            "direction",
        ),
        (
            lambda app, a: rel.record_encounter(app.uow(), person_id=a, on=D, channel="telepathy"),
            "channel",
        ),
        (
            lambda app, a: rel.open_request(
                app.uow(), person_id=a, side="mine", what="  ", asked_on=D
            ),
            "what",
        ),
        (
            lambda app, a: rel.set_purpose(
                app.uow(), person_id=a, category="mentor", cadence_days=0
            ),
            "cadence",
        ),
        (lambda app, a: rel.link_people(app.uow(), person_a=a, person_b=a), "person"),
        (
            lambda app, a: rel.log_interaction(
                app.uow(), person_ids=[a], on=D, follow_up_on=date(2026, 1, 1)
            ),
            "follow_up",
        ),
    ],
)
def test_bad_values_name_the_field(
    app: App, two: tuple[int, int], call: object, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        call(app, two[0])  # type: ignore[operator]
    assert info.value.field == field


def test_unknown_people_write_nothing(app: App, two: tuple[int, int]) -> None:
    with pytest.raises(NotFound):
        rel.log_interaction(app.uow(), person_ids=[two[0], 999], on=D)
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(interactions)).scalar_one() == 0
    with pytest.raises(NotFound):
        rel.record_encounter(app.uow(), person_id=two[0], on=D, event_id=42)
    with pytest.raises(NotFound):
        rel.update_request(app.uow(), request_id=7, status="done")
