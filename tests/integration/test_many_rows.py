"""Many rows a statement: every row lands once, across statement boundaries, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.storage.many_rows import insert_flat
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
