"""`kinmyaku due` reads the purpose cadences from their index (migration 0021), on both
databases: the cadences in use, and the people of one cadence (storage/followups.py
``cadence_overdue``), never every purpose."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, text

from kinmyaku.bootstrap import App
from kinmyaku.services import followups
from kinmyaku.services.insights_summary import ensure_touch_summary
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import record_encounter, set_purpose
from kinmyaku.storage import followups as rows
from kinmyaku.storage.schema import touch_summary

TODAY = date(2026, 11, 26)


def test_the_cadences_are_read_from_their_index(app: App) -> None:
    for n, cadence in enumerate((14, 30, 30, None, 90)):
        pid = add_person(app.uow(), PersonInput(family_name=f"人{n}", given_name="太郎"))
        record_encounter(app.uow(), person_id=pid, on=date(2026, 1, 5))
        set_purpose(app.uow(), person_id=pid, category="client", goal="案件", cadence_days=cadence)
    ensure_touch_summary(app.uow(), today=TODAY, params=followups.DEFAULT_PARAMS, parts=())
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", keep)
    try:
        with app.uow() as conn:
            found = rows.cadence_overdue(conn, touch_summary, today=TODAY, limit=50)
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    assert [r.cadence_days for r in found] == [14, 30, 30, 90]
    reads = [(sql, args) for sql, args in seen if "purposes" in sql]
    assert len(reads) == 4, reads  # the cadences, then the people of each
    with app.uow() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # a table this small
            explain = "EXPLAIN"
        else:
            explain = "EXPLAIN QUERY PLAN"
        for statement, parameters in reads:
            cursor.execute(f"{explain} {statement}", parameters)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "ix_purposes_cadence_days" in plan, plan
