"""per-person touch summary for the review and stats

The summary (``touch_summary``) holds every touched person's aggregates as of one day and
one set of parameters (``touch_summary_state``), with the first meeting and the current
job. Triggers on every table that makes a touch (interactions and their participants,
encounters, exchanges, requests) or a job (affiliations, organizations) put the
people whose touches changed in ``touch_summary_dirty`` (a deleted person's mark goes
with them); the insights recompute only
those (services/insights_summary.py). The upgrade leaves the summary without a state row,
which means "stale": the first read rebuilds it from the existing rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_TABLES = ("encounters", "exchanges", "requests", "interaction_people", "affiliations")
"""Tables whose rows carry the person's id (touches, and the current job)."""
# NOT EXISTS rather than INSERT OR IGNORE: inside a trigger the outer statement's conflict
# policy wins, and a cascade (deleting a person) marks the same person several times.
MARK = (
    "INSERT INTO touch_summary_dirty(person_id) SELECT {row}.person_id WHERE NOT EXISTS "
    "(SELECT 1 FROM touch_summary_dirty WHERE person_id = {row}.person_id);"
)
MARK_STAFF = (
    "INSERT INTO touch_summary_dirty(person_id) "
    "SELECT DISTINCT person_id FROM affiliations WHERE organization_id = {row}.id "
    "AND person_id NOT IN (SELECT person_id FROM touch_summary_dirty);"
)
MARK_PARTICIPANTS = (
    "INSERT INTO touch_summary_dirty(person_id) "
    "SELECT DISTINCT person_id FROM interaction_people WHERE interaction_id = {row}.id "
    "AND person_id NOT IN (SELECT person_id FROM touch_summary_dirty);"
)


def _sqlite_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) of the SQLite triggers."""
    found = []
    for table in PERSON_TABLES:
        found += [
            (f"{table}_ts_ai", f"AFTER INSERT ON {table} BEGIN {MARK.format(row='new')} END"),
            (f"{table}_ts_ad", f"AFTER DELETE ON {table} BEGIN {MARK.format(row='old')} END"),
            (
                f"{table}_ts_au",
                f"AFTER UPDATE ON {table} BEGIN "
                f"{MARK.format(row='old')} {MARK.format(row='new')} END",
            ),
        ]
    found += [
        (
            "interactions_ts_au",
            f"AFTER UPDATE OF date ON interactions BEGIN {MARK_PARTICIPANTS.format(row='new')} END",
        ),
        (
            "interactions_ts_bd",
            f"BEFORE DELETE ON interactions BEGIN {MARK_PARTICIPANTS.format(row='old')} END",
        ),
        (
            "organizations_ts_au",
            "AFTER UPDATE OF name, industry ON organizations BEGIN "
            f"{MARK_STAFF.format(row='new')} END",
        ),
        (
            "organizations_ts_bd",
            f"BEFORE DELETE ON organizations BEGIN {MARK_STAFF.format(row='old')} END",
        ),
    ]
    found.append(
        (
            "people_ts_ad",
            "AFTER DELETE ON people BEGIN "
            "DELETE FROM touch_summary_dirty WHERE person_id = old.id; END",
        )
    )
    return [(name, f"CREATE TRIGGER {name} {body}") for name, body in found]


PG_FUNCTIONS = (
    """
    CREATE FUNCTION touch_summary_mark() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO touch_summary_dirty(person_id) VALUES (OLD.person_id)
            ON CONFLICT DO NOTHING;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO touch_summary_dirty(person_id) VALUES (NEW.person_id)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION touch_summary_mark_participants() RETURNS trigger AS $$
    BEGIN
        INSERT INTO touch_summary_dirty(person_id)
        SELECT person_id FROM interaction_people WHERE interaction_id = OLD.id
        ON CONFLICT DO NOTHING;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION touch_summary_mark_staff() RETURNS trigger AS $$
    BEGIN
        INSERT INTO touch_summary_dirty(person_id)
        SELECT person_id FROM affiliations WHERE organization_id = OLD.id
        ON CONFLICT DO NOTHING;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION touch_summary_forget() RETURNS trigger AS $$
    BEGIN
        DELETE FROM touch_summary_dirty WHERE person_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
)


def _pg_triggers() -> list[str]:
    found = [
        f"CREATE TRIGGER {table}_ts AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION touch_summary_mark()"
        for table in PERSON_TABLES
    ]
    found += [
        "CREATE TRIGGER interactions_ts_au AFTER UPDATE OF date ON interactions "
        "FOR EACH ROW EXECUTE FUNCTION touch_summary_mark_participants()",
        "CREATE TRIGGER interactions_ts_bd BEFORE DELETE ON interactions "
        "FOR EACH ROW EXECUTE FUNCTION touch_summary_mark_participants()",
        "CREATE TRIGGER organizations_ts_au AFTER UPDATE OF name, industry ON organizations "
        "FOR EACH ROW EXECUTE FUNCTION touch_summary_mark_staff()",
        "CREATE TRIGGER organizations_ts_bd BEFORE DELETE ON organizations "
        "FOR EACH ROW EXECUTE FUNCTION touch_summary_mark_staff()",
        # Deferred to the commit: after the cascades' own triggers have marked the person.
        "CREATE CONSTRAINT TRIGGER people_ts_ad AFTER DELETE ON people "
        "DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION touch_summary_forget()",
    ]
    return found


def upgrade() -> None:
    op.create_table(
        "touch_summary",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("first_touch_on", sa.Date(), nullable=True),
        sa.Column("last_touch_on", sa.Date(), nullable=True),
        sa.Column("touch_count", sa.Integer(), nullable=False),
        sa.Column("decayed_weight", sa.Float(), nullable=False),
        sa.Column("gave_count", sa.Integer(), nullable=False),
        sa.Column("received_count", sa.Integer(), nullable=False),
        sa.Column("given_weight", sa.Float(), nullable=False),
        sa.Column("received_weight", sa.Float(), nullable=False),
        sa.Column("prev_given_weight", sa.Float(), nullable=False),
        sa.Column("prev_received_weight", sa.Float(), nullable=False),
        sa.Column("decayed_given", sa.Float(), nullable=False),
        sa.Column("decayed_received", sa.Float(), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("first_met_on", sa.Date(), nullable=True),
        sa.Column("memory_cue", sa.Text(), nullable=True),
        sa.Column("industry", sa.String(length=20), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("organization", sa.String(length=200), nullable=True),
        sa.Column("first_channel", sa.String(length=20), nullable=True),
        sa.Column("first_introducer_id", sa.Integer(), nullable=True),
        sa.Column("gave_mask", sa.Integer(), nullable=False),
        sa.Column("received_mask", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_touch_summary_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_touch_summary")),
    )
    op.create_table(
        "touch_summary_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("params_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touch_summary_state")),
    )
    op.create_table(
        "touch_summary_dirty",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_touch_summary_dirty")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for _, statement in _sqlite_triggers():
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in (*PG_FUNCTIONS, *_pg_triggers()):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, _ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in PERSON_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_ts ON {table}")
        op.execute("DROP TRIGGER IF EXISTS interactions_ts_au ON interactions")
        op.execute("DROP TRIGGER IF EXISTS interactions_ts_bd ON interactions")
        op.execute("DROP TRIGGER IF EXISTS people_ts_ad ON people")
        op.execute("DROP TRIGGER IF EXISTS organizations_ts_au ON organizations")
        op.execute("DROP TRIGGER IF EXISTS organizations_ts_bd ON organizations")
        op.execute("DROP FUNCTION IF EXISTS touch_summary_mark_staff()")
        op.execute("DROP FUNCTION IF EXISTS touch_summary_forget()")
        op.execute("DROP FUNCTION IF EXISTS touch_summary_mark()")
        op.execute("DROP FUNCTION IF EXISTS touch_summary_mark_participants()")
    op.drop_table("touch_summary_dirty")
    op.drop_table("touch_summary_state")
    op.drop_table("touch_summary")
