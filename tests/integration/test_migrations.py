"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from kinmyaku.bootstrap import App
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.migrate import (
    HEAD,
    alembic_config,
    current_revision,
    head_revision,
    include_name,
    is_current,
    upgrade,
)
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


def test_the_head_is_alembics_and_the_revision_is_read_as_alembic_reads_it(
    app: App, tmp_path: Path
) -> None:
    assert (
        HEAD == head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    )
    with app.engine.connect() as conn:
        assert (
            current_revision(app.engine) == MigrationContext.configure(conn).get_current_revision()
        )
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert current_revision(empty) is None and not is_current(empty)
        upgrade(empty, "0003")
        assert current_revision(empty) == "0003" and not is_current(empty)
        upgrade(empty)
        assert current_revision(empty) == HEAD and is_current(empty)
    finally:
        empty.dispose()


def test_commands_start_without_loading_alembic() -> None:
    """Alembic is loaded when a migration runs, not by every command (0.13 s of its start)."""
    code = "import sys, kinmyaku.cli.main; print('alembic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_0008_moves_the_secrets_out_of_settings_and_back(tmp_path: Path) -> None:
    """A database from before 0008 keeps its password, key and calendar token, now in
    ``credentials``; the profile stays in settings; a downgrade puts them back."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    rows = {"owner_password": "$argon2id$x", "web_secret_key": "k", "calendar_token": "t"}
    try:
        upgrade(engine, "0007")
        with engine.begin() as conn:
            for key, value in {**rows, "me.name": "山田 太郎"}.items():
                conn.exec_driver_sql(
                    "INSERT INTO settings (key, value) VALUES (?, ?)", (key, value)
                )
        upgrade(engine)
        with engine.connect() as conn:
            moved = dict(conn.exec_driver_sql("SELECT key, value FROM credentials").all())
            kept = dict(conn.exec_driver_sql("SELECT key, value FROM settings").all())
        assert moved == rows and kept == {"me.name": "山田 太郎"}
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0007")
        with engine.connect() as conn:
            back = dict(conn.exec_driver_sql("SELECT key, value FROM settings").all())
        assert back == {**rows, "me.name": "山田 太郎"}
    finally:
        engine.dispose()
