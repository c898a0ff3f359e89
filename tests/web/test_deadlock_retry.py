"""A write that PostgreSQL ends as a deadlock's victim is run again, not shown as "busy".

The soak of #15 had one quick add answered "The database is busy" on PostgreSQL: with no
lock or statement timeout set, the only PostgreSQL error kinmyaku reports as busy that a
READ COMMITTED write can meet is ``deadlock_detected`` (40P01).  A quick add resets the
summary's totals twice (its person's and its encounter's triggers each run ``DELETE FROM
touch_summary_totals``), each statement on the rows committed by then: a row of totals a
refresh committed between another quick add's two resets, in a slot before the rows that
quick add holds, is taken by this quick add, which then waits for the rest, while the other
waits for that row.  This test makes that cycle on purpose; PostgreSQL ends the quick add
(it waited first); the route runs it again and the user sees the person added (before: the
form again with "The database is busy").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, func, select, text

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.storage.schema import encounters, people
from kinmyaku.web.app import create_app

BASE = "http://127.0.0.1"


@pytest.fixture
def pg_core(postgres_url: str) -> Iterator[App]:
    built = open_app(Settings(database_url=postgres_url, language="ja", today="2024-03-15"))
    yield built
    built.close()


def _wait_until_blocked(other: Connection, seconds: float = 10.0) -> None:
    """Until the quick add has its new person and waits for a lock (the totals' rows)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    added = text("SELECT is_called FROM people_id_seq")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if other.execute(added).scalar_one() and other.execute(waiting).scalar_one():
            return
        other.rollback()
        time.sleep(0.02)
    raise AssertionError("the quick add never waited for the totals")


def _ctid(conn: Connection, kind: str) -> tuple[int, int]:
    found = conn.execute(
        text("SELECT ctid::text FROM touch_summary_totals WHERE kind = :k"), {"k": kind}
    ).scalar_one()
    page, slot = str(found).strip("()").split(",")
    return int(page), int(slot)


def _free_slot_before_a_row(admin: Connection) -> None:
    """Row 'a' of the totals, with a free slot before it on the table's first page."""
    admin.execute(text("DELETE FROM touch_summary_totals"))
    admin.execute(text("VACUUM touch_summary_totals"))
    for kind in ("p", "a"):
        admin.execute(
            text("INSERT INTO touch_summary_totals VALUES (:k, '', 0, 0, 0, 0)"), {"k": kind}
        )
    admin.execute(text("DELETE FROM touch_summary_totals WHERE kind = 'p'"))
    admin.execute(text("VACUUM touch_summary_totals"))


def _hold_a_row_behind_a_new_one(writer: Connection, admin: Connection) -> None:
    """Another writer's new person resets the totals: it holds row 'a'; a summary refresh
    then commits a row of totals 'n' into the free slot before it.

    Tried again until 'n' lands before 'a': the server's own upkeep thread refreshes the
    summary as the app starts and may write the totals (or keep VACUUM from freeing the
    slot) while this is set up."""
    for _ in range(100):
        _free_slot_before_a_row(admin)
        writer.execute(text("DELETE FROM touch_summary_totals"))
        admin.execute(text("INSERT INTO touch_summary_totals VALUES ('n', '', 0, 0, 0, 0)"))
        if _ctid(admin, "n") < _ctid(admin, "a"):
            return
        writer.rollback()
        time.sleep(0.1)
    raise AssertionError("row 'n' never landed before row 'a'")


def test_a_quick_add_ended_by_a_deadlock_is_run_again(pg_core: App) -> None:
    observer = create_engine(pg_core.settings.database_url, isolation_level="AUTOCOMMIT")
    other = create_engine(pg_core.settings.database_url)
    with TestClient(create_app(pg_core), base_url=BASE) as client:
        csrf = client.get("/api/session").json()["csrf_token"]
        answer: list[int] = []
        form = {"csrf_token": csrf, "family_name": "霧島", "given_name": "一", "add_anyway": "1"}

        def quick_add() -> None:
            answer.append(client.post("/people", data=form, follow_redirects=False).status_code)

        with other.connect() as writer, observer.connect() as admin:
            _hold_a_row_behind_a_new_one(writer, admin)
            # ... the quick add's reset takes 'n', then waits for 'a' ...
            thread = threading.Thread(target=quick_add)
            thread.start()
            _wait_until_blocked(admin)
            # ... and the other writer's next reset (its encounter) waits for 'n': a cycle.
            writer.execute(text("DELETE FROM touch_summary_totals"))
            writer.rollback()
            thread.join(30)
    other.dispose()
    observer.dispose()
    assert answer == [303]  # to the quick add form with "added", never 503 "busy"
    with pg_core.uow() as conn:
        named = select(func.count()).where(people.c.family_name == "霧島")
        assert conn.execute(named).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(encounters)).scalar_one() == 1
