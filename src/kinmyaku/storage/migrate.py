"""Create or upgrade the database schema with Alembic (``kinmyaku init``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """An Alembic configuration pointing at kinmyaku's migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` in one transaction."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    return current_revision(engine) == head_revision()


# Objects made by raw SQL in the migrations (full-text search), not in the metadata.
RAW_SQL_OBJECTS = ("notes_fts", "ix_people_notes_trgm", "search_names_fts", "ix_search_names_trgm")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic filter: leave the raw-SQL full-text objects out of autogenerate comparisons."""
    return not (name or "").startswith(RAW_SQL_OBJECTS)
