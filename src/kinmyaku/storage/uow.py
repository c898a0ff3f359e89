"""The unit of work: one transaction around one use case, re-entrant for composites."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine


class UnitOfWork:
    """``with uow as conn:`` opens a transaction; nested ``with`` blocks join it.

    The outermost block commits when it ends normally and rolls back on any exception,
    so a service that calls other services (an import, the demo generator) is still one
    transaction.
    """

    def __init__(self, engine: Engine, *, foreign_keys: bool = True) -> None:
        self.engine = engine
        self.foreign_keys = foreign_keys
        """False: SQLite does not check foreign keys in this transaction (a bulk import,
        whose rows only refer to rows it wrote or read: storage.bulk_index)."""
        self._conn: Connection | None = None
        self._depth = 0

    @property
    def active(self) -> bool:
        """True inside ``with`` (a composite's transaction is open)."""
        return self._depth > 0

    def without_foreign_keys(self) -> UnitOfWork:
        """A new unit of work whose transaction SQLite runs without foreign key checks."""
        return UnitOfWork(self.engine, foreign_keys=False)

    def __enter__(self) -> Connection:
        if self._depth == 0:
            conn = self.engine.connect()
            try:
                if not self.foreign_keys and conn.dialect.name == "sqlite":
                    # A pragma SQLite ignores inside a transaction: set before it begins,
                    # on the driver's connection (SQLAlchemy would begin one first).
                    _driver(conn).execute("PRAGMA foreign_keys=OFF")
                conn.begin()
            except Exception:
                if not self.foreign_keys:
                    conn.invalidate()  # never back to the pool without its foreign keys
                conn.close()
                raise
            self._conn = conn
        self._depth += 1
        assert self._conn is not None
        return self._conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        conn, self._conn = self._conn, None
        assert conn is not None
        try:
            if exc_type is None:
                conn.commit()
            else:
                conn.rollback()
        finally:
            try:
                if not self.foreign_keys and conn.dialect.name == "sqlite":
                    _driver(conn).execute("PRAGMA foreign_keys=ON")
            except Exception:
                conn.invalidate()  # never back to the pool without its foreign keys
                raise
            finally:
                conn.close()

    @property
    def connection(self) -> Connection:
        """The open connection (only inside ``with``)."""
        if self._conn is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._conn


def _driver(conn: Connection) -> Any:
    """The DB-API connection under a SQLAlchemy connection."""
    return conn.connection.driver_connection
