"""due: the purpose cadences in the touch summary, indexed with the last touch

The overdue list (``kinmyaku due``, the review) puts the people with a purpose cadence in
the order of how far past their cadence they are: within one cadence that is the order of
the last touch. Read from ``purposes`` it matched every purpose with a cadence (about 9,500
at 100,000 people) against the summary and sorted them all, on every call (25-32 ms of
server time on PostgreSQL). The summary now holds each person's purpose cadence, and a row
for everyone with one (touched or not), indexed by cadence, last touch and person: the
overdue people of a cadence are the first rows of its range. Triggers on ``purposes`` mark
the person (``touch_summary_dirty``), so that a changed cadence is recomputed before the
next read, as a changed touch is.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK = (
    "INSERT INTO touch_summary_dirty(person_id) SELECT {row}.person_id WHERE NOT EXISTS "
    "(SELECT 1 FROM touch_summary_dirty WHERE person_id = {row}.person_id);"
)
SQLITE_TRIGGERS = {
    "purposes_ts_ai": f"AFTER INSERT ON purposes BEGIN {MARK.format(row='new')} END",
    "purposes_ts_ad": f"AFTER DELETE ON purposes BEGIN {MARK.format(row='old')} END",
    "purposes_ts_au": (
        "AFTER UPDATE OF person_id, cadence_days ON purposes BEGIN "
        f"{MARK.format(row='old')} {MARK.format(row='new')} END"
    ),
}


def upgrade() -> None:
    """Add the column and its index, fill it, mark the people it adds rows for, triggers."""
    op.add_column("touch_summary", sa.Column("cadence_days", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE touch_summary SET cadence_days = (SELECT p.cadence_days FROM purposes p"
        " WHERE p.person_id = touch_summary.person_id)"
    )
    # People with a cadence and no row yet (never touched nor met): recomputed (a row of no
    # touches) by the next read; the totals do not change with them.
    op.execute(
        "INSERT INTO touch_summary_dirty(person_id) SELECT p.person_id FROM purposes p"
        " WHERE p.cadence_days IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM touch_summary s WHERE s.person_id = p.person_id)"
        " AND NOT EXISTS (SELECT 1 FROM touch_summary_dirty d WHERE d.person_id = p.person_id)"
    )
    op.create_index(
        "ix_touch_summary_paced",
        "touch_summary",
        ["cadence_days", "last_touch_on", "person_id"],
        sqlite_where=sa.text("cadence_days IS NOT NULL"),
        postgresql_where=sa.text("cadence_days IS NOT NULL"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(
            "CREATE TRIGGER purposes_ts AFTER INSERT OR UPDATE OF person_id, cadence_days"
            " OR DELETE ON purposes FOR EACH ROW EXECUTE FUNCTION touch_summary_mark()"
        )
        # Statistics of the new column now (every row was rewritten): without them the
        # planner guessed a third of the rows had a cadence and scanned the table for them.
        op.execute("ANALYZE touch_summary")


def downgrade() -> None:
    """Drop the triggers, the index and the column; the summary is rebuilt on its next use."""
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS purposes_ts ON purposes")
    op.drop_index("ix_touch_summary_paced", table_name="touch_summary")
    op.drop_column("touch_summary", "cadence_days")
    op.execute("DELETE FROM touch_summary_state")  # rebuilt (without the extra rows) on use
