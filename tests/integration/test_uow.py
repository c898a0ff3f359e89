"""The unit of work: one transaction, nested blocks joining it, foreign keys off on request."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Connection, insert, select

from kinmyaku.bootstrap import App
from kinmyaku.storage.schema import contact_points, people
from kinmyaku.storage.uow import TURN, reading


def _foreign_keys(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one())


def test_a_nested_block_joins_the_outer_transaction(app: App) -> None:
    uow = app.uow()
    with pytest.raises(RuntimeError, match="boom"), uow as outer:
        assert uow.active
        with uow as inner:
            assert inner is outer
            inner.execute(insert(people).values(id=1, family_name="山田", **_stamps()))
        raise RuntimeError("boom")
    assert not uow.active
    with app.uow() as conn:  # rolled back with the outer block
        assert conn.execute(select(people.c.id)).first() is None


def test_without_foreign_keys_only_for_its_transaction(sqlite_app: App) -> None:
    uow = sqlite_app.uow()
    with uow.without_foreign_keys() as conn:
        assert _foreign_keys(conn) == 0
        # Not checked in this transaction: a contact point of no one.
        conn.execute(insert(contact_points).values(person_id=999, kind="email", value="a@b.jp"))
        conn.rollback()
    for _ in range(3):  # the pooled connections are back to checking
        with uow as conn:
            assert _foreign_keys(conn) == 1
    with pytest.raises(Exception, match="FOREIGN KEY"), uow as conn:
        conn.execute(insert(contact_points).values(person_id=999, kind="email", value="a@b.jp"))


def test_foreign_keys_come_back_after_a_failed_transaction(sqlite_app: App) -> None:
    with pytest.raises(RuntimeError), sqlite_app.uow().without_foreign_keys() as conn:
        assert _foreign_keys(conn) == 0
        raise RuntimeError("the import stopped")
    with sqlite_app.uow() as conn:
        assert _foreign_keys(conn) == 1


def _stamps() -> dict[str, datetime]:
    at = datetime(2026, 11, 27, 9, 0)
    return {"created_at": at, "updated_at": at}


def test_writer_queues_first_and_joins_an_open_transaction(sqlite_app: App) -> None:
    """``writer()``: a transaction that will write even where the context reads (a page's
    summary refresh); inside an open transaction, that transaction itself."""
    uow = sqlite_app.uow()
    with reading():
        assert not uow.will_write()
        writer = uow.writer()
        assert writer is not uow and writer.will_write()
        with writer as conn:
            assert conn.info[TURN].held()  # the turn taken before the connection
        with uow:
            assert uow.writer() is uow
