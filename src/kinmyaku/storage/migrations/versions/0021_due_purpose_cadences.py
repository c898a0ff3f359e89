"""due: the purpose cadences by their length

``kinmyaku due`` lists the people whose purpose cadence ran out one cadence at a time,
shortest first (storage/followups.py ``cadence_overdue``): it reads the cadences in use
and then the people of each. Without an index both read every purpose (13,000 rows at
100,000 people, about 9,500 with a cadence): the cadences are now read from the index,
and the people of one cadence (500-3,500) by it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the purposes by cadence."""
    op.create_index("ix_purposes_cadence_days", "purposes", ["cadence_days"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_purposes_cadence_days", table_name="purposes")
