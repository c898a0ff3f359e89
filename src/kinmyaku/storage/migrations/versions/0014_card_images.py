"""card_images: both sides of a scanned business card (名刺), kept with the person

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

* ``card_images``: one row per side (``front``/``back``), the picture re-encoded without
  EXIF (services/card_store.py).  ``person_id`` NULL: scanned and waiting on the review
  screen; a row never saved is deleted a day later.  Deleting (forgetting) the person
  deletes their card images (CASCADE).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("mime", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_card_images_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_card_images"),
    )
    op.create_index("ix_card_images_person_id", "card_images", ["person_id"])
    op.create_index("ix_card_images_created_at", "card_images", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_card_images_created_at", table_name="card_images")
    op.drop_index("ix_card_images_person_id", table_name="card_images")
    op.drop_table("card_images")
