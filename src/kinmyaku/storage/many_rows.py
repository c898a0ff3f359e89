"""Many rows a statement: ``INSERT ... VALUES (...), (...), ...`` from a flat list of values.

Each statement a database runs has a fixed cost; on SQLite it is a statement transaction in
which every full-text table written earlier in the transaction is synchronised (FTS5
savepoints).  ``executemany`` pays it for every row; a statement of many rows once for all
of them.  The values stay bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


def insert_flat(
    conn: Connection, head: str, width: int, values: Sequence[Any], *, rows_a_statement: int
) -> None:
    """Insert ``values``, ``width`` a row, ``rows_a_statement`` rows a statement.

    ``head`` is the statement up to its rows, ``INSERT INTO t (a, b) VALUES `` (trusted
    text: table and column names only).
    """
    count, odd = divmod(len(values), width)
    if odd:
        raise ValueError(f"rows come {width} values a row, not {len(values)} values")
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    row = "(" + ", ".join([mark] * width) + ")"
    full, rest = divmod(count, rows_a_statement)
    step = rows_a_statement * width
    if full:
        sql = head + ", ".join([row] * rows_a_statement)
        for start in range(0, full * step, step):
            conn.exec_driver_sql(sql, tuple(values[start : start + step]))
    if rest:
        conn.exec_driver_sql(head + ", ".join([row] * rest), tuple(values[full * step :]))
