"""A full JSON backup of every table, and its exact restore into an empty database.

No credential is ever in a backup (or any export): tables marked ``info["credential"]`` in
storage/schema.py (the login sessions) are left out, and of the settings table only the keys
:func:`exportable_setting` allows (an allow-list: the owner password's hash, the key that
signs cookies, the calendar token, and any setting added later stay out until named here).
A restore therefore starts without a password, sessions or calendar link; it also deletes
any the target database held, so a restored database always makes fresh ones.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import ColumnElement, Connection, Table, delete, func, not_, or_, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.types import Date, DateTime, LargeBinary

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.services.import_pipeline import quiet_collector
from kinmyaku.storage import people as store
from kinmyaku.storage.bulk_index import staged_terms
from kinmyaku.storage.database import refresh_statistics
from kinmyaku.storage.many_rows import bulk_insert
from kinmyaku.storage.schema import (
    contact_points,
    metadata,
    organization_terms,
    organizations,
    people,
    person_tags,
    search_memory,
    search_memory_dirty,
    search_names,
    search_terms,
    settings,
    touch_summary,
    touch_summary_dirty,
    touch_summary_state,
    touch_summary_totals,
)
from kinmyaku.storage.search_index import insert_index
from kinmyaku.storage.uow import UnitOfWork

FORMAT = "kinmyaku-backup"
VERSION = 1
DERIVED = {
    search_terms.name,
    search_names.name,
    search_memory.name,
    search_memory_dirty.name,
    organization_terms.name,
    touch_summary.name,
    touch_summary_dirty.name,
    touch_summary_state.name,
    touch_summary_totals.name,
}
"""The search index and the touch summary are rebuilt after a restore, so not backed up."""
CHUNK = 5000


EXPORTED_SETTING_PREFIXES = ("me.", "backups.keep")
"""Settings a backup may hold: my profile (services/insights_people.py) and how many backups
to keep.  Nothing else (not a folder of this machine; secrets are in ``credentials``)."""


class RestoreRefused(KinmyakuError):
    """The backup cannot be restored here (database not empty, not a backup ...)."""


def is_credential(table: Table) -> bool:
    """True for a table of credentials (never backed up, emptied by a restore)."""
    return bool(table.info.get("credential"))


def exportable_setting(key: str) -> bool:
    """True for a settings key a backup may hold (the allow-list; credentials never are)."""
    return key.startswith(EXPORTED_SETTING_PREFIXES)


def _exportable_settings() -> ColumnElement[bool]:
    return or_(*(settings.c.key.startswith(p, autoescape=True) for p in EXPORTED_SETTING_PREFIXES))


def backup_tables() -> list[Table]:
    """The tables a backup holds, parents before children."""
    return [t for t in metadata.sorted_tables if t.name not in DERIVED and not is_credential(t)]


def _rows_of(table: Table) -> Any:
    """What a backup reads of a table: every row, of settings the allowed keys only."""
    query = select(table)
    if table is settings:
        query = query.where(_exportable_settings())
    return query


def forget_credentials(conn: Connection) -> None:
    """Delete every credential (sessions; settings outside the allow-list) in a database.

    Used by a restore, and by anything that copies a database for someone else to keep.
    """
    for table in metadata.sorted_tables:
        if is_credential(table):
            conn.execute(delete(table))
    conn.execute(delete(settings).where(not_(_exportable_settings())))


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def write_backup(uow: UnitOfWork, *, stream: IO[bytes]) -> dict[str, int]:
    """Write every row of every table as one versioned JSON document; returns row counts."""
    counts: dict[str, int] = {}
    with uow as conn:
        stream.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "tables": {{'.encode())
        for number, table in enumerate(backup_tables()):
            names = [c.name for c in table.columns]
            head = "," if number else ""
            stream.write(
                f'{head}\n"{table.name}": {{"columns": {json.dumps(names)}, "rows": ['.encode()
            )
            order = list(table.primary_key.columns) or list(table.columns)
            count = 0
            rows = _rows_of(table).order_by(*order)
            result = conn.execution_options(yield_per=CHUNK).execute(rows)
            for row in result:
                line = json.dumps([_encode(v) for v in row], ensure_ascii=False)
                stream.write(("," if count else "").encode() + b"\n" + line.encode())
                count += 1
            stream.write(b"]}")
            counts[table.name] = count
        stream.write(b"\n}}\n")
    return counts


def _decoder(table: Table) -> list[Any]:
    decoders: list[Any] = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, DateTime):
            decoders.append(lambda v: None if v is None else datetime.fromisoformat(v))
        elif isinstance(kind, Date):
            decoders.append(lambda v: None if v is None else date.fromisoformat(v))
        elif isinstance(kind, LargeBinary):
            decoders.append(lambda v: None if v is None else base64.b64decode(v))
        else:
            decoders.append(None)
    return decoders


def _is_empty(conn: Connection) -> bool:
    """No data (a password, a cookie key or sessions do not count: a restore replaces them)."""
    for table in backup_tables():
        if conn.execute(select(func.count()).select_from(_rows_of(table).subquery())).scalar_one():
            return False
    return True


def restore_backup(uow: UnitOfWork, *, stream: IO[bytes]) -> dict[str, int]:
    """Load a JSON backup into an EMPTY database, rebuild the search index; returns row counts."""
    with quiet_collector():  # millions of objects alive at once, and no cycles among them
        try:
            return _restore(uow, stream)
        except _DAMAGED_OR_REFUSED as error:  # a value of the wrong kind, a key missing ...
            if isinstance(error, OperationalError):  # the database's trouble, not the file's
                raise
            raise RestoreRefused(
                "This is not a kinmyaku JSON backup: {reason}", reason=_reason(error)
            ) from None


_DAMAGED = (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError)
_DAMAGED_OR_REFUSED = (*_DAMAGED, SQLAlchemyError)
"""What a damaged backup makes the restore raise (nothing is written: one transaction); the
database's rows refused (a duplicate id, a wrong type) are the file's fault, not a locked or
lost database (OperationalError)."""


def _reason(error: Exception) -> str:
    """A short reason for a refused restore (a database's own message without the SQL)."""
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error) or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _restore(uow: UnitOfWork, stream: IO[bytes]) -> dict[str, int]:
    try:
        document = json.load(stream)
    except (ValueError, UnicodeDecodeError) as error:
        raise RestoreRefused(
            "This is not a kinmyaku JSON backup: {reason}", reason=str(error)
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreRefused(
            "This is not a kinmyaku JSON backup (no 'format: {format}')", format=FORMAT
        )
    if document.get("version") != VERSION:
        raise RestoreRefused(
            "Backup version {version} is not supported (this kinmyaku reads version {known})",
            version=document.get("version"),
            known=VERSION,
        )
    tables = document.get("tables") or {}
    counts: dict[str, int] = {}
    with uow as conn:
        if not _is_empty(conn):
            raise RestoreRefused(
                "The database is not empty; restore only into a new, empty database "
                "(e.g. kinmyaku --db new.sqlite3 restore FILE)"
            )
        forget_credentials(conn)
        # Staged on SQLite: the indexes that rows reach in random order are built once.
        with staged_terms(conn, conn.dialect.name == "sqlite") as terms_table:
            for table in backup_tables():
                data = tables.get(table.name)
                if data:
                    counts[table.name] = _restore_table(conn, table, data)
            index_restored(conn, terms_table)
        _reset_sequences(conn)
        refresh_statistics(conn)
    return counts


def _restore_table(conn: Connection, table: Table, data: Any) -> int:
    """Insert one table's rows from the backup; how many."""
    names = [c.name for c in table.columns]
    columns = list(data["columns"])
    if set(columns) - set(names):
        raise RestoreRefused(
            "Table {table} in the backup has unknown columns: {columns}",
            table=table.name,
            columns=", ".join(sorted(set(columns) - set(names))),
        )
    decoders = dict(zip(names, _decoder(table), strict=True))
    decode = [(i, decoders[name]) for i, name in enumerate(columns) if decoders[name]]
    rows: list[tuple[Any, ...]] = []
    for raw in _allowed_rows(table, columns, data["rows"]):
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise RestoreRefused(
                "Table {table} in the backup has a row that is not a list of {columns} values"
                " (row {row}); the file is damaged",
                table=table.name,
                columns=len(columns),
                row=len(rows) + 1,
            )
        if decode:
            raw = list(raw)
            for i, decoder in decode:
                raw[i] = decoder(raw[i])
        rows.append(tuple(raw))
    # Tuples through the column types' bind processors: what insert(table) with a dict a
    # row writes, without its per-row overhead (about a third of a restore's time).
    bulk_insert(conn, table, columns, rows)
    return len(rows)


def _allowed_rows(table: Table, columns: list[str], rows: Any) -> Any:
    """The rows to restore: of settings, never a credential (an older backup held them)."""
    if table is not settings or "key" not in columns:
        return rows
    at = columns.index("key")
    return [
        row
        for row in rows
        if not isinstance(row, list) or len(row) <= at or exportable_setting(str(row[at]))
    ]


def index_restored(conn: Connection, terms_table: str = "search_terms") -> None:
    """Build the search index of every person and organization of a restored database (its
    index empty), in batches; ``terms_table`` is where the people's terms go (staged on
    SQLite, :mod:`kinmyaku.storage.bulk_index`)."""
    for org_id, name, reading in conn.execute(
        select(organizations.c.id, organizations.c.name, organizations.c.reading)
    ).all():
        store.index_organization(conn, org_id, name, reading)
    ids = list(conn.execute(select(people.c.id).order_by(people.c.id)).scalars())
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = conn.execute(select(people).where(people.c.id.in_(chunk))).mappings().all()
        points: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for pid, kind, value in conn.execute(
            select(contact_points.c.person_id, contact_points.c.kind, contact_points.c.value)
            .where(contact_points.c.person_id.in_(chunk))
            .order_by(contact_points.c.id)
        ):
            points[pid][kind].append(value)
        tags: dict[int, list[str]] = defaultdict(list)
        for pid, tag in conn.execute(
            select(person_tags.c.person_id, person_tags.c.tag).where(
                person_tags.c.person_id.in_(chunk)
            )
        ):
            tags[pid].append(tag)
        insert_index(
            conn,
            {
                row["id"]: store.keys_from_row(
                    dict(row),
                    emails=points[row["id"]]["email"],
                    phones=points[row["id"]]["phone"],
                    tags=tags[row["id"]],
                )
                for row in rows
            },
            terms_table=terms_table,
        )


def _reset_sequences(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in backup_tables():
        if "id" in table.columns and table.c.id.primary_key:
            top = conn.execute(select(func.max(table.c.id))).scalar_one()
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value, :called)"),
                {"table": table.name, "value": top or 1, "called": top is not None},
            )
