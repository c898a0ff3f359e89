"""App passwords: one per device that syncs over CardDAV, never the owner password.

A device logs in (HTTP Basic) with the password's name as user name and the password
shown once when it was made; only an argon2 hash is stored (credential table
``app_passwords``: never in a backup).  A revoked password stays listed, and opens nothing.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.storage.people import now
from kinmyaku.storage.retry import DatabaseBusy
from kinmyaku.storage.schema import app_passwords
from kinmyaku.storage.uow import UnitOfWork, reading

log = logging.getLogger(__name__)

MAX_NAME = 60
MAX_PASSWORD = 1024
LAST_USED_EVERY = timedelta(minutes=1)
"""``last_used`` is written at most this often per password (a sync makes many requests)."""

_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class AppPassword:
    """One app password as listed (never the password itself)."""

    id: int
    name: str
    created_at: datetime
    last_used: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewAppPassword:
    """An app password just made: the only time the password itself is known."""

    name: str
    password: str


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("name", "Give the app password a name (the device, e.g. iPhone)")
    if len(name) > MAX_NAME or ":" in name or not name.isprintable():
        raise ValidationError(
            "name", "An app password's name has at most {count} characters and no ':'",
            count=MAX_NAME,
        )  # fmt: skip
    return name


def add_app_password(uow: UnitOfWork, *, name: str) -> NewAppPassword:
    """Make an app password for a device; the password is returned once, never stored."""
    name = _check_name(name)
    password = "-".join(secrets.token_hex(3) for _ in range(4))  # 24 bits a group: 96 bits
    with uow as conn:
        taken = conn.execute(
            select(app_passwords.c.id).where(
                app_passwords.c.name == name, app_passwords.c.revoked_at.is_(None)
            )
        ).first()
        if taken is not None:
            raise ValidationError("name", "An app password named {name} exists", name=name)
        conn.execute(
            insert(app_passwords).values(
                name=name, password_hash=_hasher.hash(password), created_at=now()
            )
        )
    return NewAppPassword(name=name, password=password)


def list_app_passwords(uow: UnitOfWork) -> list[AppPassword]:
    """Every app password, oldest first (revoked ones too)."""
    c = app_passwords.c
    with uow as conn:
        rows = conn.execute(
            select(c.id, c.name, c.created_at, c.last_used, c.revoked_at).order_by(c.id)
        )
        return [AppPassword(*row) for row in rows]


def revoke_app_password(uow: UnitOfWork, *, name: str) -> None:
    """Revoke the app password of that name: the device can no longer sync."""
    c = app_passwords.c
    with uow as conn:
        done = conn.execute(
            update(app_passwords)
            .where(c.name == name.strip(), c.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        if not done.rowcount:
            raise NotFound("No app password named {name}", name=name)


def check_app_password(uow: UnitOfWork, *, name: str, password: str) -> bool:
    """True when the password is that device's (not revoked); notes when it was last used."""
    return verify_app_password(uow, name=name, password=password) is not None


def verify_app_password(uow: UnitOfWork, *, name: str, password: str) -> str | None:
    """The stored hash when the password is that device's (not revoked), else None; notes
    when it was last used.

    The check only reads. Noting the time is a write of its own and only best effort: while
    another writer holds the database (the daily roll of the summary, a big import) the
    device still gets in, and the time is noted on a later request.
    """
    if len(password) > MAX_PASSWORD or len(name) > MAX_NAME:
        return None
    row = _current(uow, name)
    if row is None:
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    _note_use(uow, row.id, row.last_used)
    return str(row.password_hash)


def still_valid(uow: UnitOfWork, *, name: str, password_hash: str) -> bool:
    """True when the device's password is still the one stored as ``password_hash`` (neither
    revoked nor replaced): a device whose password was verified against that hash lately
    is let in again by this one query, without argon2 (64 MB and tens of ms a check)."""
    row = _current(uow, name)
    if row is None or row.password_hash != password_hash:
        return False
    _note_use(uow, row.id, row.last_used)
    return True


def _current(uow: UnitOfWork, name: str) -> Any:
    c = app_passwords.c
    with reading(), uow as conn:
        return conn.execute(
            select(c.id, c.password_hash, c.last_used).where(c.name == name, c.revoked_at.is_(None))
        ).first()


def _note_use(uow: UnitOfWork, password_id: int, last_used: datetime | None) -> None:
    stamp = now()
    if last_used is not None and stamp - last_used <= LAST_USED_EVERY:
        return
    try:
        with uow as conn:
            conn.execute(
                update(app_passwords)
                .where(app_passwords.c.id == password_id)
                .values(last_used=stamp)
            )
    except DatabaseBusy:
        log.info("app password %s: last use not noted, the database is busy", password_id)
