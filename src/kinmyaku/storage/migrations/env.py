"""Alembic environment: run migrations on the connection kinmyaku hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kinmyaku.storage.migrate import include_name
from kinmyaku.storage.schema import metadata


def run_migrations(connection: Connection) -> None:
    """Configure Alembic on an open connection and upgrade (batch mode for SQLite)."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if _connection is None:
    from kinmyaku.config import database_url
    from kinmyaku.storage.database import make_engine

    with make_engine(database_url()).connect() as _conn:
        run_migrations(_conn)
        _conn.commit()
else:
    run_migrations(_connection)
