"""search terms carry their person's sort key; an index of each term's first letter

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

A one-word search reads each tier's page in reading order (storage/search_plans.py).  It
looked every person a prefix found up in ``people`` for their sort key (2,600 people for
たか, 11,000 for た at 100,000 people) and sorted them all for a page of 20.  Now:

* ``search_terms.sort_key``, the person's ``people.sort_key`` (filled here from
  ``people``; written with every term by storage/search_index.py and services/demo.py;
  the trigger ``people_sort_key_terms`` follows a changed name).  A prefix that finds few
  people reads them in reading order from its own rows (PostgreSQL: the primary key
  ``INCLUDE``s it too, for index-only scans).
* ``ix_search_terms_head``, the first letter of each term starting a key (``pos = 0``) with
  the sort key and person: a prefix that finds many people (た, ta, 山) reads that letter's
  terms in reading order and stops at the page.
* ``ix_search_terms_cut``, the name part each joined key carries (``substr(term, 1, cut)``:
  高橋 of 高橋健太) with the sort key and person: the exact tier of a common name reads its
  page in reading order and stops (1,092 高橋 at 100,000 people).

Both are expression indexes, made by raw SQL (storage.migrate.RAW_SQL_OBJECTS) as the
trigram indexes are; storage/search_pages.py reads them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "term, field, pos, person_id"
HEAD = "ix_search_terms_head"
HEAD_COLUMNS = "(substr(term, 1, 1), sort_key, person_id)"
CUT = "ix_search_terms_cut"
CUT_COLUMNS = "(substr(term, 1, cut), sort_key, person_id)"
SQLITE_TRIGGER = """
CREATE TRIGGER people_sort_key_terms AFTER UPDATE OF sort_key ON people
WHEN NEW.sort_key IS NOT OLD.sort_key
BEGIN
    UPDATE search_terms SET sort_key = NEW.sort_key WHERE person_id = NEW.id;
END
"""
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION people_sort_key_terms() RETURNS trigger AS $$
BEGIN
    UPDATE search_terms SET sort_key = NEW.sort_key WHERE person_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = (
    "CREATE TRIGGER people_sort_key_terms AFTER UPDATE OF sort_key ON people "
    "FOR EACH ROW WHEN (NEW.sort_key IS DISTINCT FROM OLD.sort_key) "
    "EXECUTE FUNCTION people_sort_key_terms()"
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    key_type = sa.String(200, collation="C") if postgres else sa.String(200)
    op.add_column(
        "search_terms", sa.Column("sort_key", key_type, nullable=False, server_default="")
    )
    if postgres:
        op.execute(
            "UPDATE search_terms t SET sort_key = p.sort_key FROM people p "
            "WHERE p.id = t.person_id AND p.sort_key <> ''"
        )
        op.execute(
            "ALTER TABLE search_terms DROP CONSTRAINT pk_search_terms, "
            f"ADD CONSTRAINT pk_search_terms PRIMARY KEY ({KEY}) INCLUDE (whole, cut, sort_key)"
        )
        op.execute(
            f"CREATE INDEX {HEAD} ON search_terms {HEAD_COLUMNS} INCLUDE (term, field) "
            "WHERE pos = 0"
        )
        op.execute(
            f"CREATE INDEX {CUT} ON search_terms {CUT_COLUMNS} INCLUDE (whole, field) WHERE cut > 0"
        )
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        return
    op.execute(
        "UPDATE search_terms SET sort_key = "
        "(SELECT p.sort_key FROM people p WHERE p.id = search_terms.person_id) "
        "WHERE person_id IN (SELECT id FROM people WHERE sort_key <> '')"
    )
    op.execute(f"CREATE INDEX {HEAD} ON search_terms {HEAD_COLUMNS} WHERE pos = 0")
    op.execute(f"CREATE INDEX {CUT} ON search_terms {CUT_COLUMNS} WHERE cut > 0")
    op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS people_sort_key_terms" + (" ON people" if postgres else ""))
    op.execute(f"DROP INDEX IF EXISTS {HEAD}")
    op.execute(f"DROP INDEX IF EXISTS {CUT}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS people_sort_key_terms()")
        op.execute(
            "ALTER TABLE search_terms DROP CONSTRAINT pk_search_terms, "
            f"ADD CONSTRAINT pk_search_terms PRIMARY KEY ({KEY}) INCLUDE (whole, cut)"
        )
    op.execute("ALTER TABLE search_terms DROP COLUMN sort_key")
