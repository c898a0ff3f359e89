"""Sessions (signed cookies), CSRF tokens, security headers and the login throttles.

The session cookie holds a random session id and whether the owner logged in, signed with
itsdangerous using a key kept in the settings table (replaced at every password change).
A cookie that says "logged in" counts only while its session is in the sessions table
(services/sessions.py): a forged or copied key alone opens nothing, and deleting the rows
logs browsers out.  A CSRF token is the session id signed with another salt: a
state-changing request must carry it in the ``X-CSRF-Token`` header or the ``csrf_token``
form field, or it is answered 403.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, insert, select
from starlette.concurrency import run_in_threadpool

from kinmyaku.services import sessions as stored
from kinmyaku.storage.schema import credentials
from kinmyaku.storage.uow import UnitOfWork, declare_writes, reading

SESSION_COOKIE = "kinmyaku_session"
SESSION_DAYS = stored.SESSION_DAYS
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets style attributes in its markup; its page alone allows inline styles.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "geolocation=(), microphone=()",
    "cross-origin-opener-policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: addresses only this machine can reach."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Session:
    """What the session cookie carries."""

    sid: str
    auth: bool = False
    dirty: bool = False
    stored_id: int | None = None
    """The row of the sessions table (a logged-in session), once checked."""

    @classmethod
    def new(cls) -> Session:
        """A fresh anonymous session (its cookie must be set)."""
        return cls(sid=secrets.token_urlsafe(18), dirty=True)

    def rotate(self, *, auth: bool) -> None:
        """A new id (after login or logout), so an old id cannot be reused."""
        self.sid = secrets.token_urlsafe(18)
        self.auth = auth
        self.dirty = True
        self.stored_id = None


class Signer:
    """Signs and reads session cookies and CSRF tokens with the app's secret key.

    A browser sends the same cookie with every request: a cookie whose signature was
    checked is remembered (with the moment it expires), so the next requests skip the
    HMAC and the JSON; likewise a session's CSRF token is signed once every few minutes,
    not on every page.  A new key (a password change) forgets both.
    """

    MAX_REMEMBERED = 1000
    CSRF_REUSE = 300.0
    """Seconds a signed CSRF token is handed out again (it stays valid for the session)."""

    def __init__(self, secret: str) -> None:
        self.use_key(secret)

    def use_key(self, secret: str) -> bool:
        """Sign with this key from now on (after a password change); True when it changed."""
        if getattr(self, "_secret", None) == secret:
            return False
        self._secret = secret
        self._session = URLSafeTimedSerializer(secret, salt="kinmyaku-session")
        self._csrf = URLSafeTimedSerializer(secret, salt="kinmyaku-csrf")
        self._checked: dict[str, tuple[str, bool, float]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        return True

    def load(self, cookie: str | None) -> Session:
        """The session a cookie holds, or a new one when it is missing, forged or too old."""
        if not cookie:
            return Session.new()
        now = time.time()
        known = self._checked.get(cookie)
        if known is not None and now < known[2]:
            return Session(sid=known[0], auth=known[1])
        try:
            data, signed = self._session.loads(
                cookie, max_age=SESSION_DAYS * 86400, return_timestamp=True
            )
        except BadSignature:
            return Session.new()
        if not (isinstance(data, dict) and isinstance(data.get("sid"), str)):
            return Session.new()
        session = Session(sid=data["sid"], auth=bool(data.get("auth")))
        if len(self._checked) >= self.MAX_REMEMBERED:
            self._checked.clear()
        expires = signed.timestamp() + SESSION_DAYS * 86400
        self._checked[cookie] = (session.sid, session.auth, expires)
        return session

    def dump(self, session: Session) -> str:
        """The cookie value for a session."""
        return str(self._session.dumps({"sid": session.sid, "auth": session.auth}))

    def csrf_token(self, session: Session) -> str:
        """The CSRF token of a session (the same one for a few minutes)."""
        now = time.monotonic()
        known = self._tokens.get(session.sid)
        if known is not None and now - known[1] < self.CSRF_REUSE:
            return known[0]
        token = str(self._csrf.dumps(session.sid))
        if len(self._tokens) >= self.MAX_REMEMBERED:
            self._tokens.clear()
        self._tokens[session.sid] = (token, now)
        return token

    def check_csrf(self, session: Session, token: str | None) -> bool:
        """True when the token belongs to this session."""
        if not token:
            return False
        try:
            sid = self._csrf.loads(token, max_age=SESSION_DAYS * 86400)
        except BadSignature:
            return False
        return isinstance(sid, str) and secrets.compare_digest(sid, session.sid)


class SessionStore:
    """Which logged-in sessions still stand: the sessions table, read through a small cache.

    A logged-in request costs one indexed query at most every ``ttl`` seconds per session
    (and a write at most once a minute, services/sessions.py); ending a session in this
    process clears the cache at once, in another process (the CLI, a second worker) it
    counts within ``ttl`` seconds.
    """

    MAX_CACHED = 1000

    def __init__(self, uow: Callable[[], UnitOfWork], ttl: float = 3.0) -> None:
        self._uow = uow
        self._ttl = ttl
        self._checked: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def cached(self, sid: str) -> int | None:
        """The stored id of a session checked less than ``ttl`` seconds ago, else None."""
        with self._lock:
            found = self._checked.get(sid)
        if found and time.monotonic() - found[1] < self._ttl:
            return found[0]
        return None

    def check(self, sid: str, ip: str | None) -> int | None:
        """Ask the database (blocking: run it in a thread): the session's id, or None."""
        found = stored.check_session(self._uow(), sid=sid, ip=ip)
        if found is None:
            with self._lock:
                self._checked.pop(sid, None)
        else:
            self.remember(sid, found)
        return found

    def remember(self, sid: str, stored_id: int) -> None:
        """Note a session just stored or checked."""
        with self._lock:
            if len(self._checked) >= self.MAX_CACHED:
                self._checked.clear()
            self._checked[sid] = (stored_id, time.monotonic())

    def forget(self) -> None:
        """Ask the database again for every session (after ending some)."""
        with self._lock:
            self._checked.clear()


@dataclass
class LoginThrottle:
    """Refuses logins for a while after repeated failures (per client and overall)."""

    per_client: int = 5
    overall: int = 20
    window: float = 15 * 60
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _all: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _prune(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()

    def wait_seconds(self, client: str, now: float | None = None) -> int:
        """Seconds before this client may try again (0: it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            mine = self._failures.get(client, deque())
            self._prune(mine, now)
            self._prune(self._all, now)
            waits = []
            if len(mine) >= self.per_client:
                waits.append(mine[0] + self.window - now)
            if len(self._all) >= self.overall:
                waits.append(self._all[0] + self.window - now)
            return int(max(waits)) + 1 if waits else 0

    def failed(self, client: str, now: float | None = None) -> None:
        """Count a failed attempt."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures.setdefault(client, deque()).append(now)
            self._all.append(now)

    def succeeded(self, client: str) -> None:
        """Forget a client's failures after a good password."""
        with self._lock:
            self._failures.pop(client, None)


FAILURE_KEY = "login-failure"  # credentials keys "login-failure CLIENT TOKEN"
DAV_FAILURE_KEY = "dav-failure"  # CardDAV's, counted apart: "dav-failure CLIENT TOKEN"


def _client_tag(client: str) -> str:
    """A short digest of a client address: the key names no address, and fits 60 characters."""
    return hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()[:16]


class SharedLoginThrottle(LoginThrottle):
    """:class:`LoginThrottle` kept in the database, so that every worker process counts
    every failure (``kinmyaku serve --workers 2`` allows no more attempts than one worker).

    One row of the credentials table per failed attempt (never in a backup or dump), its
    key ``login-failure CLIENT TOKEN`` (CLIENT: a digest of the address) and its value the
    Unix time of the failure: rows are
    only inserted and deleted, so two workers failing at once both count.  Rows older than
    the window are deleted at the next failure; the overall limit bounds their number.
    Each call is a short transaction (blocking: call it from a worker thread).  Times are
    wall-clock seconds (``time.time()``), the same in every process.
    """

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        per_client: int = 5,
        overall: int = 20,
        window: float = 15 * 60,
        prefix: str = FAILURE_KEY,
    ) -> None:
        super().__init__(per_client=per_client, overall=overall, window=window)
        self._uow = uow
        self.prefix = prefix
        """The first word of the rows' keys: each throttle counts its own failures."""

    def recent(self, now: float) -> list[tuple[str, float]]:
        """(client tag, time) of every failure still in the window, oldest first."""
        with self._uow() as conn:
            rows = conn.execute(
                select(credentials.c.key, credentials.c.value).where(
                    credentials.c.key.startswith(self.prefix + " ", autoescape=True)
                )
            ).all()
        found = [(str(key).split(" ")[1], _seconds(value)) for key, value in rows]
        return sorted((row for row in found if row[1] > now - self.window), key=lambda r: r[1])

    def wait_seconds(self, client: str, now: float | None = None) -> int:
        """Seconds before this client may try again (0: it may try now)."""
        now = time.time() if now is None else now
        return self.wait_among(self.recent(now), client, now)

    def wait_among(self, recent: list[tuple[str, float]], client: str, now: float) -> int:
        """:meth:`wait_seconds` from failures already read (:meth:`recent`)."""
        tag = _client_tag(client)
        mine = [at for who, at in recent if who == tag]
        waits = []
        if len(mine) >= self.per_client:
            waits.append(mine[-self.per_client] + self.window - now)
        if len(recent) >= self.overall:
            waits.append(recent[-self.overall][1] + self.window - now)
        return int(max(waits)) + 1 if waits else 0

    def failed(self, client: str, now: float | None = None) -> None:
        """Count a failed attempt (and delete the failures that left the window)."""
        now = time.time() if now is None else now
        key = f"{self.prefix} {_client_tag(client)} {secrets.token_hex(4)}"
        with self._uow() as conn:
            old = [
                row_key
                for row_key, value in conn.execute(
                    select(credentials.c.key, credentials.c.value).where(
                        credentials.c.key.startswith(self.prefix + " ", autoescape=True)
                    )
                )
                if _seconds(value) <= now - self.window
            ]
            if old:
                conn.execute(delete(credentials).where(credentials.c.key.in_(old)))
            conn.execute(insert(credentials).values(key=key, value=repr(now)))

    def succeeded(self, client: str) -> None:
        """Forget a client's failures after a good password."""
        prefix = f"{self.prefix} {_client_tag(client)} "
        with self._uow() as conn:
            conn.execute(
                delete(credentials).where(credentials.c.key.startswith(prefix, autoescape=True))
            )


class CachedThrottle:
    """A :class:`SharedLoginThrottle` for callers on the event loop (CardDAV's login).

    Every worker counts every failure, as the web login does, without a query on the event
    loop and without a write for a request that logs in: the failures are read (in a worker
    thread) at most every ``ttl`` seconds, so another worker's failures count here within
    ``ttl``; this worker's own count at once; a good password deletes its client's failures
    only when some are known.  A device syncing costs one read every ``ttl`` seconds per
    worker, however many requests it makes.
    """

    def __init__(self, shared: SharedLoginThrottle, ttl: float = 2.0) -> None:
        self.shared = shared
        self.ttl = ttl
        self.reads = 0
        """Reads of the database so far (tests)."""
        self._known: list[tuple[str, float]] = []
        self._at = float("-inf")
        self._reading: asyncio.Future[None] | None = None

    async def wait_seconds(self, client: str) -> int:
        """Seconds before this client may try again (0: it may try now)."""
        await self._fresh()
        now = time.time()
        return self.shared.wait_among(self._known, client, now)

    async def failed(self, client: str) -> None:
        """Count a failed attempt (in the database, and here at once)."""
        now = time.time()
        await run_in_threadpool(_writing, self.shared.failed, client, now)
        self._known.append((_client_tag(client), now))

    async def succeeded(self, client: str) -> None:
        """Forget the client's failures after a good password (no write when none known)."""
        tag = _client_tag(client)
        if any(who == tag for who, _ in self._known):
            await run_in_threadpool(_writing, self.shared.succeeded, client)
            self._known = [row for row in self._known if row[0] != tag]

    async def _fresh(self) -> None:
        if time.monotonic() - self._at < self.ttl:
            return
        if self._reading is not None:  # another request reads them: wait for it
            await asyncio.shield(self._reading)
            return
        self._reading = asyncio.get_running_loop().create_future()
        try:
            self._known = await run_in_threadpool(_read_only, self.shared.recent, time.time())
            self._at = time.monotonic()
            self.reads += 1
        finally:
            self._reading.set_result(None)
            self._reading = None


def _writing(work: Callable[..., None], *args: object) -> None:
    declare_writes(True)  # a worker thread's copy of the request's context
    work(*args)


def _read_only(
    work: Callable[[float], list[tuple[str, float]]], now: float
) -> list[tuple[str, float]]:
    with reading():
        return work(now)


def _seconds(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return float("-inf")
