"""summary anchor: decayed sums kept relative to a fixed day, strength rechecked when due

The touch summary's decayed sums are stored as of an anchor day
(``touch_summary_state.anchor``): the value on any day is the stored one times
``2^-((day - anchor) / half-life)``, one factor for everyone, so a new day updates no row
for them. ``touch_summary.recheck_day`` (a day number, ``date.toordinal()``) is the first
day on which a person's strength may fall into another bucket of the review's histogram or
below the strong threshold (NULL: never, without a new touch); the first read of a day
recomputes just the people whose day came (services/insights_roll.py), and the people with
a touch crossing an edge of a window, found by date: indexes on ``exchanges.date``,
``requests.asked_on`` and ``requests.closed_on`` (interactions and encounters had theirs).
The state row is removed, so the next read rebuilds the summary in the new layout.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = (("exchanges", "date"), ("requests", "asked_on"), ("requests", "closed_on"))


def upgrade() -> None:
    op.add_column("touch_summary", sa.Column("recheck_day", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_touch_summary_recheck_day"), "touch_summary", ["recheck_day"], unique=False
    )
    op.add_column("touch_summary_state", sa.Column("anchor", sa.Date(), nullable=True))
    for table, column in INDEXED:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)
    op.execute("DELETE FROM touch_summary_state")
    op.execute("DELETE FROM touch_summary_totals")


def downgrade() -> None:
    for table, column in INDEXED:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.execute("DELETE FROM touch_summary_state")
    op.execute("DELETE FROM touch_summary_totals")
    with op.batch_alter_table("touch_summary_state") as batch:
        batch.drop_column("anchor")
    op.drop_index(op.f("ix_touch_summary_recheck_day"), table_name="touch_summary")
    with op.batch_alter_table("touch_summary") as batch:
        batch.drop_column("recheck_day")
