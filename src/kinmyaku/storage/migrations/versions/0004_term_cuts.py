"""name parts as cuts of the joined keys: fewer search term rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

A person was indexed under each whole key of the name, reading and romaji: family name,
given name, and both joined in each order (``高橋``, ``健太``, ``高橋健太``, ``健太高橋``).
A part starts the joined key of its order, so the joined key's row can carry the part's
length instead (``search_terms.cut``): ``高橋健太`` with cut 2 is found exactly by ``高橋``
(storage/search_plans.py), and by prefix as before.  That is a third fewer rows.

The upgrade adds the column (0 for the rows already there, which stay valid: their parts
have rows of their own); people indexed from now on get the shorter form.  The downgrade
writes the carried parts back as rows of their own and drops the column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A cut row's part, as the row of its own that revision 0003 stored (unless one is there).
PARTS_BACK = (
    "INSERT INTO search_terms (term, field, pos, person_id, whole) "
    "SELECT DISTINCT substr(t.term, 1, t.cut), t.field, 0, t.person_id, t.whole "
    "FROM search_terms t WHERE t.cut > 0 AND NOT EXISTS ("
    "SELECT 1 FROM search_terms o WHERE o.term = substr(t.term, 1, t.cut) "
    "AND o.field = t.field AND o.pos = 0 AND o.person_id = t.person_id)"
)


def upgrade() -> None:
    op.add_column(
        "search_terms",
        sa.Column("cut", sa.SmallInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.execute(PARTS_BACK)
    # SQLite drops a column in place since 3.35 (no copy of the table, which is WITHOUT
    # ROWID); PostgreSQL always could.
    op.execute("ALTER TABLE search_terms DROP COLUMN cut")
