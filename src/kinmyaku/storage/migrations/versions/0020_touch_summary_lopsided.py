"""review: an index in the order of the one-sided list

The review lists the most one-sided relationships first (``ORDER BY`` how lopsided the
weights given and received are, then the exchanges, then the person): without an index
on that expression every review scanned and sorted the whole touch summary (about 160 ms
at 100,000 people on SQLite). ``ix_touch_summary_lopsided`` holds the expression itself
(``storage/schema.py`` ``LOPSIDED_SQL``; ``nullif`` keeps a row without weights NULL
rather than a division by zero), so the list reads its first rows in order on SQLite and
PostgreSQL.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOPSIDED_SQL = "abs((given_weight - received_weight) / nullif(given_weight + received_weight, 0))"


def upgrade() -> None:
    """Index the one-sided list's order."""
    op.execute(
        "CREATE INDEX ix_touch_summary_lopsided ON touch_summary"
        f" ({LOPSIDED_SQL} DESC, (gave_count + received_count) DESC, person_id)"
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_touch_summary_lopsided", table_name="touch_summary")
