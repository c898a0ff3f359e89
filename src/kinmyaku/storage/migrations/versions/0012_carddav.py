"""carddav: app passwords, the names clients gave cards, and tombstones of deleted cards

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

* ``app_passwords``: one per device syncing over CardDAV (services/app_passwords.py), an
  argon2 hash as the owner password's; a credential table (never in a backup or dump).
* ``dav_names``: the file name a CardDAV client chose for a card it created (``abc.vcf``);
  a person without one is served as ``<id>.vcf``.
* ``dav_deleted``: a card name gone (deleted over CardDAV, or its person renamed: then
  ``person_id`` is set), for sync-collection (RFC 6578).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_passwords",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_app_passwords"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_app_passwords_name", "app_passwords", ["name"])
    op.create_table(
        "dav_names",
        sa.Column("href", sa.String(200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_dav_names_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("href", name="pk_dav_names"),
        sa.UniqueConstraint("person_id", name="uq_dav_names_person_id"),
    )
    op.create_table(
        "dav_deleted",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("href", sa.String(200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dav_deleted"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_dav_deleted_deleted_at", "dav_deleted", ["deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_dav_deleted_deleted_at", table_name="dav_deleted")
    op.drop_table("dav_deleted")
    op.drop_table("dav_names")
    op.drop_index("ix_app_passwords_name", table_name="app_passwords")
    op.drop_table("app_passwords")
