"""Create or upgrade the database schema with Alembic (``kinmyaku init``).

Alembic is loaded only when a migration runs: every command opens the database and checks
its revision, which needs no Alembic (loading it took 0.13 s of each command's start).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0022"
"""The newest migration (tests/integration/test_migrations.py checks it is Alembic's head)."""


def alembic_config() -> Config:
    """An Alembic configuration pointing at kinmyaku's migrations (no ini file needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration."""
    return HEAD


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database), as Alembic stores it."""
    with engine.connect() as conn:
        # Read first, look the table up only if the read fails: every command asks this
        # on a new connection, and the lookup is a catalog query (on PostgreSQL one more
        # round trip and, in a new server process, a cold catalog cache).
        try:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:
            conn.rollback()
            if inspect(conn).has_table("alembic_version"):
                raise
            return None
    if len(found) > 1:
        raise RuntimeError(f"the database is at several revisions at once: {sorted(found)}")
    return str(found[0]) if found else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    return current_revision(engine) == HEAD


# Objects made by raw SQL in the migrations (full-text search), not in the metadata.
RAW_SQL_OBJECTS = (
    "notes_fts",
    "ix_people_notes_trgm",
    "search_names_fts",
    "ix_search_names_trgm",
    "search_memory_fts",
    "ix_search_memory_trgm",
    "ix_people_search_order",
    "ix_search_terms_head",
    "ix_search_terms_cut",
)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic filter: leave the raw-SQL full-text objects out of autogenerate comparisons."""
    return not (name or "").startswith(RAW_SQL_OBJECTS)
