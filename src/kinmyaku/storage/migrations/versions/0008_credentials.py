"""credentials: the password hash, the cookie key and the calendar token leave settings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Secrets get a table of their own, so that no backup can carry them: a JSON or SQLite backup
leaves out (and a restore empties) every credential table, and ``pg_dump`` is told to leave
out its data, which it cannot do for some rows of ``settings`` only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = ("owner_password", "web_secret_key", "calendar_token")


def _move(source: str, target: str) -> None:
    keys = ", ".join(f"'{key}'" for key in KEYS)  # fixed names, no user input
    op.execute(
        f"INSERT INTO {target} (key, value) SELECT key, value FROM {source} "  # noqa: S608
        f"WHERE key IN ({keys})"
    )
    op.execute(f"DELETE FROM {source} WHERE key IN ({keys})")  # noqa: S608


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_credentials"),
    )
    _move("settings", "credentials")


def downgrade() -> None:
    _move("credentials", "settings")
    op.drop_table("credentials")
