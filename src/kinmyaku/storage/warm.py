"""A PostgreSQL connection kept ready by the command server for its next command.

A served command (cli/command_server.py) is a child forked from the warm server.  Opening a
PostgreSQL connection in it costs a psycopg connect, a new backend and SQLAlchemy's
first-connect queries (the server's version, its settings...): 15-90 ms, as much as the
rest of a short command.  So the server keeps, for each PostgreSQL URL its children have
used, an engine whose dialect is already initialised and one open connection, the *spare*.
A child forked after that inherits both: ``take(url)`` hands it the engine, and the engine's
first connection is the spare, checked with one round trip first.  Anything wrong with it (too
old, its backend killed or restarted, any error) and the child quietly connects as usual:
a command never fails because of the spare.

The connection belongs to the child from the fork on.  The server must not use it nor
close it on the wire (libpq would send the backend a Terminate message): ``given_away()``
points the server's copy of its socket at /dev/null before letting it go, and opens a fresh
spare.  A child that does not use a spare closes it properly when its command ends.

The spare is only ever in the server's memory and its children's: the same user, a Unix
socket in the user's own runtime folder.  URLs travel from a child to its server through a
pipe between the two, and are never printed or logged (they may hold a password).
"""

from __future__ import annotations

import contextlib
import os
import select
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

#: A spare older than this is replaced (seconds): the server may have been restarted, a
#: firewall may have dropped an idle connection.
MAX_AGE = 300.0
#: The most URLs the server keeps a spare for (the least recently used is dropped).
MAX_URLS = 4
#: The longest URL a child reports (one write to a pipe up to this size is atomic).
MAX_URL_BYTES = 4000


@dataclass
class Warm:
    """One URL's initialised engine and its spare connection (psycopg's)."""

    engine: Engine
    connect_args: tuple[tuple[Any, ...], dict[str, Any]]
    spare: Any = None
    opened: float = 0.0
    used: float = field(default_factory=time.monotonic)


_ready: dict[str, Warm] = {}
_report_fd: int | None = None  # in a served child: the pipe to its server
_reported: set[str] = set()


def _open_spare(warm: Warm) -> None:
    """Open a new spare for ``warm`` (in the server), with the engine's own arguments."""
    cargs, cparams = warm.connect_args
    warm.spare = None
    warm.spare = warm.engine.dialect.connect(*cargs, **cparams)
    warm.opened = time.monotonic()


def prepare(
    url: str, make: Callable[[str], Engine], warm_up: Callable[[Engine], None] | None = None
) -> bool:
    """In the server: keep ``url``'s engine initialised and a spare connection open.

    ``make`` builds the engine (storage/database.py's).  ``warm_up`` runs reads on it
    once, on a connection of the server's own (closed before any child sees the engine),
    so that SQLAlchemy's cache of compiled statements, which the children inherit, holds
    them: a child then only binds and sends them.  Any failure leaves no spare (or no
    warm-up): the next command connects (or compiles) by itself, as without a server.
    True when a new engine was made (the server's heap grew).
    """
    warm = _ready.get(url)
    if warm is not None:
        warm.used = time.monotonic()
        if warm.spare is None:
            with contextlib.suppress(Exception):
                _open_spare(warm)
        return False
    captured: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    try:
        engine = make(url)

        @event.listens_for(engine, "do_connect")
        def capture(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> None:
            captured.append((tuple(cargs), dict(cparams)))

        with engine.connect():  # the dialect's first-connect initialisation, once
            pass
        if warm_up is not None:
            with contextlib.suppress(Exception):
                warm_up(engine)
        engine.dispose()  # the server's own connections, closed on the wire: not given away
        event.remove(engine, "do_connect", capture)
        warm = Warm(engine=engine, connect_args=captured[0])
        event.listen(engine, "do_connect", _give_spare(warm))
        _open_spare(warm)
    except Exception:  # no spare; the error is the command's to meet
        return False
    while len(_ready) >= MAX_URLS:
        oldest = min(_ready, key=lambda u: _ready[u].used)
        _close(_ready.pop(oldest))
    _ready[url] = warm
    return True


def refresh() -> None:
    """In the server, when idle: replace spares older than ``MAX_AGE`` or already broken."""
    for warm in _ready.values():
        if warm.spare is None or _stale(warm):
            _close_spare(warm)
            with contextlib.suppress(Exception):
                _open_spare(warm)


def given_away() -> None:
    """In the server, right after a fork: the child owns the spares; open new ones."""
    for warm in _ready.values():
        spare, warm.spare = warm.spare, None
        if spare is not None:
            _forget(spare)
        with contextlib.suppress(Exception):
            _open_spare(warm)


def _forget(spare: Any) -> None:
    """Drop the server's copy of a spare without a word to its backend.

    The socket's descriptor is pointed at /dev/null, so closing the connection here (libpq
    sends a Terminate message and closes its socket) writes nowhere and closes only the
    server's descriptor; the child's copy of the socket stays connected.
    """
    with contextlib.suppress(Exception):
        fd = spare.pgconn.socket
        null = os.open(os.devnull, os.O_RDWR)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
    with contextlib.suppress(Exception):
        spare.close()


def _stale(warm: Warm) -> bool:
    """Whether the spare is too old or its backend has said something (a FATAL, an EOF)."""
    if time.monotonic() - warm.opened > MAX_AGE:
        return True
    try:
        readable, _, _ = select.select([warm.spare.pgconn.socket], [], [], 0)
    except Exception:  # a closed or broken connection
        return True
    return bool(readable)  # an idle connection is sent nothing


def _close_spare(warm: Warm) -> None:
    spare, warm.spare = warm.spare, None
    if spare is not None:
        with contextlib.suppress(Exception):
            spare.close()


def _close(warm: Warm) -> None:
    _close_spare(warm)
    with contextlib.suppress(Exception):
        warm.engine.dispose()


# -- in the served child ------------------------------------------------------------------


def serve_child(report_fd: int) -> None:
    """In a forked child: URLs it uses go to its server by ``report_fd``."""
    global _report_fd
    _report_fd = report_fd


def take(url: str) -> Engine | None:
    """In a served child: ``url``'s initialised engine, its first connection the spare."""
    if _report_fd is None:
        return None
    warm = _ready.pop(url, None)
    return None if warm is None else warm.engine


def report(url: str) -> None:
    """In a served child: tell the server that ``url`` was used (once a child).

    PostgreSQL: the server keeps its engine and a spare connection; both databases: it rolls
    the touch summary to each new day (cli/server_upkeep.py).
    """
    if _report_fd is None or url in _reported:
        return
    data = url.encode("utf-8", "surrogateescape") + b"\0"
    if len(data) > MAX_URL_BYTES:
        return
    _reported.add(url)
    with contextlib.suppress(OSError):
        os.write(_report_fd, data)


def release_unused() -> None:
    """In a served child at its end: close the spares it did not take, properly."""
    while _ready:
        _, warm = _ready.popitem()
        _close_spare(warm)


def _give_spare(warm: Warm) -> Callable[..., Any]:
    """The engine's ``do_connect`` hook: the first connection it asks for is the spare."""

    def give(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> Any:
        if _report_fd is None:
            return None  # the server itself never uses the spare
        spare, warm.spare = warm.spare, None
        if spare is None:
            return None  # spent: connect as usual
        if _usable(spare, warm.opened):
            return spare
        with contextlib.suppress(Exception):
            spare.close()
        return None

    return give


def _usable(spare: Any, opened: float) -> bool:
    """Whether a spare still answers: young enough, idle, and one round trip succeeds."""
    if time.monotonic() - opened > MAX_AGE:
        return False
    try:
        from psycopg import pq

        if spare.closed or spare.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        # Below psycopg's transaction handling: no BEGIN, the connection stays idle.
        result = spare.pgconn.exec_(b"SELECT 1")
        return bool(
            result.status == pq.ExecStatus.TUPLES_OK
            and spare.pgconn.status == pq.ConnStatus.OK
            and spare.info.transaction_status == pq.TransactionStatus.IDLE
        )
    except Exception:  # killed backend, restarted server...: not usable
        return False
