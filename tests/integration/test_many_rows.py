"""Many rows a statement: every row lands once, across statement boundaries, on both databases;
bulk_insert writes what a Core insert writes."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from kinmyaku.bootstrap import App
from kinmyaku.storage import schema
from kinmyaku.storage.many_rows import bulk_insert, insert_flat, many_rows
from kinmyaku.storage.schema import organization_terms, organizations


@pytest.mark.parametrize("count", [1, 6, 7, 13])
def test_rows_land_once_across_statements(app: App, count: int) -> None:
    with app.uow() as conn:
        conn.execute(organizations.insert().values(id=1, name="金脈商事", name_key="金脈商事"))
        values = [v for n in range(count) for v in (f"キー{n}", n, 1, n % 2 == 0)]
        head = "INSERT INTO organization_terms (term, pos, organization_id, whole) VALUES "
        insert_flat(conn, head, 4, values, rows_a_statement=3)
        rows = conn.execute(
            select(organization_terms.c.term, organization_terms.c.pos).order_by(
                organization_terms.c.pos
            )
        ).all()
        conn.rollback()
    assert rows == [(f"キー{n}", n) for n in range(count)]


def test_values_that_are_not_whole_rows_are_refused(app: App) -> None:
    with app.uow() as conn, pytest.raises(ValueError, match="4 values a row, not 5 values"):
        insert_flat(
            conn, "INSERT INTO organization_terms VALUES ", 4, [1, 2, 3, 4, 5], rows_a_statement=3
        )


@pytest.mark.parametrize("count", [1, 624, 625, 626, 1300])
def test_bulk_insert_writes_what_an_insert_a_row_writes(app: App, count: int) -> None:
    """Many rows a statement (SQLite: full statements and a remainder) or executemany:
    the same rows as a Core insert of dictionaries, dates, flags and NULLs converted."""
    columns = ("id", "family_name", "given_name", "birthday", "reading_inferred", "photo")
    rows = [
        (
            i,
            f"姓{i}",
            "" if i % 3 else f"名{i}",
            date(1990, 1 + i % 12, 1 + i % 28) if i % 2 else None,
            bool(i % 5),
            None,
        )
        for i in range(1, count + 1)
    ]
    at = datetime(2026, 11, 27, 9, 0)
    stamp = {"created_at": at, "updated_at": at}
    with app.uow() as conn:
        bulk_insert(
            conn,
            schema.people,
            (*columns, "created_at", "updated_at"),
            [(*row, at, at) for row in rows],
        )
        in_order = select(schema.people).order_by(schema.people.c.id)
        written = [tuple(r) for r in conn.execute(in_order)]
        conn.execute(schema.people.delete())
        conn.execute(insert(schema.people), [dict(zip(columns, row)) | stamp for row in rows])
        expected = [tuple(r) for r in conn.execute(in_order)]
        conn.rollback()
    assert len(written) == count
    assert written == expected
    # Eight columns: 625 rows a statement on SQLite, so the counts cut around one statement.
    plan = many_rows(conn, "INSERT INTO t (a) VALUES (?)", 8)
    assert (plan[1] if plan else None) == (625 if conn.dialect.name == "sqlite" else None)
