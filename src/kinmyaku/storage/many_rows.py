"""Many rows a statement: ``INSERT ... VALUES (...), (...), ...`` from a flat list of values.

Each statement a database runs has a fixed cost; on SQLite it is a statement transaction in
which every full-text table written earlier in the transaction is synchronised (FTS5
savepoints).  ``executemany`` pays it for every row; a statement of many rows once for all
of them.  The values stay bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert

CHUNK_ROWS = 20_000
"""Rows ``bulk_insert`` converts and sends at a time."""


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


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    converted: bool = False,
) -> None:
    """Insert many rows (tuples in ``columns`` order): many a statement on SQLite
    (:func:`many_rows`), chunked ``executemany`` elsewhere.

    The INSERT is compiled from the Core table for the connection's dialect and values
    go through the column types' bind processors (dates and booleans on SQLite) unless
    ``converted`` says they already did, so this writes what ``conn.execute(insert(table),
    dicts)`` would, without its per-row overhead.
    """
    if not rows:
        return
    sql, positions = _compiled(table, tuple(columns), conn.dialect)
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    if not converted:
        for index, name in enumerate(columns):
            processor = bind_processor(conn, table, name)
            if processor is not None:
                processors.append((index, processor))
    order = [list(columns).index(key) for key in positions] if positions else None
    plan = many_rows(conn, sql, len(positions)) if positions else None
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk: list[Any] = list(rows[start : start + CHUNK_ROWS])
        if processors:
            chunk = [_processed(row, processors) for row in chunk]
        if order is None:
            chunk = [dict(zip(columns, row, strict=True)) for row in chunk]
        elif order != list(range(len(columns))):
            chunk = [tuple(row[i] for i in order) for row in chunk]
        if plan is not None:
            head, size = plan
            flat = list(chain.from_iterable(chunk))
            insert_flat(conn, head, len(columns), flat, rows_a_statement=size)
        else:
            conn.exec_driver_sql(sql, chunk)


@lru_cache(maxsize=256)
def _compiled(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[str, ...] | None]:
    """The INSERT of these columns for this dialect, and its parameters' order (compiled
    once: an import that flushes often compiled the same few statements hundreds of times)."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    positions = compiled.positiontup
    return compiled.string, tuple(positions) if positions else None


VALUES_A_STATEMENT = 5000
"""Values bound in one multi-row INSERT on SQLite (it allows 32,766)."""
_ONE_ROW = re.compile(r"^(?P<head>INSERT INTO .+ VALUES )\((?:\?, )*\?\)$", re.DOTALL)


def many_rows(conn: Connection, sql: str, width: int) -> tuple[str, int] | None:
    """How ``bulk_insert`` writes with a one-row INSERT on SQLite: its head and the rows a
    statement (:func:`insert_flat`; people, jobs and contact points of an import went in
    40-50 % faster).  None elsewhere: ``executemany``."""
    found = _ONE_ROW.match(sql)
    if conn.dialect.name != "sqlite" or found is None:
        return None
    return found["head"], max(1, VALUES_A_STATEMENT // width)


def bind_processor(conn: Connection, table: Table, column: str) -> Callable[[Any], Any] | None:
    """How the driver wants a column's values (None: as they are)."""
    column_type = table.c[column].type.dialect_impl(conn.dialect)
    processor: Callable[[Any], Any] | None = column_type.bind_processor(conn.dialect)
    return processor


def _processed(row: tuple[Any, ...], processors: list[tuple[int, Callable[[Any], Any]]]) -> Any:
    values = list(row)
    for index, processor in processors:
        values[index] = processor(values[index])
    return tuple(values)
