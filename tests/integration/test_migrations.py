"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kinmyaku.bootstrap import App
from kinmyaku.storage.migrate import current_revision, head_revision, include_name
from kinmyaku.storage.schema import metadata


def test_database_is_at_head_and_matches_metadata(app: App) -> None:
    assert current_revision(app.engine) == head_revision()
    with app.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}), metadata
        )
    assert diff == []


def test_notes_index_exists(app: App) -> None:
    names = set(inspect(app.engine).get_table_names())
    if app.engine.dialect.name == "sqlite":
        assert "notes_fts" in names
    else:
        indexes = {i["name"] for i in inspect(app.engine).get_indexes("people")}
        assert "ix_people_notes_trgm" in indexes
