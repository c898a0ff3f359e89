"""import queue: records an import with --review left for the user to decide

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

``import_queue`` keeps each record whose best match was uncertain, exactly as the import
prepared it (JSON), with the person it may be, the probability and the reasons, until the
user says "same person" or "a new person" (``kinmyaku queue``, the duplicates page).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(300), nullable=False, server_default=""),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name="fk_import_queue_import_id_imports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_import_queue"),
    )
    op.create_index("ix_import_queue_import", "import_queue", ["import_id"])


def downgrade() -> None:
    op.drop_index("ix_import_queue_import", table_name="import_queue")
    op.drop_table("import_queue")
