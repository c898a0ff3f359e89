"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Every table of the first schema, plus the full-text index on notes: an FTS5 trigram table
kept in step by triggers on SQLite, a pg_trgm GIN index on PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), server_default="", nullable=False),
        sa.Column("goal", sa.Text(), server_default="", nullable=False),
        sa.Column("goal_count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_date"), ["date"], unique=False)

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_done", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_date"), ["date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interactions_follow_up_on"), ["follow_up_on"], unique=False
        )

    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reading", sa.String(length=200), server_default="", nullable=False),
        sa.Column("industry", sa.String(length=20), nullable=True),
        sa.Column("website", sa.String(length=300), server_default="", nullable=False),
        sa.Column(
            "name_key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organizations_name_key")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("given_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("family_reading", sa.String(length=100), server_default="", nullable=False),
        sa.Column("given_reading", sa.String(length=100), server_default="", nullable=False),
        sa.Column("reading_inferred", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("romaji", sa.String(length=200), server_default="", nullable=False),
        sa.Column("nickname", sa.String(length=100), server_default="", nullable=False),
        sa.Column("photo", sa.String(length=100), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("offers", sa.Text(), server_default="", nullable=False),
        sa.Column("needs", sa.Text(), server_default="", nullable=False),
        sa.Column("met", sa.Boolean(), server_default="1", nullable=False),
        sa.Column(
            "sort_key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            server_default="",
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_sort_key", ["sort_key", "id"], unique=False)

    op.create_table(
        "photos",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_photos")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "affiliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), server_default="", nullable=False),
        sa.Column("title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("is_current", sa.Boolean(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_affiliations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_affiliations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliations")),
    )
    with op.batch_alter_table("affiliations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_affiliations_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_affiliations_person_id"), ["person_id"], unique=False)

    op.create_table(
        "contact_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=40), server_default="", nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("normalized", sa.String(length=300), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_contact_points_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_points")),
    )
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.create_index("ix_contact_points_normalized", ["kind", "normalized"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_points_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "drill_cards",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("interval_days", sa.Integer(), server_default="1", nullable=False),
        sa.Column("ease", sa.Integer(), server_default="250", nullable=False),
        sa.Column("repetitions", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_drill_cards_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_drill_cards")),
    )
    with op.batch_alter_table("drill_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_cards_due_on"), ["due_on"], unique=False)

    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("introducer_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), server_default="", nullable=False),
        sa.Column("memory_cue", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_encounters_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introducer_id"],
            ["people.id"],
            name=op.f("fk_encounters_introducer_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_encounters_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_encounters_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_encounters_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_encounters_introducer_id"), ["introducer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_encounters_person_id"), ["person_id"], unique=False)

    op.create_table(
        "extra_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_extra_fields_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extra_fields")),
    )
    with op.batch_alter_table("extra_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extra_fields_person_id"), ["person_id"], unique=False)

    op.create_table(
        "interaction_people",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interaction_people_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_interaction_people_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interaction_id", "person_id", name=op.f("pk_interaction_people")),
    )
    with op.batch_alter_table("interaction_people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interaction_people_person", ["person_id", "interaction_id"], unique=False
        )

    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introducer_id", sa.Integer(), nullable=True),
        sa.Column("person_a", sa.Integer(), nullable=False),
        sa.Column("person_b", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("why", sa.Text(), server_default="", nullable=False),
        sa.Column("state", sa.String(length=20), server_default="proposed", nullable=False),
        sa.Column("outcome", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["introducer_id"],
            ["people.id"],
            name=op.f("fk_introductions_introducer_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_a"],
            ["people.id"],
            name=op.f("fk_introductions_person_a_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_b"],
            ["people.id"],
            name=op.f("fk_introductions_person_b_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    op.create_table(
        "keep_in_touch",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_keep_in_touch_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_keep_in_touch")),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_a", sa.Integer(), nullable=False),
        sa.Column("person_b", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("person_a < person_b", name=op.f("ck_links_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["person_a"], ["people.id"], name=op.f("fk_links_person_a_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_b"], ["people.id"], name=op.f("fk_links_person_b_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint("person_a", "person_b", "kind", name="uq_links_pair_kind"),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index("ix_links_b", ["person_b"], unique=False)

    op.create_table(
        "organization_terms",
        sa.Column(
            "term",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("pos", sa.SmallInteger(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("whole", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_terms_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "term", "pos", "organization_id", name=op.f("pk_organization_terms")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("organization_terms", schema=None) as batch_op:
        batch_op.create_index("ix_organization_terms_org", ["organization_id"], unique=False)

    op.create_table(
        "person_tags",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_tags_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("person_id", "tag", name="uq_person_tags_person_tag"),
    )
    with op.batch_alter_table("person_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_tags_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_person_tags_tag", ["tag"], unique=False)

    op.create_table(
        "provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("record_no", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_provenance_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provenance")),
    )
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.create_index("ix_provenance_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_provenance_import", ["import_id"], unique=False)

    op.create_table(
        "purposes",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=15), nullable=False),
        sa.Column("goal", sa.Text(), server_default="", nullable=False),
        sa.Column("offer", sa.Text(), server_default="", nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_purposes_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_purposes")),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=15), server_default="open", nullable=False),
        sa.Column("outcome", sa.Text(), server_default="", nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_requests_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_requests_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_requests_person_id"), ["person_id"], unique=False)

    op.create_table(
        "search_terms",
        sa.Column(
            "term",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("field", sa.SmallInteger(), nullable=False),
        sa.Column("pos", sa.SmallInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("whole", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_search_terms_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("term", "field", "pos", "person_id", name=op.f("pk_search_terms")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.create_index("ix_search_terms_person", ["person_id"], unique=False)

    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("weight", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("weight BETWEEN 1 AND 5", name=op.f("ck_exchanges_weight_range")),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_exchanges_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_exchanges_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchanges")),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.create_index("ix_exchanges_person_date", ["person_id", "date"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanges_person_id"), ["person_id"], unique=False)
    _create_notes_index()


NOTES_TRIGGERS = (
    "CREATE TRIGGER people_notes_ai AFTER INSERT ON people BEGIN "
    "INSERT INTO notes_fts(rowid, notes) VALUES (new.id, new.notes); END",
    "CREATE TRIGGER people_notes_ad AFTER DELETE ON people BEGIN "
    "INSERT INTO notes_fts(notes_fts, rowid, notes) VALUES ('delete', old.id, old.notes); END",
    "CREATE TRIGGER people_notes_au AFTER UPDATE OF notes ON people BEGIN "
    "INSERT INTO notes_fts(notes_fts, rowid, notes) VALUES ('delete', old.id, old.notes); "
    "INSERT INTO notes_fts(rowid, notes) VALUES (new.id, new.notes); END",
)


def _create_notes_index() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE notes_fts USING fts5("
            "notes, content='people', content_rowid='id', tokenize='trigram')"
        )
        for trigger in NOTES_TRIGGERS:
            op.execute(trigger)
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_people_notes_trgm ON people USING gin (notes gin_trgm_ops)")


def _drop_notes_index() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("people_notes_ai", "people_notes_ad", "people_notes_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS notes_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_people_notes_trgm")


def downgrade() -> None:
    _drop_notes_index()
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchanges_person_id"))
        batch_op.drop_index("ix_exchanges_person_date")

    op.drop_table("exchanges")
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_search_terms_person")

    op.drop_table("search_terms")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_person_id"))
        batch_op.drop_index(batch_op.f("ix_requests_due_on"))

    op.drop_table("requests")
    op.drop_table("purposes")
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.drop_index("ix_provenance_import")
        batch_op.drop_index("ix_provenance_entity")

    op.drop_table("provenance")
    with op.batch_alter_table("person_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_person_tags_tag")
        batch_op.drop_index(batch_op.f("ix_person_tags_person_id"))

    op.drop_table("person_tags")
    with op.batch_alter_table("organization_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_organization_terms_org")

    op.drop_table("organization_terms")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index("ix_links_b")

    op.drop_table("links")
    op.drop_table("keep_in_touch")
    op.drop_table("introductions")
    with op.batch_alter_table("interaction_people", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_people_person")

    op.drop_table("interaction_people")
    with op.batch_alter_table("extra_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extra_fields_person_id"))

    op.drop_table("extra_fields")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounters_person_id"))
        batch_op.drop_index(batch_op.f("ix_encounters_introducer_id"))
        batch_op.drop_index(batch_op.f("ix_encounters_event_id"))
        batch_op.drop_index(batch_op.f("ix_encounters_date"))

    op.drop_table("encounters")
    with op.batch_alter_table("drill_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drill_cards_due_on"))

    op.drop_table("drill_cards")
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_points_person_id"))
        batch_op.drop_index("ix_contact_points_normalized")

    op.drop_table("contact_points")
    with op.batch_alter_table("affiliations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_affiliations_person_id"))
        batch_op.drop_index(batch_op.f("ix_affiliations_organization_id"))

    op.drop_table("affiliations")
    op.drop_table("settings")
    op.drop_table("photos")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_sort_key")

    op.drop_table("people")
    op.drop_table("organizations")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_follow_up_on"))
        batch_op.drop_index(batch_op.f("ix_interactions_date"))

    op.drop_table("interactions")
    op.drop_table("imports")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_date"))

    op.drop_table("events")
