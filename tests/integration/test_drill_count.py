"""How many cards today's drill shows, and how the count is read (SQLite and PostgreSQL).

A person can be drilled with a photo or a memory cue; the count is the due reviews plus
today's new cards (at most ``drill_new_per_day``). The cue is looked up by the person's
own encounters: PostgreSQL turned an ``OR EXISTS`` into a hash of every encounter with a
cue before it looked at the first person (134 ms at 100,000 people, for ten people).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import event, update

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.services import drill
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import record_encounter
from kinmyaku.storage.schema import drill_cards

TODAY = date(2026, 11, 26)


def _person(app: App, name: str, *, photo: str | None = None, cue: str = "") -> int:
    pid = add_person(app.uow(), PersonInput(family_name=name, given_name="太郎", photo=photo))
    record_encounter(app.uow(), person_id=pid, on=date(2026, 11, 1), memory_cue=cue)
    return pid


def _count(app: App, **params: Any) -> int:
    with app.uow() as conn:
        return drill.count_due_cards(conn, today=TODAY, params=replace(DEFAULT_PARAMS, **params))


def test_the_count_takes_photos_and_cues_and_caps_the_new_cards(app: App) -> None:
    photo = _person(app, "写真", photo="photos/1.jpg")
    cue = _person(app, "手掛", cue="赤い眼鏡")
    _person(app, "無印")  # neither a photo nor a cue: never drilled
    _person(app, "空白", cue="")
    assert _count(app) == 2
    assert _count(app, drill_new_per_day=1) == 1
    # Both seen once: one due today, one next week; no new card left.
    answered = [(photo, date(2026, 11, 26)), (cue, date(2026, 12, 3))]
    for pid, due in answered:
        drill.answer_drill(app.uow(), person_id=pid, name="", company="", place="", today=TODAY)
        with app.uow() as conn:
            card = drill_cards.c.person_id == pid
            conn.execute(update(drill_cards).where(card).values(due_on=due))
    assert _count(app) == 1
    assert [c.person_id for c in drill.drill_cards_due(app.uow(), today=TODAY)] == [photo]


def test_the_new_card_count_looks_up_each_person(app: App) -> None:
    for n in range(12):
        _person(app, f"人{n}", cue=f"手掛{n}")
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", keep)
    try:
        assert _count(app) == DEFAULT_PARAMS.drill_new_per_day
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    seen = [(sql, args) for sql, args in seen if "drill_cards" in sql]
    assert len(seen) == 2, seen  # the due reviews, the new cards
    with app.uow() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        explain = "EXPLAIN" if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        plans = []
        for statement, parameters in seen:
            cursor.execute(f"{explain} {statement}", parameters)
            plans.append(" ".join(str(row) for row in cursor.fetchall()))
    for plan in plans:
        assert "hashed SubPlan" not in plan, plan  # PostgreSQL: no hash of every encounter
        assert "SCAN encounters" not in plan, plan  # SQLite: by the person's index entries
