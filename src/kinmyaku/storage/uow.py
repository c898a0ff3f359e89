"""The unit of work: one transaction around one use case, re-entrant for composites."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine


class UnitOfWork:
    """``with uow as conn:`` opens a transaction; nested ``with`` blocks join it.

    The outermost block commits when it ends normally and rolls back on any exception,
    so a service that calls other services (an import, the demo generator) is still one
    transaction.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._depth = 0

    def __enter__(self) -> Connection:
        if self._depth == 0:
            self._conn = self.engine.connect()
            self._conn.begin()
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
            conn.close()

    @property
    def connection(self) -> Connection:
        """The open connection (only inside ``with``)."""
        if self._conn is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._conn
