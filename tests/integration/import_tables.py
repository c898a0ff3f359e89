"""Shared by the import tests: a vCard 3.0 card template and every table's rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.storage.schema import metadata, photos

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{family};{given};;;\r\nFN:{family} {given}\r\n"
    "X-PHONETIC-LAST-NAME:{family_r}\r\nX-PHONETIC-FIRST-NAME:{given_r}\r\n"
    "ORG:{org}\r\nEMAIL:{email}\r\nTEL;TYPE=CELL:{tel}\r\nEND:VCARD\r\n"
)


def table_rows(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, without the clock times and photo file names (random by run)."""
    with app.uow() as conn:
        names = [str(name) for name in conn.execute(select(photos.c.name)).scalars()]

    def plain(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return "<time>"
        if isinstance(value, str):
            for name in names:
                value = value.replace(name, "<photo>")
        return value

    with app.uow() as conn:
        return {
            table.name: sorted(
                (tuple(plain(v) for v in row) for row in conn.execute(select(table))), key=repr
            )
            for table in metadata.sorted_tables
        }
