"""Sessions (signed cookies), CSRF tokens, security headers and the login throttle.

The session cookie holds a random session id and whether the owner logged in, signed with
itsdangerous using a key kept in the settings table (replaced at every password change).
A cookie that says "logged in" counts only while its session is in the sessions table
(services/sessions.py): a forged or copied key alone opens nothing, and deleting the rows
logs browsers out.  A CSRF token is the session id signed with another salt: a
state-changing request must carry it in the ``X-CSRF-Token`` header or the ``csrf_token``
form field, or it is answered 403.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer

from kinmyaku.services import sessions as stored
from kinmyaku.storage.uow import UnitOfWork

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
    """Signs and reads session cookies and CSRF tokens with the app's secret key."""

    def __init__(self, secret: str) -> None:
        self.use_key(secret)

    def use_key(self, secret: str) -> bool:
        """Sign with this key from now on (after a password change); True when it changed."""
        if getattr(self, "_secret", None) == secret:
            return False
        self._secret = secret
        self._session = URLSafeTimedSerializer(secret, salt="kinmyaku-session")
        self._csrf = URLSafeTimedSerializer(secret, salt="kinmyaku-csrf")
        return True

    def load(self, cookie: str | None) -> Session:
        """The session a cookie holds, or a new one when it is missing, forged or too old."""
        if cookie:
            try:
                data = self._session.loads(cookie, max_age=SESSION_DAYS * 86400)
            except BadSignature:
                data = None
            if isinstance(data, dict) and isinstance(data.get("sid"), str):
                return Session(sid=data["sid"], auth=bool(data.get("auth")))
        return Session.new()

    def dump(self, session: Session) -> str:
        """The cookie value for a session."""
        return str(self._session.dumps({"sid": session.sid, "auth": session.auth}))

    def csrf_token(self, session: Session) -> str:
        """The CSRF token of a session."""
        return str(self._csrf.dumps(session.sid))

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
