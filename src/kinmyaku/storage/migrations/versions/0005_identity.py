"""identity: other names of a person, pairs that are different people, undoable merges

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

``person_aliases`` keeps every other name a person is known by (a 旧姓, the romaji or
English spelling of a LinkedIn export, the name of a record merged into them), so that an
import or a merge never drops a name.  ``not_duplicates`` holds the pairs the user said
are different people: they are never suggested or merged again.  ``merges`` records each
merge with a snapshot of what it changed, which ``kinmyaku merge undo`` puts back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("family_reading", sa.String(100), nullable=False, server_default=""),
        sa.Column("given_reading", sa.String(100), nullable=False, server_default=""),
        sa.Column("source", sa.String(20), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_person_aliases_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_aliases"),
    )
    op.create_index("ix_person_aliases_person_id", "person_aliases", ["person_id"])
    op.create_table(
        "not_duplicates",
        sa.Column("person_a", sa.Integer(), nullable=False),
        sa.Column("person_b", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("person_a < person_b", name=op.f("ck_not_duplicates_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["person_a"],
            ["people.id"],
            name="fk_not_duplicates_person_a_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_b"],
            ["people.id"],
            name="fk_not_duplicates_person_b_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_a", "person_b", name="pk_not_duplicates"),
    )
    op.create_index("ix_not_duplicates_b", "not_duplicates", ["person_b"])
    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("pairs", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_merges"),
    )


def downgrade() -> None:
    op.drop_table("merges")
    op.drop_index("ix_not_duplicates_b", table_name="not_duplicates")
    op.drop_table("not_duplicates")
    op.drop_index("ix_person_aliases_person_id", table_name="person_aliases")
    op.drop_table("person_aliases")
