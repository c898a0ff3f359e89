"""open requests by status and due day: `kinmyaku due`, the home page and stats count and
list the open requests due soon from this index instead of reading every request

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_requests_status_due_on", "requests", ["status", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_requests_status_due_on", table_name="requests")
