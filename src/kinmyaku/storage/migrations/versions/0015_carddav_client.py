"""carddav client: the address books kinmyaku syncs with, each card's sync state, a sync log

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

* ``dav_accounts``: a remote CardDAV address book (``kinmyaku sync add``): its URL, user
  name, the address book found by discovery and the last sync token.  The password is in
  the ``credentials`` table (never in a backup or dump).  ``running_since``: when the sync
  running now started (one sync of an account at a time: services/dav_client.py).
* ``dav_sync_state``: each remote card as last synced (ETag, person, the card's and the
  person's fields then as JSON: the bases of the three-way merges, and the person's
  ``updated_at`` then).
* ``dav_sync_log``: one row per sync of an account (counts, or the error).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dav_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("addressbook", sa.Text(), nullable=True),
        sa.Column("sync_position", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sync", sa.DateTime(), nullable=True),
        sa.Column("running_since", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dav_accounts"),
        sa.UniqueConstraint("name", name="uq_dav_accounts_name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "dav_sync_state",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("href", sa.String(500), nullable=False),
        sa.Column("etag", sa.String(200), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("local", sa.Text(), nullable=False),
        sa.Column("stamp", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["dav_accounts.id"],
            name="fk_dav_sync_state_account_id_dav_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "href", name="pk_dav_sync_state"),
    )
    op.create_index("ix_dav_sync_state_person", "dav_sync_state", ["account_id", "person_id"])
    op.create_table(
        "dav_sync_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["dav_accounts.id"],
            name="fk_dav_sync_log_account_id_dav_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dav_sync_log"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_dav_sync_log_account", "dav_sync_log", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_dav_sync_log_account", table_name="dav_sync_log")
    op.drop_table("dav_sync_log")
    op.drop_index("ix_dav_sync_state_person", table_name="dav_sync_state")
    op.drop_table("dav_sync_state")
    op.drop_table("dav_accounts")
