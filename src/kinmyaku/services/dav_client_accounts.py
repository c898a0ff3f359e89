"""Remote CardDAV address books kinmyaku syncs with (``kinmyaku sync add | list | remove``).

An account is a URL, a user name and a name to call it by.  Its password must be sent to
the server as it is, so it cannot be hashed: it is kept in the ``credentials`` table (key
``carddav_client:<id>``), which no backup, export or database dump ever holds
(services/backup.py), and it is never printed or logged.  A restored backup keeps the
accounts without their passwords: ``kinmyaku sync add`` again gives them back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, insert, select, update

from kinmyaku.domain.errors import KinmyakuError, NotFound, ValidationError
from kinmyaku.storage.people import now
from kinmyaku.storage.schema import credentials, dav_accounts, dav_sync_log, settings
from kinmyaku.storage.uow import UnitOfWork

MAX_NAME = 60
MAX_PASSWORD = 1024
EVERY_KEY = "sync.every_minutes"
DEFAULT_EVERY = 15
"""``kinmyaku serve`` syncs every account this often (minutes; 0: never) by default."""


class NoPassword(KinmyakuError):
    """The account's password is not kept here (a restored backup): add the account again."""


@dataclass(frozen=True, slots=True)
class Account:
    """A remote address book as listed (never its password)."""

    id: int
    name: str
    url: str
    username: str
    addressbook: str | None
    sync_token: str | None
    created_at: datetime
    last_sync: datetime | None
    running_since: datetime | None = None
    """When the sync running now started (None: none is running)."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One sync of an account: when, whether it worked, what it did or why it failed."""

    account: str
    started_at: datetime
    finished_at: datetime
    ok: bool
    counts: dict[str, int]
    error: dict[str, Any] | None


def password_key(account_id: int) -> str:
    """The credentials key of an account's password."""
    return f"carddav_client:{account_id}"


def _check(name: str, url: str, username: str, password: str) -> tuple[str, str]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("url", "Give the address book's URL as https://host/path")
    if parts.password is not None or parts.username is not None:
        raise ValidationError(
            "url",
            "Leave the user name and password out of the URL (use --user and --password-file)",
        )
    name = (name or f"{username}@{parts.hostname}").strip()
    if not name or len(name) > MAX_NAME or not name.isprintable() or "/" in name or ":" in name:
        raise ValidationError(
            "name", "An account's name has at most {count} characters and no '/' or ':'",
            count=MAX_NAME,
        )  # fmt: skip
    if not password or len(password) > MAX_PASSWORD:
        raise ValidationError("password", "The password file is empty or too long")
    return name, url.strip()


def add_account(
    uow: UnitOfWork, *, url: str, username: str, password: str, name: str = ""
) -> Account:
    """Keep a remote address book to sync with (the password in the credentials table)."""
    name, url = _check(name, url, username, password)
    with uow as conn:
        if conn.execute(select(dav_accounts.c.id).where(dav_accounts.c.name == name)).first():
            raise ValidationError("name", "An account named {name} exists", name=name)
        account_id = int(
            conn.execute(
                insert(dav_accounts)
                .values(name=name, url=url, username=username, created_at=now())
                .returning(dav_accounts.c.id)
            ).scalar_one()
        )
        conn.execute(insert(credentials).values(key=password_key(account_id), value=password))
        return _one(conn, name)


def _one(conn: Connection, name: str) -> Account:
    row = conn.execute(select(dav_accounts).where(dav_accounts.c.name == name)).first()
    if row is None:
        raise NotFound("No sync account named {name}", name=name)
    return Account(*row)


def get_account(uow: UnitOfWork, *, name: str) -> Account:
    """The account of that name (NotFound otherwise)."""
    with uow as conn:
        return _one(conn, name)


def list_accounts(uow: UnitOfWork) -> list[Account]:
    """Every account, oldest first."""
    with uow as conn:
        return [
            Account(*row) for row in conn.execute(select(dav_accounts).order_by(dav_accounts.c.id))
        ]


def remove_account(uow: UnitOfWork, *, name: str) -> None:
    """Forget an account, its password and its sync state (the people stay)."""
    with uow as conn:
        account = _one(conn, name)
        conn.execute(delete(credentials).where(credentials.c.key == password_key(account.id)))
        conn.execute(delete(dav_accounts).where(dav_accounts.c.id == account.id))


def account_password(conn: Connection, account: Account) -> str:
    """The account's password (NoPassword when a restore left it behind)."""
    value = conn.execute(
        select(credentials.c.value).where(credentials.c.key == password_key(account.id))
    ).scalar()
    if value is None:
        raise NoPassword(
            "The password of {name} is not kept here: add the account again", name=account.name
        )
    return str(value)


def save_progress(
    conn: Connection, account_id: int, *, addressbook: str | None = None, token: str | None = None
) -> None:
    """Remember the address book found, the sync token and the time of the last sync."""
    values: dict[str, Any] = {"last_sync": now(), "sync_position": token}
    if addressbook is not None:
        values["addressbook"] = addressbook
    conn.execute(update(dav_accounts).where(dav_accounts.c.id == account_id).values(**values))


def write_log(
    uow: UnitOfWork,
    account_id: int,
    *,
    started: datetime,
    counts: dict[str, int],
    error: KinmyakuError | None = None,
) -> None:
    """Add a line to the sync log (an error as its message id and values, no password)."""
    text = None
    if error is not None:
        text = json.dumps(
            {"msgid": error.msgid, "params": error.params}, ensure_ascii=False, default=str
        )
    with uow as conn:
        conn.execute(
            insert(dav_sync_log).values(
                account_id=account_id,
                started_at=started,
                finished_at=now(),
                ok=error is None,
                counts=json.dumps(counts),
                error=text,
            )
        )


def sync_log(uow: UnitOfWork, *, limit: int = 20) -> list[LogEntry]:
    """The latest syncs of every account, newest first."""
    log, acc = dav_sync_log.c, dav_accounts.c
    with uow as conn:
        rows = conn.execute(
            select(acc.name, log.started_at, log.finished_at, log.ok, log.counts, log.error)
            .join(dav_accounts, acc.id == log.account_id)
            .order_by(log.id.desc())
            .limit(limit)
        ).all()
    return [
        LogEntry(
            name, start, end, bool(ok), json.loads(counts), json.loads(error) if error else None
        )
        for name, start, end, ok, counts, error in rows
    ]


def get_every(uow: UnitOfWork) -> int:
    """How often ``kinmyaku serve`` syncs (minutes; 0: never)."""
    with uow as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == EVERY_KEY)).scalar()
    return int(value) if value is not None and str(value).isdigit() else DEFAULT_EVERY


def set_every(uow: UnitOfWork, minutes: int) -> None:
    """Set how often ``kinmyaku serve`` syncs every account (minutes; 0: never)."""
    if minutes < 0 or minutes > 7 * 24 * 60:
        raise ValidationError(
            "minutes", "Give the minutes between syncs from 0 (never) to {most}", most=7 * 24 * 60
        )
    with uow as conn:
        conn.execute(delete(settings).where(settings.c.key == EVERY_KEY))
        conn.execute(insert(settings).values(key=EVERY_KEY, value=str(minutes)))
