"""search speed on PostgreSQL: index-only look-ups and trigram indexes of the plain keys

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Four indexes let PostgreSQL answer a search from indexes alone (storage/search_plans.py),
as SQLite does from its WITHOUT ROWID and FTS5 tables already (nothing changes there):

* ``ix_people_search_order``, people's ``id`` with their ``sort_key``: the people a search
  found are put in reading order without reading their (wide) rows.
* ``search_terms``' primary key also carries ``whole`` and ``cut`` (``INCLUDE``): the
  exact tier (``高橋`` as the cut of ``高橋健太``) read every matching row from the table, in
  random order (13 ms for 1,460 rows of スズキ at 100,000 people).
* ``ix_search_names_trgm_plain`` and ``ix_search_memory_trgm_plain``: trigram indexes of
  the keys without the filler character between their letters.  A word of three letters
  or more is looked up there (its own trigrams, ``スズキ``); through the filled keys each of
  its letters is a trigram of its own, found in most rows (``%ス%``, ``%ズ%``, ``%キ%``):
  9-13 ms against 0.3-2.4 ms.  The filled keys stay for words of one or two letters.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "term, field, pos, person_id"
PLAIN = {
    "ix_search_names_trgm_plain": ("search_names", "name_keys"),
    "ix_search_memory_trgm_plain": ("search_memory", "memory_keys"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_terms DROP CONSTRAINT pk_search_terms, "
        f"ADD CONSTRAINT pk_search_terms PRIMARY KEY ({KEY}) INCLUDE (whole, cut)"
    )
    op.execute("CREATE INDEX ix_people_search_order ON people (id) INCLUDE (sort_key)")
    for name, (table, column) in PLAIN.items():
        op.execute(
            f"CREATE INDEX {name} ON {table} "
            f"USING gin ((replace({column}, chr(1), '')) gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_people_search_order")
    for name in PLAIN:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute(
        "ALTER TABLE search_terms DROP CONSTRAINT pk_search_terms, "
        f"ADD CONSTRAINT pk_search_terms PRIMARY KEY ({KEY})"
    )
