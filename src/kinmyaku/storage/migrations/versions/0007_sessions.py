"""sessions: the browsers logged in with the owner password

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

``sessions`` holds one row per logged-in browser: the SHA-256 of its session id (never the
id itself), when it logged in and was last seen, the device and address.  A cookie whose
session is not here is not logged in, so deleting rows logs browsers out (``kinmyaku
sessions revoke``, Settings, and every password change).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("device", sa.String(100), nullable=False, server_default=""),
        sa.Column("ip", sa.String(45), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("sid_hash", name="uq_sessions_sid_hash"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("sessions")
