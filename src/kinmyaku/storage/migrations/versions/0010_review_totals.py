"""review totals: the network-wide sums of the touch summary, kept up to date

``touch_summary_totals`` holds what stats and the review add up over everyone (the
headline counts, the strength histogram, the two-way timeline, the diversity counts, the
channel, event and introducer yields) for the summary's day and one set of parameters
(a state row for each of its two parts). Recomputing marked people adds their new contributions and takes away
their old ones (services/insights_totals.py); a change the summary does not see
(a person added or deleted, a photo, a tier tag, a purpose, a snooze) empties the table
through the triggers below, and the next read recomputes it; an encounter at an event
added, moved or deleted removes just the per-event tallies' marker. Derived data, like the
summary: not in backups.

Indexes on ``touch_summary.last_touch_on`` and ``first_met_on`` let the overdue and
forgotten lists read their first rows in order instead of sorting everyone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESET = "DELETE FROM touch_summary_totals;"
WATCHED = (
    ("people", "INSERT"),
    ("people", "DELETE"),
    ("people", "UPDATE OF photo"),
    *(
        (table, event)
        for table in ("person_tags", "purposes", "keep_in_touch")
        for event in ("INSERT", "DELETE", "UPDATE")
    ),
)
"""(table, event) whose change the totals depend on but the summary's marks do not see."""


EVENTS_RESET = "DELETE FROM touch_summary_totals WHERE kind = 'events_state';"
ENCOUNTER_EVENTS = (
    ("encounters_tt_insert", "INSERT", "new.event_id IS NOT NULL"),
    ("encounters_tt_delete", "DELETE", "old.event_id IS NOT NULL"),
    (
        "encounters_tt_update",
        "UPDATE OF event_id, person_id",
        "old.event_id IS NOT NULL OR new.event_id IS NOT NULL",
    ),
)
"""An encounter at an event added, moved or deleted: the per-event tallies are stale."""


def _sqlite_name(table: str, event: str) -> str:
    return f"{table}_tt_{event.split()[0].lower()}"


def upgrade() -> None:
    op.create_table(
        "touch_summary_totals",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("a", sa.Float(), nullable=False),
        sa.Column("b", sa.Float(), nullable=False),
        sa.Column("c", sa.Float(), nullable=False),
        sa.Column("d", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_touch_summary_totals")),
    )
    op.create_index(
        op.f("ix_touch_summary_last_touch_on"), "touch_summary", ["last_touch_on"], unique=False
    )
    op.create_index(
        op.f("ix_touch_summary_first_met_on"), "touch_summary", ["first_met_on"], unique=False
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, event in WATCHED:
            op.execute(
                f"CREATE TRIGGER {_sqlite_name(table, event)} AFTER {event} ON {table} "
                f"BEGIN {RESET} END"
            )
        for name, event, when in ENCOUNTER_EVENTS:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON encounters WHEN {when} "
                f"BEGIN {EVENTS_RESET} END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION touch_summary_totals_reset() RETURNS trigger AS $$ "
            f"BEGIN {RESET} RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for table in ("people", "person_tags", "purposes", "keep_in_touch"):
            events = (
                "INSERT OR DELETE OR UPDATE OF photo"
                if table == "people"
                else ("INSERT OR DELETE OR UPDATE")
            )
            op.execute(
                f"CREATE TRIGGER {table}_tt AFTER {events} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION touch_summary_totals_reset()"
            )
        op.execute(
            "CREATE FUNCTION touch_summary_events_reset() RETURNS trigger AS $$ "
            f"BEGIN {EVENTS_RESET} RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER encounters_tt AFTER INSERT OR DELETE OR UPDATE OF event_id, person_id "
            "ON encounters FOR EACH STATEMENT EXECUTE FUNCTION touch_summary_events_reset()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, event in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(table, event)}")
        for name, _, _ in ENCOUNTER_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in ("people", "person_tags", "purposes", "keep_in_touch"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_tt ON {table}")
        op.execute("DROP TRIGGER IF EXISTS encounters_tt ON encounters")
        op.execute("DROP FUNCTION IF EXISTS touch_summary_totals_reset()")
        op.execute("DROP FUNCTION IF EXISTS touch_summary_events_reset()")
    op.drop_index(op.f("ix_touch_summary_first_met_on"), table_name="touch_summary")
    op.drop_index(op.f("ix_touch_summary_last_touch_on"), table_name="touch_summary")
    op.drop_table("touch_summary_totals")
