"""search by what you remember: a trigram index of cues, places, events, titles and notes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

``search_memory`` holds each person's remembered values, folded and filled as
``search_names`` holds their names (kinmyaku.storage.search_memory), indexed by an FTS5
trigram table on SQLite (external content, rows added by the code, deletes and updates
by triggers) and a pg_trgm GIN index on PostgreSQL.  Triggers on encounters, events,
affiliations and people mark the people whose values changed in ``search_memory_dirty``;
the code rebuilds their rows before a writing transaction commits.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TRIGGERS = (
    "CREATE TRIGGER search_memory_ad AFTER DELETE ON search_memory BEGIN "
    "INSERT INTO search_memory_fts(search_memory_fts, rowid, memory_keys, plain) VALUES "
    "('delete', old.person_id, old.memory_keys, replace(old.memory_keys, char(1), '')); END",
    "CREATE TRIGGER search_memory_au AFTER UPDATE ON search_memory BEGIN "
    "INSERT INTO search_memory_fts(search_memory_fts, rowid, memory_keys, plain) VALUES "
    "('delete', old.person_id, old.memory_keys, replace(old.memory_keys, char(1), '')); "
    "INSERT INTO search_memory_fts(rowid, memory_keys, plain) "
    "VALUES (new.person_id, new.memory_keys, replace(new.memory_keys, char(1), '')); END",
)
# NOT EXISTS rather than INSERT OR IGNORE: inside a trigger the outer statement's conflict
# policy wins (as migration 0002's marks).
MARK = (
    "INSERT INTO search_memory_dirty(person_id) SELECT {row}.{column} WHERE NOT EXISTS "
    "(SELECT 1 FROM search_memory_dirty WHERE person_id = {row}.{column});"
)
MARK_ATTENDEES = (
    "INSERT INTO search_memory_dirty(person_id) "
    "SELECT DISTINCT person_id FROM encounters WHERE event_id = {row}.id "
    "AND person_id NOT IN (SELECT person_id FROM search_memory_dirty);"
)
SQLITE_MARKS = (
    ("encounters_sm_ai", "AFTER INSERT ON encounters", MARK.format(row="new", column="person_id")),
    ("encounters_sm_ad", "AFTER DELETE ON encounters", MARK.format(row="old", column="person_id")),
    (
        "encounters_sm_au",
        "AFTER UPDATE OF person_id, event_id, date, place, memory_cue ON encounters",
        MARK.format(row="old", column="person_id")
        + " "
        + MARK.format(row="new", column="person_id"),
    ),
    (
        "affiliations_sm_ai",
        "AFTER INSERT ON affiliations",
        MARK.format(row="new", column="person_id"),
    ),
    (
        "affiliations_sm_ad",
        "AFTER DELETE ON affiliations",
        MARK.format(row="old", column="person_id"),
    ),
    (
        "affiliations_sm_au",
        "AFTER UPDATE OF person_id, title, department, is_current ON affiliations",
        MARK.format(row="old", column="person_id")
        + " "
        + MARK.format(row="new", column="person_id"),
    ),
    ("events_sm_au", "AFTER UPDATE OF name, place ON events", MARK_ATTENDEES.format(row="new")),
    ("events_sm_bd", "BEFORE DELETE ON events", MARK_ATTENDEES.format(row="old")),
    (
        "people_sm_ai",
        "AFTER INSERT ON people WHEN new.notes <> ''",
        MARK.format(row="new", column="id"),
    ),
    ("people_sm_au", "AFTER UPDATE OF notes ON people", MARK.format(row="new", column="id")),
)
PG_FUNCTIONS = (
    """
    CREATE FUNCTION search_memory_mark() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO search_memory_dirty(person_id) VALUES (OLD.person_id)
            ON CONFLICT DO NOTHING;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO search_memory_dirty(person_id) VALUES (NEW.person_id)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION search_memory_mark_attendees() RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_memory_dirty(person_id)
        SELECT person_id FROM encounters WHERE event_id = OLD.id
        ON CONFLICT DO NOTHING;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION search_memory_mark_person() RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_memory_dirty(person_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
)
PG_TRIGGERS = (
    "CREATE TRIGGER encounters_sm AFTER INSERT OR DELETE OR UPDATE OF person_id, event_id, "
    "date, place, memory_cue ON encounters FOR EACH ROW EXECUTE FUNCTION search_memory_mark()",
    "CREATE TRIGGER affiliations_sm AFTER INSERT OR DELETE OR UPDATE OF person_id, title, "
    "department, is_current ON affiliations FOR EACH ROW EXECUTE FUNCTION search_memory_mark()",
    "CREATE TRIGGER events_sm_au AFTER UPDATE OF name, place ON events "
    "FOR EACH ROW EXECUTE FUNCTION search_memory_mark_attendees()",
    "CREATE TRIGGER events_sm_bd BEFORE DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION search_memory_mark_attendees()",
    "CREATE TRIGGER people_sm_ai AFTER INSERT ON people FOR EACH ROW WHEN (NEW.notes <> '') "
    "EXECUTE FUNCTION search_memory_mark_person()",
    "CREATE TRIGGER people_sm_au AFTER UPDATE OF notes ON people "
    "FOR EACH ROW EXECUTE FUNCTION search_memory_mark_person()",
)
PG_TRIGGER_TABLES = (
    ("encounters_sm", "encounters"),
    ("affiliations_sm", "affiliations"),
    ("events_sm_au", "events"),
    ("events_sm_bd", "events"),
    ("people_sm_ai", "people"),
    ("people_sm_au", "people"),
)


def upgrade() -> None:
    op.create_table(
        "search_memory",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("memory_keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_search_memory_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_search_memory")),
    )
    op.create_table(
        "search_memory_dirty",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_search_memory_dirty")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIEW search_memory_fts_content AS SELECT person_id, memory_keys, "
            "replace(memory_keys, char(1), '') AS plain FROM search_memory"
        )
        op.execute(
            "CREATE VIRTUAL TABLE search_memory_fts USING fts5(memory_keys, plain, "
            "content='search_memory_fts_content', content_rowid='person_id', "
            "tokenize='trigram case_sensitive 1')"
        )
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
        for name, when, body in SQLITE_MARKS:
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_search_memory_trgm ON search_memory "
            "USING gin (memory_keys gin_trgm_ops)"
        )
        for function in PG_FUNCTIONS:
            op.execute(function)
        for trigger in PG_TRIGGERS:
            op.execute(trigger)
    from kinmyaku.storage.search_memory import rebuild_memory

    rebuild_memory(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name, _, _ in SQLITE_MARKS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name in ("search_memory_ad", "search_memory_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_memory_fts")
        op.execute("DROP VIEW IF EXISTS search_memory_fts_content")
    else:
        for name, table in PG_TRIGGER_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in (
            "search_memory_mark",
            "search_memory_mark_attendees",
            "search_memory_mark_person",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        op.execute("DROP INDEX IF EXISTS ix_search_memory_trgm")
    op.drop_table("search_memory_dirty")
    op.drop_table("search_memory")
