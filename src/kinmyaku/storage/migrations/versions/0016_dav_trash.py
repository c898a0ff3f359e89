"""dav_trash: people deleted from a device kept restorable, the sync log, served cards

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

* ``dav_trash``: a person a CardDAV device deleted (services/dav_trash.py), every row of
  theirs as a merge journal (``snapshot``), until restored or deleted for good.
* ``dav_log``: what each device did over CardDAV (created, edited, merged, deleted,
  archived), shown on the Settings page.
* ``dav_served`` / ``dav_versions``: the card each device was last served under each name
  and the text of each served version, the base of a field-by-field merge.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dav_trash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), server_default="", nullable=False),
        sa.Column("company", sa.String(300), server_default="", nullable=False),
        sa.Column("device", sa.String(60), server_default="", nullable=False),
        sa.Column("href", sa.String(200), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("restored_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dav_trash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_dav_trash_person_id", "dav_trash", ["person_id"])
    op.create_index("ix_dav_trash_deleted_at", "dav_trash", ["deleted_at"])
    op.create_index("ix_dav_trash_restored_at", "dav_trash", ["restored_at"])
    op.create_table(
        "dav_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("device", sa.String(60), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("href", sa.String(200), server_default="", nullable=False),
        sa.Column("name", sa.String(300), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dav_log"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_dav_log_at", "dav_log", ["at"])
    op.create_index("ix_dav_log_person_id", "dav_log", ["person_id"])
    op.create_table(
        "dav_served",
        sa.Column("device", sa.String(60), nullable=False),
        sa.Column("href", sa.String(200), nullable=False),
        sa.Column("etag", sa.String(40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("device", "href", name="pk_dav_served"),
    )
    op.create_index("ix_dav_served_etag", "dav_served", ["etag"])
    op.create_index("ix_dav_served_person_id", "dav_served", ["person_id"])
    op.create_table(
        "dav_versions",
        sa.Column("etag", sa.String(40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("etag", name="pk_dav_versions"),
    )


def downgrade() -> None:
    op.drop_table("dav_versions")
    op.drop_index("ix_dav_served_person_id", table_name="dav_served")
    op.drop_index("ix_dav_served_etag", table_name="dav_served")
    op.drop_table("dav_served")
    op.drop_index("ix_dav_log_person_id", table_name="dav_log")
    op.drop_index("ix_dav_log_at", table_name="dav_log")
    op.drop_table("dav_log")
    op.drop_index("ix_dav_trash_restored_at", table_name="dav_trash")
    op.drop_index("ix_dav_trash_deleted_at", table_name="dav_trash")
    op.drop_index("ix_dav_trash_person_id", table_name="dav_trash")
    op.drop_table("dav_trash")
