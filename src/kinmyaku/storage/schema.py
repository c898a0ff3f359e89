"""The database tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Alembic migrations in ``storage/migrations`` create exactly these tables; a test checks
that the migrated database and this metadata agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# Search keys compare byte-wise so that a prefix range (q <= term < q + U+10FFFF) is exact.
KeyText = String(200).with_variant(String(200, collation="C"), "postgresql")


def _person_fk(name: str = "person_id", *, nullable: bool = False) -> Column[int]:
    return Column(
        name, Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=nullable, index=True
    )


people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_name", String(100), nullable=False),
    Column("given_name", String(100), nullable=False, server_default=""),
    Column("family_reading", String(100), nullable=False, server_default=""),
    Column("given_reading", String(100), nullable=False, server_default=""),
    Column("reading_inferred", Boolean, nullable=False, server_default="0"),
    Column("romaji", String(200), nullable=False, server_default=""),
    Column("nickname", String(100), nullable=False, server_default=""),
    Column("photo", String(100)),
    Column("birthday", Date),
    Column("notes", Text, nullable=False, server_default=""),
    Column("offers", Text, nullable=False, server_default=""),
    Column("needs", Text, nullable=False, server_default=""),
    # False: someone I only know of through others and want to reach.
    Column("met", Boolean, nullable=False, server_default="1"),
    Column("sort_key", KeyText, nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_people_sort_key", "sort_key", "id"),
)

person_tags = Table(
    "person_tags",
    metadata,
    _person_fk(),
    Column("tag", String(60), nullable=False),
    UniqueConstraint("person_id", "tag", name="uq_person_tags_person_tag"),
    Index("ix_person_tags_tag", "tag"),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column("kind", String(10), nullable=False),
    Column("label", String(40), nullable=False, server_default=""),
    Column("value", String(300), nullable=False),
    Column("normalized", String(300), nullable=False, server_default=""),
    Index("ix_contact_points_normalized", "kind", "normalized"),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("reading", String(200), nullable=False, server_default=""),
    Column("industry", String(20)),
    Column("website", String(300), nullable=False, server_default=""),
    Column("name_key", KeyText, nullable=False, unique=True),
)

affiliations = Table(
    "affiliations",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column(
        "organization_id",
        Integer,
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("department", String(200), nullable=False, server_default=""),
    Column("title", String(200), nullable=False, server_default=""),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("is_current", Boolean, nullable=False, server_default="1"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("date", Date, nullable=False, index=True),
    Column("place", String(200), nullable=False, server_default=""),
    Column("goal", Text, nullable=False, server_default=""),
    Column("goal_count", Integer),
)

encounters = Table(
    "encounters",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column("date", Date, nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("introducer_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="SET NULL"), index=True),
    Column("place", String(200), nullable=False, server_default=""),
    Column("memory_cue", Text, nullable=False, server_default=""),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", Date, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("follow_up_on", Date, index=True),
    Column("follow_up_done", Boolean, nullable=False, server_default="0"),
)

interaction_people = Table(
    "interaction_people",
    metadata,
    Column(
        "interaction_id",
        Integer,
        ForeignKey("interactions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_interaction_people_person", "person_id", "interaction_id"),
)

exchanges = Table(
    "exchanges",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column("date", Date, nullable=False),
    Column("direction", String(10), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("weight", SmallInteger, nullable=False, server_default="1"),
    Column("note", Text, nullable=False, server_default=""),
    Column("introduction_id", Integer, ForeignKey("introductions.id", ondelete="CASCADE")),
    CheckConstraint("weight BETWEEN 1 AND 5", name="weight_range"),
    Index("ix_exchanges_person_date", "person_id", "date"),
    # A new day finds the touches crossing a window edge by date (migration 0018).
    Index("ix_exchanges_date", "date"),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column("side", String(10), nullable=False),
    Column("what", Text, nullable=False),
    Column("asked_on", Date, nullable=False),
    Column("due_on", Date, index=True),
    Column("status", String(15), nullable=False, server_default="open"),
    Column("outcome", Text, nullable=False, server_default=""),
    Column("closed_on", Date),
    # `due`, home and stats: the open requests due by a day (migration 0017).
    Index("ix_requests_status_due_on", "status", "due_on"),
    # A new day finds the touches crossing a window edge by date (migration 0018).
    Index("ix_requests_asked_on", "asked_on"),
    Index("ix_requests_closed_on", "closed_on"),
)

purposes = Table(
    "purposes",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(15), nullable=False),
    Column("goal", Text, nullable=False, server_default=""),
    Column("offer", Text, nullable=False, server_default=""),
    Column("cadence_days", Integer),
    Index("ix_purposes_cadence_days", "cadence_days"),  # due: the cadences in use (0021)
)

links = Table(
    "links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_a", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("person_b", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(15), nullable=False),
    Column("date", Date),
    Column("outcome", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    CheckConstraint("person_a < person_b", name="ordered_pair"),
    UniqueConstraint("person_a", "person_b", "kind", name="uq_links_pair_kind"),
    Index("ix_links_b", "person_b"),
)

introductions = Table(
    "introductions",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL introducer: I made the introduction.  Otherwise someone introduced person_b to me.
    Column("introducer_id", Integer, ForeignKey("people.id", ondelete="CASCADE")),
    Column("person_a", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("person_b", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("why", Text, nullable=False, server_default=""),
    Column("state", String(20), nullable=False, server_default="proposed"),
    Column("outcome", Text, nullable=False, server_default=""),
)

keep_in_touch = Table(
    "keep_in_touch",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("snoozed_until", Date),
)

drill_cards = Table(
    "drill_cards",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("due_on", Date, nullable=False, index=True),
    Column("interval_days", Integer, nullable=False, server_default="1"),
    Column("ease", Integer, nullable=False, server_default="250"),
    Column("repetitions", Integer, nullable=False, server_default="0"),
)

# The per-person touch summary (migration 0002): the aggregates and strength of everyone
# touched or met (first encounter, memory cue, current job, how met, the two-way timeline
# masks) as of one day and parameters
# (touch_summary_state), kept up to date by triggers that mark the people whose touches
# changed (touch_summary_dirty); the insights recompute only those
# (services/insights_summary.py). Derived data: not in backups.
touch_summary = Table(
    "touch_summary",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("first_touch_on", Date),
    Column("last_touch_on", Date),
    Column("touch_count", Integer, nullable=False),
    Column("decayed_weight", Float, nullable=False),
    Column("gave_count", Integer, nullable=False),
    Column("received_count", Integer, nullable=False),
    Column("given_weight", Float, nullable=False),
    Column("received_weight", Float, nullable=False),
    Column("prev_given_weight", Float, nullable=False),
    Column("prev_received_weight", Float, nullable=False),
    Column("decayed_given", Float, nullable=False),
    Column("decayed_received", Float, nullable=False),
    Column("strength", Float, nullable=False),
    Column("first_met_on", Date),
    Column("memory_cue", Text),
    Column("industry", String(20)),
    Column("department", String(200)),
    Column("organization", String(200)),
    Column("first_channel", String(20)),
    Column("first_introducer_id", Integer),
    Column("gave_mask", Integer, nullable=False),
    Column("received_mask", Integer, nullable=False),
    Column("recheck_day", Integer),
    # The purpose's keep-in-touch cadence (migration 0022): everyone with one has a row,
    # so that the overdue list reads the people of each cadence in its order.
    Column("cadence_days", Integer),
    Index("ix_touch_summary_last_touch_on", "last_touch_on"),
    Index("ix_touch_summary_first_met_on", "first_met_on"),
    Index("ix_touch_summary_recheck_day", "recheck_day"),
    Index(
        "ix_touch_summary_paced",
        "cadence_days",
        "last_touch_on",
        "person_id",
        sqlite_where=text("cadence_days IS NOT NULL"),
        postgresql_where=text("cadence_days IS NOT NULL"),
    ),
)
LOPSIDED_SQL = "abs((given_weight - received_weight) / nullif(given_weight + received_weight, 0))"
"""How one-sided a relationship is, as the review's one-sided list orders it (migration
0020 indexes this very expression; services/insights_review.py ``one_sided``)."""
Index(
    "ix_touch_summary_lopsided",
    text(f"{LOPSIDED_SQL} DESC"),
    text("(gave_count + received_count) DESC"),
    touch_summary.c.person_id,
)

touch_summary_state = Table(
    "touch_summary_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("params_key", Text, nullable=False),
    Column("anchor", Date),
)

touch_summary_dirty = Table(
    "touch_summary_dirty",
    metadata,
    Column("person_id", Integer, primary_key=True, autoincrement=False),
)

# What stats and the review add up over everyone, for the summary's day and parameters
# (migration 0010; services/insights_totals.py): up to four sums per (kind, key).
touch_summary_totals = Table(
    "touch_summary_totals",
    metadata,
    Column("kind", String(40), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("a", Float, nullable=False),
    Column("b", Float, nullable=False),
    Column("c", Float, nullable=False),
    Column("d", Float, nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("format", String(20), nullable=False),
    Column("files", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("undone_at", DateTime),
)

provenance = Table(
    "provenance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("entity", String(30), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("action", String(10), nullable=False),
    Column("file", String(300), nullable=False),
    Column("record_no", Integer, nullable=False),
    Column("line", Integer),
    Column("before", Text),
    Index("ix_provenance_import", "import_id"),
    Index("ix_provenance_entity", "entity", "entity_id"),
)

extra_fields = Table(
    "extra_fields",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column("name", String(100), nullable=False),
    Column("value", Text, nullable=False),
)

photos = Table(
    "photos",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("mime", String(40), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

# Secrets the app keeps: the owner password's argon2 hash, the key that signs cookies, the
# calendar token.  Apart from settings so that no backup or dump can carry them (pg_dump
# leaves out the data of every credential table; a SQLite backup and a restore empty them).
credentials = Table(
    "credentials",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
    info={"credential": True},
)

# The search index: every key of a person (name, reading, romaji, nickname, e-mail, phone,
# tag), with suffixes for substring search, looked up by a byte-wise prefix range.  On SQLite
# the table is its own index (WITHOUT ROWID).
search_terms = Table(
    "search_terms",
    metadata,
    Column("term", KeyText, primary_key=True),
    Column("field", SmallInteger, primary_key=True),
    Column("pos", SmallInteger, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("whole", Boolean, nullable=False),
    # The length of a name part the key starts with, found exactly too (0: none; migration
    # 0004, domain.search_keys.two_part_keys).
    Column("cut", SmallInteger, nullable=False, server_default="0"),
    # The person's sort key (people.sort_key), so that a search reads its matches in
    # reading order without looking each person up (migration 0019, which also makes the
    # index of each term's first letter, ix_search_terms_head, by raw SQL).
    Column("sort_key", KeyText, nullable=False, server_default=""),
    Index("ix_search_terms_person", "person_id"),
    sqlite_with_rowid=False,
)

# The full name, reading and romaji keys of each person, searched for substrings through a
# trigram index made by migration 0003 (an FTS5 table on SQLite, pg_trgm on PostgreSQL).
search_names = Table(
    "search_names",
    metadata,
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("name_keys", Text, nullable=False),
)

# What each person is remembered by (encounter cues and places, event names and places,
# titles, departments, notes), folded and filled like search_names, searched for substrings
# through a trigram index made by migration 0009 (storage/search_memory.py); triggers mark
# the people whose values changed in search_memory_dirty.
search_memory = Table(
    "search_memory",
    metadata,
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("memory_keys", Text, nullable=False),
)

search_memory_dirty = Table(
    "search_memory_dirty",
    metadata,
    Column("person_id", Integer, primary_key=True, autoincrement=False),
)

organization_terms = Table(
    "organization_terms",
    metadata,
    Column("term", KeyText, primary_key=True),
    Column("pos", SmallInteger, primary_key=True),
    Column(
        "organization_id",
        Integer,
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("whole", Boolean, nullable=False),
    Index("ix_organization_terms_org", "organization_id"),
    sqlite_with_rowid=False,
)

# Identity (migration 0005): other names a person is known by (a 旧姓, a romaji or English
# spelling, a name kept from a merged record), pairs the user said are different people,
# and each merge with what it changed, so that it can be undone exactly.
person_aliases = Table(
    "person_aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(),
    Column("family_name", String(100), nullable=False),
    Column("given_name", String(100), nullable=False, server_default=""),
    Column("family_reading", String(100), nullable=False, server_default=""),
    Column("given_reading", String(100), nullable=False, server_default=""),
    # Where the name came from: "import", "merge" or "manual".
    Column("source", String(20), nullable=False, server_default=""),
)

not_duplicates = Table(
    "not_duplicates",
    metadata,
    Column("person_a", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("person_b", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("person_a < person_b", name="ordered_pair"),
    Index("ix_not_duplicates_b", "person_b"),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    # "manual" (kinmyaku merge KEEP OTHER, the web) or "auto" (merge --auto).
    Column("kind", String(10), nullable=False),
    # JSON: [{"a": id, "b": id, "keep": id, "probability": p, "reasons": [{"msgid", "params"}]}]
    Column("pairs", Text, nullable=False),
    # JSON: every row the merge changed or deleted, as it was before, and the ids of the
    # rows it added (services/identity/merging.py); what the undo puts back.
    Column("snapshot", Text, nullable=False),
    Column("undone_at", DateTime),
)

# Records an import with --review left for the user to decide (migration 0006): the record
# as the import prepared it (JSON, services/identity/queue.py), the person it may be, how
# likely and why.  ``candidate_id`` is no foreign key: a queued record is no part of a
# person (a merge leaves it; deciding it asks for another person then; forgetting the
# person deletes it, services/forget.py).
import_queue = Table(
    "import_queue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("file", String(300), nullable=False),
    Column("line", Integer),
    Column("name", String(300), nullable=False, server_default=""),
    Column("record", Text, nullable=False),
    Column("candidate_id", Integer),
    Column("probability", Float, nullable=False),
    # JSON: [{"msgid": ..., "params": {...}}], strongest first (finding.reason_text).
    Column("reasons", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_import_queue_import", "import_id"),
)

# Login sessions (migration 0007, services/sessions.py): one row per browser logged in with
# the owner password.  The cookie holds a random session id; this table holds only its
# SHA-256, and no backup or export holds the table (``info["credential"]``, services/backup.py),
# so no copy of the data can be turned into a cookie.  No row: not logged in.
sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sid_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    # "Firefox on Android": browser and system read from the User-Agent at login.
    Column("device", String(100), nullable=False, server_default=""),
    Column("ip", String(45)),
    info={"credential": True},
    sqlite_autoincrement=True,  # an id never comes back: "revoke 3" never hits a newer login
)

# CardDAV (migration 0012, services/app_passwords.py, services/carddav.py).  An app password
# per device that syncs (argon2 hash; the device logs in with its name as user name); a
# credential table, never in a backup or dump.  Revoked rows stay, shown as revoked.
app_passwords = Table(
    "app_passwords",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False, index=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_used", DateTime),
    Column("revoked_at", DateTime),
    info={"credential": True},
    sqlite_autoincrement=True,
)

# The file name a CardDAV client chose for a card it created ("abc.vcf"); a person without
# one is served as "<id>.vcf".
dav_names = Table(
    "dav_names",
    metadata,
    Column("href", String(200), primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
)

# Card names gone, for sync-collection (RFC 6578): a card deleted over CardDAV, or a person
# served under a new name (then ``person_id`` is set: the person is still there).
dav_deleted = Table(
    "dav_deleted",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("href", String(200), nullable=False),
    Column("person_id", Integer),
    Column("deleted_at", DateTime, nullable=False, index=True),
    sqlite_autoincrement=True,
)

# Business card images (migration 0014, services/card_store.py): each side of a scanned
# card, re-encoded without EXIF.  ``person_id`` NULL: scanned, waiting on the review
# screen (deleted a day later when never saved).  Forgetting the person deletes them
# (CASCADE); a JSON backup holds them (base64).
card_images = Table(
    "card_images",
    metadata,
    Column("id", Integer, primary_key=True),
    _person_fk(nullable=True),
    Column("side", String(10), nullable=False),
    Column("mime", String(40), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False, index=True),
)

# CardDAV, migration 0016 (services/dav_trash.py, services/carddav.py).  A person a device
# deleted, kept whole until restored or deleted for good: ``snapshot`` is a merge journal
# (storage/merge_rows.py) of every row that was theirs.  ``restored_at`` set: restored (the
# row stays a while, without its snapshot, so that sync tokens count the person back).
dav_trash = Table(
    "dav_trash",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, nullable=False, index=True),
    Column("name", String(300), nullable=False, server_default=""),
    Column("company", String(300), nullable=False, server_default=""),
    Column("device", String(60), nullable=False, server_default=""),
    Column("href", String(200), nullable=False, server_default=""),
    Column("deleted_at", DateTime, nullable=False, index=True),
    Column("snapshot", Text, nullable=False),
    Column("restored_at", DateTime, index=True),
    sqlite_autoincrement=True,
)

# What each device did over CardDAV, newest kept (the sync log on the Settings page).
dav_log = Table(
    "dav_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("device", String(60), nullable=False),
    # created, edited, merged (a field-by-field merge), deleted, archived (to the trash)
    Column("action", String(20), nullable=False),
    Column("person_id", Integer, index=True),
    Column("href", String(200), nullable=False, server_default=""),
    Column("name", String(300), nullable=False, server_default=""),
    sqlite_autoincrement=True,
)

# The card each device was last served under each name (its ETag) and the text of each
# served version (photos left out): the common base of a field-by-field merge when a
# device writes over a card that changed on the server since it last saw it.
dav_served = Table(
    "dav_served",
    metadata,
    Column("device", String(60), primary_key=True),
    Column("href", String(200), primary_key=True),
    Column("etag", String(40), nullable=False, index=True),
    Column("person_id", Integer, nullable=False, index=True),
)
dav_versions = Table(
    "dav_versions",
    metadata,
    Column("etag", String(40), primary_key=True),
    Column("body", Text, nullable=False),
)

# The CardDAV client (services/dav_client.py): address books kinmyaku syncs with.  The
# password is not here: it is in ``credentials`` (key ``carddav_client:<id>``), never backed up.
dav_accounts = Table(
    "dav_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("username", String(200), nullable=False),
    Column("addressbook", Text),
    Column("sync_position", Text),  # the RFC 6578 sync token (not a secret)
    Column("created_at", DateTime, nullable=False),
    Column("last_sync", DateTime),
    Column("running_since", DateTime),  # the sync running now (one at a time)
    sqlite_autoincrement=True,
)

# Each remote card as last synced: its ETag, the person, the card's fields then and the
# person's fields then (JSON: the bases of the three-way merges, domain/field_merge.py;
# they differ where kinmyaku cannot hold a value, e.g. a title without a company), and the
# person's ``updated_at`` then (a later one may be a local edit).
dav_sync_state = Table(
    "dav_sync_state",
    metadata,
    Column(
        "account_id",
        Integer,
        ForeignKey("dav_accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("href", String(500), primary_key=True),
    Column("etag", String(200)),
    Column("person_id", Integer),
    Column("fields", Text, nullable=False),
    Column("local", Text, nullable=False),
    Column("stamp", DateTime),
    Index("ix_dav_sync_state_person", "account_id", "person_id"),
)

# One line per sync of an account: when, whether it worked, the counts or the error.
dav_sync_log = Table(
    "dav_sync_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "account_id", Integer, ForeignKey("dav_accounts.id", ondelete="CASCADE"), nullable=False
    ),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("counts", Text, nullable=False),
    Column("error", Text),
    Index("ix_dav_sync_log_account", "account_id", "id"),
    sqlite_autoincrement=True,
)
