"""The unit of work: one transaction around one use case, re-entrant for composites.

On SQLite a transaction that writes begins ``IMMEDIATE``: it takes the database's single
write lock before its first statement, waiting its turn: first behind the other writers
of this process, in arrival order (storage/write_turn.py), then, first in that queue, for
the lock itself, asking every few milliseconds, up to ``retry.BUDGET`` seconds in all.
A ``DEFERRED`` transaction that reads and then writes cannot wait: when another writer
committed after its first read, SQLite answers "database is locked" at once.  Transactions
that only read begin ``DEFERRED`` so that readers never queue behind a writer (WAL); a block
of code says that its transactions only read with :func:`reading` (the web does so for GET
and HEAD requests, see ``web/deps.py``).  Without a word, a transaction is taken to write:
slower for a reader at worst, never wrong.  PostgreSQL ignores the distinction.

A busy database that stays busy past the bound, or a transaction that fails because of
another writer anyway (a ``DEFERRED`` one that wrote, a PostgreSQL deadlock), ends in
:class:`~kinmyaku.storage.retry.DatabaseBusy`, a user error ("The database is busy; try
again"); :func:`~kinmyaku.storage.retry.retry_busy` runs such a transaction again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.sql import Executable

from kinmyaku.storage import retry
from kinmyaku.storage.retry import DatabaseBusy, is_busy
from kinmyaku.storage.write_turn import WriteTurn, turn_for

_WRITES: ContextVar[bool | None] = ContextVar("kinmyaku_uow_writes", default=None)
TURN = "kinmyaku_write_turn"
"""``Connection.info`` key: the write turn this transaction holds (released at its end)."""
SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
"""PostgreSQL: the first statement of a :meth:`UnitOfWork.snapshot` transaction."""
STEP_MS = 5
"""While another process holds SQLite's write lock, the head of this process's queue asks
again every few milliseconds (SQLite's own busy handler sleeps up to 100 ms a time)."""


@contextmanager
def reading() -> Iterator[None]:
    """Inside: transactions that do not say otherwise only read (SQLite: ``DEFERRED``)."""
    token = _WRITES.set(False)
    try:
        yield
    finally:
        _WRITES.reset(token)


def declare_writes(writes: bool) -> None:
    """For the rest of this context (a web request's task): do its transactions write?"""
    _WRITES.set(writes)


class UnitOfWork:
    """``with uow as conn:`` opens a transaction; nested ``with`` blocks join it.

    The outermost block commits when it ends normally and rolls back on any exception,
    so a service that calls other services (an import, the demo generator) is still one
    transaction.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        foreign_keys: bool = True,
        writes: bool | None = None,
        snapshot: bool = False,
    ) -> None:
        self.engine = engine
        self.foreign_keys = foreign_keys
        """False: SQLite does not check foreign keys in this transaction (a bulk import,
        whose rows only refer to rows it wrote or read: storage.bulk_index)."""
        self.writes = writes
        """True: begin ``IMMEDIATE`` on SQLite; False: ``DEFERRED``; None: as the context
        says (:func:`reading`), else ``IMMEDIATE``."""
        self.snapshot_reads = snapshot
        """True: a read-only transaction whose statements all see one snapshot of the
        database (PostgreSQL: ``REPEATABLE READ READ ONLY``; on SQLite in WAL mode every
        transaction reads one snapshot already)."""
        self._conn: Connection | None = None
        self._depth = 0
        self._writer = False

    @property
    def active(self) -> bool:
        """True inside ``with`` (a composite's transaction is open)."""
        return self._depth > 0

    def writer(self) -> UnitOfWork:
        """This unit of work as a writer for its next transaction (SQLite ``IMMEDIATE``,
        queued for the write turn before it takes a connection); itself inside a
        transaction already open (a composite), which it joins."""
        if self.active:
            return self
        return UnitOfWork(self.engine, foreign_keys=self.foreign_keys, writes=True)

    def snapshot(self) -> UnitOfWork:
        """This unit of work as a reader whose statements all see the same committed state
        (several reads that must agree: the network graph's people and its links); itself
        inside a transaction already open, which it joins.

        PostgreSQL's default, ``READ COMMITTED``, gives each statement the commits made
        before it began: a person added between two reads is in the second only."""
        if self.active:
            return self
        return UnitOfWork(self.engine, foreign_keys=self.foreign_keys, writes=False, snapshot=True)

    def without_foreign_keys(self) -> UnitOfWork:
        """A new unit of work whose transaction SQLite runs without foreign key checks."""
        return UnitOfWork(self.engine, foreign_keys=False, writes=self.writes)

    def will_write(self) -> bool:
        """Whether the next transaction begins as a writer (SQLite ``IMMEDIATE``)."""
        if self.writes is not None:
            return self.writes
        declared = _WRITES.get()
        return True if declared is None else declared

    def __enter__(self) -> Connection:
        if self._depth == 0:
            sqlite = self.engine.dialect.name == "sqlite"
            self._writer = self.will_write()
            deadline = time.monotonic() + retry.BUDGET
            # A writer queues before it takes a connection: the pool's few connections stay
            # free for the readers while many writers wait.
            turn = _turn(self.engine) if sqlite and self._writer else None
            if turn is not None and not turn.acquire(deadline):
                raise DatabaseBusy()
            try:
                conn = self.engine.connect()
            except BaseException:
                if turn is not None:
                    turn.release()
                raise
            if turn is not None:
                conn.info[TURN] = turn
            try:
                if not self.foreign_keys and sqlite:
                    # A pragma SQLite ignores inside a transaction: set before it begins,
                    # on the driver's connection (SQLAlchemy would begin one first).
                    _driver(conn).execute("PRAGMA foreign_keys=OFF")
                conn.begin()
                if sqlite and self._writer:
                    _begin_immediate(conn, deadline)
                elif self.snapshot_reads and not sqlite:
                    conn.exec_driver_sql(SNAPSHOT)
            except Exception:
                _end_turn(conn)
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
                if self._writer:
                    # The search index of what people are remembered by (cues, events,
                    # titles, notes): rebuilt for the people the triggers marked.
                    from kinmyaku.storage.search_memory import refresh_memory

                    refresh_memory(conn)
                conn.commit()
            else:
                conn.rollback()
        except Exception as error:
            if is_busy(error) and not isinstance(error, DatabaseBusy):
                raise DatabaseBusy() from error
            raise
        finally:
            try:
                if not self.foreign_keys and conn.dialect.name == "sqlite":
                    _driver(conn).execute("PRAGMA foreign_keys=ON")
            except Exception:
                conn.invalidate()  # never back to the pool without its foreign keys
                raise
            finally:
                _end_turn(conn)
                conn.close()
        if exc is not None and is_busy(exc) and not isinstance(exc, DatabaseBusy):
            raise DatabaseBusy() from exc  # rolled back: the user may simply try again

    @property
    def connection(self) -> Connection:
        """The open connection (only inside ``with``)."""
        if self._conn is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._conn


def _begin_immediate(conn: Connection, deadline: float) -> None:
    """Make the transaction SQLAlchemy just began (``BEGIN``) an ``IMMEDIATE`` one.

    A ``DEFERRED`` transaction takes no lock and no snapshot before its first statement,
    so it is ended and begun again, on the driver's connection (which commits and rolls
    back whatever transaction is open there, as SQLAlchemy later asks it to).  This
    thread is first in its process's queue (:mod:`~kinmyaku.storage.write_turn`); while
    another process writes, it asks again every :data:`STEP_MS` ms until ``deadline``,
    then raises DatabaseBusy.
    """
    driver = _driver(conn)
    driver.execute("ROLLBACK")
    _until_locked(driver, "BEGIN IMMEDIATE", deadline)


def _until_locked(driver: Any, statement: str, deadline: float) -> None:
    """Run a statement that takes SQLite's write lock, asking every few ms until
    ``deadline`` (the connection's own busy timeout is restored afterwards)."""
    patience = driver.execute("PRAGMA busy_timeout").fetchone()[0]
    driver.execute(f"PRAGMA busy_timeout={STEP_MS}")
    try:
        while True:
            try:
                driver.execute(statement)
                return
            except Exception as error:
                if not is_busy(error):
                    raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusy() from error
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(patience)}")


def take_turn(conn: Connection, first_write: Executable) -> None:
    """Make a transaction begun as a reader (SQLite ``DEFERRED``) the writer now, before
    it reads anything: wait for this process's write turn, then run ``first_write`` (a
    statement that changes nothing but takes the write lock) until SQLite gives the lock,
    up to the bound.  The turn ends with the transaction.  PostgreSQL: not for it.

    It waits holding a pooled connection: better begin the transaction as a writer
    (:meth:`UnitOfWork.writer`), which queues first; a transaction that holds the turn
    already (an ``IMMEDIATE`` one) only runs the statement.  Many readers waiting here
    held the pool's connections while the writer whose turn it was waited for one."""
    deadline = time.monotonic() + retry.BUDGET
    turn = _turn(conn.engine)
    if turn is not None and not turn.held():
        if not turn.acquire(deadline):
            raise DatabaseBusy()
        conn.info[TURN] = turn
    literal = {"literal_binds": True}
    sql = str(first_write.compile(dialect=conn.dialect, compile_kwargs=literal))  # type: ignore[attr-defined]
    _until_locked(_driver(conn), sql, deadline)


def _turn(engine: Engine) -> WriteTurn | None:
    """The write turn of the engine's SQLite file (None: a database in memory)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return turn_for(os.path.abspath(database))


def _end_turn(conn: Connection) -> None:
    turn = conn.info.pop(TURN, None)
    if turn is not None:
        turn.release()


def _driver(conn: Connection) -> Any:
    """The DB-API connection under a SQLAlchemy connection."""
    return conn.connection.driver_connection
