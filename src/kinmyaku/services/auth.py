"""The owner's password (argon2) and the web secret key, kept in the credentials table.

Changing or removing the password ends every login: the sessions table is emptied and the
key that signs cookies is replaced, in the same transaction.  Neither the password hash nor
the key is ever in a backup or export: credentials tables are never backed up or dumped.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from kinmyaku.domain.errors import ValidationError
from kinmyaku.services.sessions import end_all
from kinmyaku.storage.schema import credentials
from kinmyaku.storage.uow import UnitOfWork

PASSWORD_KEY = "owner_password"  # noqa: S105 (a credentials key, not a password)
SECRET_KEY = "web_secret_key"  # noqa: S105 (a credentials key)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_hasher = PasswordHasher()


def _get(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(credentials.c.value).where(credentials.c.key == key)).scalar()
    return str(value) if value is not None else None


def _put(conn: Connection, key: str, value: str) -> None:
    if _get(conn, key) is None:
        conn.execute(insert(credentials).values(key=key, value=value))
    else:
        conn.execute(update(credentials).where(credentials.c.key == key).values(value=value))


def set_password(uow: UnitOfWork, *, password: str) -> None:
    """Set (or change) the owner's password, stored as an argon2 hash."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            "password", "The password must have at least {count} characters", count=MIN_PASSWORD
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError("password", "The password is too long")
    hashed = _hasher.hash(password)
    with uow as conn:
        _put(conn, PASSWORD_KEY, hashed)
        _end_every_login(conn)


def clear_password(uow: UnitOfWork) -> None:
    """Remove the owner's password (the web app then only serves 127.0.0.1 without login)."""
    with uow as conn:
        conn.execute(delete(credentials).where(credentials.c.key == PASSWORD_KEY))
        _end_every_login(conn)


def _end_every_login(conn: Connection) -> None:
    """Every session ends and the cookie key is new: no cookie from before is worth anything."""
    end_all(conn)
    _put(conn, SECRET_KEY, secrets.token_urlsafe(48))


@dataclass(frozen=True, slots=True)
class AuthState:
    """What the web app re-reads every few seconds: is a password set, which key signs."""

    has_password: bool
    secret_key: str


def auth_state(uow: UnitOfWork) -> AuthState:
    """Whether a password is set and the current cookie key (made when missing), in one read."""
    with uow as conn:
        rows = conn.execute(
            select(credentials.c.key, credentials.c.value).where(
                credentials.c.key.in_((PASSWORD_KEY, SECRET_KEY))
            )
        )
        found = {str(key): str(value) for key, value in rows}
    key = found.get(SECRET_KEY) or secret_key(uow)
    return AuthState(has_password=PASSWORD_KEY in found, secret_key=str(key))


def has_password(uow: UnitOfWork) -> bool:
    """True when an owner password is set."""
    with uow as conn:
        return _get(conn, PASSWORD_KEY) is not None


def check_password(uow: UnitOfWork, *, password: str) -> bool:
    """True when the password is the owner's (re-hashing it if the parameters changed)."""
    with uow as conn:
        hashed = _get(conn, PASSWORD_KEY)
        if hashed is None or len(password) > MAX_PASSWORD:
            return False
        try:
            _hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(hashed):
            _put(conn, PASSWORD_KEY, _hasher.hash(password))
        return True


def secret_key(uow: UnitOfWork) -> str:
    """The key that signs session cookies: generated once, then read from the credentials table."""
    try:
        with uow as conn:
            found = _get(conn, SECRET_KEY)
            if found:
                return found
            key = secrets.token_urlsafe(48)
            conn.execute(insert(credentials).values(key=SECRET_KEY, value=key))
            return key
    except IntegrityError:
        # Another process (a second server worker) stored its key first: use that one.
        with uow as conn:
            stored = _get(conn, SECRET_KEY)
            if stored is None:
                raise
            return stored
