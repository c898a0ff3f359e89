"""touch summary fillfactor: room on each page for the daily roll-forward (PostgreSQL)

The first stats or review of a day rewrites every row of ``touch_summary`` once (the
decayed sums and the strength, services/insights_summary.py ``_roll_forward``). With full
pages each new row version lands on another page, and every index of the table gets a new
entry for it: about 4 s at 100,000 people. With pages filled to 45 % the new version fits
beside the old one and no indexed column changes, so PostgreSQL makes a heap-only (HOT)
update: no index is touched (about 0.9 s). The setting applies to pages written from now
on (the next rebuild of the summary writes them all). SQLite has no such setting.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILLFACTOR = 45


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE touch_summary SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE touch_summary RESET (fillfactor)")
