"""Login sessions kept on the server: started at login, listed, ended one by one or all at once.

A browser that logs in with the owner password gets a random session id in its signed
cookie; the ``sessions`` table keeps the SHA-256 of that id (never the id), when it logged
in, when it was last seen (written at most once a minute), its device and address.  A cookie
whose session is not in the table is not logged in: deleting rows logs browsers out, and
every change or removal of the password deletes them all (services/auth.py).

Only logged-in sessions are stored.  A visitor who is not logged in (the login page, or the
loopback server without a password) has a session id in the cookie alone, used to bind CSRF
tokens; storing those would write a row for every visit and protect nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from kinmyaku.domain.errors import NotFound
from kinmyaku.i18n import translate
from kinmyaku.storage.people import now as utc_now
from kinmyaku.storage.schema import sessions
from kinmyaku.storage.uow import UnitOfWork

SESSION_DAYS = 30
"""A login lasts this long (the cookie's age and the row's)."""
TOUCH_EVERY = timedelta(seconds=60)
"""``last_seen`` is written at most this often per session."""
DEVICE_LENGTH = 100


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A logged-in browser as the settings page and ``kinmyaku sessions`` show it."""

    id: int
    created_at: datetime
    last_seen: datetime
    device: str
    ip: str | None


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """What a request needs of its stored session: the row, and when it was last written."""

    id: int
    last_seen: datetime


def hash_sid(sid: str) -> str:
    """The stored form of a session id (SHA-256, hex)."""
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def _oldest(now: datetime) -> datetime:
    return now - timedelta(days=SESSION_DAYS)


def start_session(uow: UnitOfWork, *, sid: str, user_agent: str, ip: str | None) -> int:
    """Record a login (and forget logins too old to count); returns the session's id."""
    now = utc_now()
    with uow as conn:
        conn.execute(delete(sessions).where(sessions.c.created_at < _oldest(now)))
        return int(
            conn.execute(
                insert(sessions)
                .values(
                    sid_hash=hash_sid(sid),
                    created_at=now,
                    last_seen=now,
                    device=describe_device(user_agent),
                    ip=(ip or None) and ip[:45],
                )
                .returning(sessions.c.id)
            ).scalar_one()
        )


def find_session(uow: UnitOfWork, *, sid: str) -> ActiveSession | None:
    """The stored session of a session id, or None when it was ended or has expired."""
    with uow as conn:
        row = conn.execute(
            select(sessions.c.id, sessions.c.last_seen).where(
                sessions.c.sid_hash == hash_sid(sid),
                sessions.c.created_at >= _oldest(utc_now()),
            )
        ).first()
    return ActiveSession(id=row.id, last_seen=row.last_seen) if row else None


def touch_session(uow: UnitOfWork, *, session_id: int, ip: str | None) -> None:
    """Note that a session was just seen (from this address)."""
    with uow as conn:
        values: dict[str, object] = {"last_seen": utc_now()}
        if ip:
            values["ip"] = ip[:45]
        conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))


def check_session(uow: UnitOfWork, *, sid: str, ip: str | None) -> int | None:
    """The id of a session id's stored session (its last-seen time kept), or None."""
    found = find_session(uow, sid=sid)
    if found is None:
        return None
    if utc_now() - found.last_seen >= TOUCH_EVERY:
        touch_session(uow, session_id=found.id, ip=ip)
    return found.id


def list_sessions(uow: UnitOfWork) -> list[SessionInfo]:
    """Every logged-in browser, the most recently seen first."""
    with uow as conn:
        rows = conn.execute(
            select(sessions)
            .where(sessions.c.created_at >= _oldest(utc_now()))
            .order_by(sessions.c.last_seen.desc(), sessions.c.id.desc())
        ).all()
    return [
        SessionInfo(
            id=row.id,
            created_at=row.created_at,
            last_seen=row.last_seen,
            device=row.device,
            ip=row.ip,
        )
        for row in rows
    ]


def end_session(uow: UnitOfWork, *, session_id: int) -> None:
    """Log one browser out (NotFound when there is no such session)."""
    with uow as conn:
        gone = conn.execute(delete(sessions).where(sessions.c.id == session_id)).rowcount
    if not gone:
        raise NotFound("No session #{id}", id=session_id)


def end_session_of(uow: UnitOfWork, *, sid: str) -> None:
    """Log out the browser holding this session id (nothing when it is not logged in)."""
    with uow as conn:
        conn.execute(delete(sessions).where(sessions.c.sid_hash == hash_sid(sid)))


def end_all(conn: Connection) -> int:
    """Log every browser out, inside a transaction already open; how many were logged in."""
    return int(conn.execute(delete(sessions)).rowcount or 0)


def end_all_sessions(uow: UnitOfWork) -> int:
    """Log every browser out; how many were logged in."""
    with uow as conn:
        return end_all(conn)


# Browsers, most specific first: Edge, Opera, Samsung's and LINE's say "Chrome" and "Safari" too.
_BROWSERS = [
    (re.compile(r"\bEdg(?:e|A|iOS)?/"), "Edge"),
    (re.compile(r"\bOPR/|\bOpera\b"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\bLine/"), "LINE"),
    (re.compile(r"\bVivaldi/"), "Vivaldi"),
    (re.compile(r"\bFxiOS/|\bFirefox/"), "Firefox"),
    (re.compile(r"\bCriOS/|Chrome/|\bChromium/"), "Chrome"),  # HeadlessChrome/ too
    (re.compile(r"\bVersion/[\d.]+.*\bSafari/"), "Safari"),
    (re.compile(r"^curl/"), "curl"),
    (re.compile(r"python|httpx|aiohttp|testclient", re.IGNORECASE), "Python"),
]
_SYSTEMS = [
    (re.compile(r"\biPhone\b"), "iPhone"),
    (re.compile(r"\biPad\b"), "iPad"),
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\bCrOS\b"), "ChromeOS"),
    (re.compile(r"\bMac OS X\b|\bMacintosh\b"), "macOS"),
    (re.compile(r"\bLinux\b|\bX11\b"), "Linux"),
]


def describe_device(user_agent: str) -> str:
    """A short name for a browser from its User-Agent: "Safari · iPhone" ("" when unknown).

    A few patterns, no library: the list is for recognising one's own devices, not analytics.
    """
    browser = next((name for pattern, name in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)[:DEVICE_LENGTH]


def device_text(lang: str, device: str) -> str:
    """The device as shown ("Unknown device" when the User-Agent said nothing known)."""
    return device or translate(lang, "Unknown device")


def seen_text(lang: str, when: datetime, now: datetime | None = None) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "3 hours ago", "2 days ago", a date."""
    seconds = ((now or utc_now()) - when).total_seconds()
    if seconds < 120:
        return translate(lang, "just now")
    if seconds < 3600:
        return translate(lang, "{count} minutes ago", count=int(seconds // 60))
    if seconds < 2 * 3600:
        return translate(lang, "an hour ago")
    if seconds < 86400:
        return translate(lang, "{count} hours ago", count=int(seconds // 3600))
    if seconds < 2 * 86400:
        return translate(lang, "a day ago")
    if seconds < 7 * 86400:
        return translate(lang, "{count} days ago", count=int(seconds // 86400))
    return translate(lang, "on {date}", date=when.date().isoformat())
