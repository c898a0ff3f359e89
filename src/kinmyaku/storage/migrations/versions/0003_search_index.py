"""a lighter search index: substrings through a trigram index, not suffix rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The suffix rows of names, readings and romaji (``search_terms.pos > 0``, 40-odd a person)
are deleted; the full keys go to ``search_names``, indexed by an FTS5 trigram table on
SQLite (external content, like ``notes_fts``) and a pg_trgm GIN index on
PostgreSQL.  The phone tails (the last 8 and 4 digits, ``pos > 0`` too) stay.  The
downgrade writes the suffix rows again.
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_FIELD, READING_FIELD, ROMAJI_FIELD, PHONE_FIELD = 1, 2, 3, 6
MAX_TERM = 200
CHUNK = 5000

# No insert trigger: kinmyaku.storage.search_index.write_index_rows adds the FTS5 rows itself
# (an insert trigger makes FTS5 flush row by row, 4x slower).  Deletes (also by the
# cascade from people) and updates are kept in step here.  The FTS5 table indexes two
# columns: the filled keys (one or two characters) and the plain keys (three or more), the
# plain ones made by the view it reads from.
NAMES_TRIGGERS = (
    "CREATE TRIGGER search_names_ad AFTER DELETE ON search_names BEGIN "
    "INSERT INTO search_names_fts(search_names_fts, rowid, name_keys, plain) "
    "VALUES ('delete', old.person_id, old.name_keys, replace(old.name_keys, char(1), '')); "
    "END",
    "CREATE TRIGGER search_names_au AFTER UPDATE ON search_names BEGIN "
    "INSERT INTO search_names_fts(search_names_fts, rowid, name_keys, plain) "
    "VALUES ('delete', old.person_id, old.name_keys, replace(old.name_keys, char(1), '')); "
    "INSERT INTO search_names_fts(rowid, name_keys, plain) "
    "VALUES (new.person_id, new.name_keys, replace(new.name_keys, char(1), '')); END",
)


def create_names_index() -> None:
    """The trigram index of ``search_names.name_keys`` (FTS5 on SQLite, pg_trgm on PostgreSQL)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIEW search_names_fts_content AS SELECT person_id, name_keys, "
            "replace(name_keys, char(1), '') AS plain FROM search_names"
        )
        op.execute(
            "CREATE VIRTUAL TABLE search_names_fts USING fts5(name_keys, plain, "
            "content='search_names_fts_content', content_rowid='person_id', "
            "tokenize='trigram case_sensitive 1')"
        )
        for trigger in NAMES_TRIGGERS:
            op.execute(trigger)
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_search_names_trgm ON search_names USING gin (name_keys gin_trgm_ops)"
        )


def _people_names() -> Iterator[list[tuple[Any, ...]]]:
    """(id, family_name, given_name, family_reading, given_reading, romaji), in chunks."""
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        *(
            sa.column(name, sa.String)
            for name in ("family_name", "given_name", "family_reading", "given_reading", "romaji")
        ),
    )
    last = 0
    while True:
        rows = [
            tuple(row)
            for row in op.get_bind().execute(
                sa.select(people).where(people.c.id > last).order_by(people.c.id).limit(CHUNK)
            )
        ]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _fill_names() -> None:
    from kinmyaku.domain.search_keys import PersonKeys, name_index
    from kinmyaku.storage.search_index import names_text

    names = sa.table("search_names", sa.column("person_id", sa.Integer), sa.column("name_keys"))
    for rows in _people_names():
        values = []
        for pid, family, given, family_r, given_r, romaji in rows:
            keys = PersonKeys(
                family or "", given or "", family_r or "", given_r or "", romaji or ""
            )
            inside = name_index(keys)[1]
            if inside:
                values.append({"person_id": pid, "name_keys": names_text(inside)})
        if values:
            op.get_bind().execute(sa.insert(names), values)


def suffix_terms(
    family: str, given: str, family_r: str, given_r: str, romaji: str
) -> list[tuple[str, int, int]]:
    """(term, field, pos) of the suffix rows revision 0002 stored for these names (pos > 0)."""
    from kinmyaku.domain.names import fold_text, is_latin, kana_to_romaji, romaji_key

    found: dict[tuple[str, int, int], None] = {}
    full = fold_text(family) + fold_text(given)
    shortest = 2 if full.isascii() else 1
    key = full[:MAX_TERM]
    for start in range(1, len(key) - shortest + 1):
        found[(key[start:], NAME_FIELD, start)] = None
    reading = fold_text(family_r) + fold_text(given_r)
    if reading and reading != full:
        key = reading[:MAX_TERM]
        for start in range(1, len(key)):
            found[(key[start:], READING_FIELD, start)] = None
    for start in range(1, len(reading)):
        suffix = romaji_key(kana_to_romaji(reading[start:]))
        if len(suffix) >= 2:
            found[(suffix[:MAX_TERM], ROMAJI_FIELD, start)] = None
    sources = [romaji]
    if is_latin(family + given):
        sources += [f"{family} {given}", f"{given} {family}"]
    for source in sources:
        key = romaji_key(source)[:MAX_TERM]
        for start in range(1, len(key) - 1):
            found[(key[start:], ROMAJI_FIELD, start)] = None
    return list(found)


def _restore_suffix_rows() -> None:
    terms = sa.table(
        "search_terms",
        *(sa.column(name) for name in ("term", "field", "pos", "person_id", "whole")),
    )
    for rows in _people_names():
        values = [
            {"term": term, "field": field, "pos": pos, "person_id": row[0], "whole": False}
            for row in rows
            for term, field, pos in suffix_terms(*(str(name or "") for name in row[1:]))
        ]
        for start in range(0, len(values), CHUNK):
            op.get_bind().execute(sa.insert(terms), values[start : start + CHUNK])


def upgrade() -> None:
    op.create_table(
        "search_names",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name_keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_search_names_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_search_names")),
    )
    create_names_index()
    op.execute(
        sa.text("DELETE FROM search_terms WHERE pos > 0 AND field <> :phone").bindparams(
            phone=PHONE_FIELD
        )
    )
    _fill_names()
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO search_names_fts(search_names_fts) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("search_names_ad", "search_names_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_names_fts")
        op.execute("DROP VIEW IF EXISTS search_names_fts_content")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_names_trgm")
    op.drop_table("search_names")
    _restore_suffix_rows()
