"""The owner's password (argon2) and the web secret key, kept in the settings table."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from kinmyaku.domain.errors import ValidationError
from kinmyaku.storage.schema import settings
from kinmyaku.storage.uow import UnitOfWork

PASSWORD_KEY = "owner_password"  # noqa: S105 (a settings key, not a password)
SECRET_KEY = "web_secret_key"  # noqa: S105 (a settings key)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_hasher = PasswordHasher()


def _get(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    return str(value) if value is not None else None


def _put(conn: Connection, key: str, value: str) -> None:
    if _get(conn, key) is None:
        conn.execute(insert(settings).values(key=key, value=value))
    else:
        conn.execute(update(settings).where(settings.c.key == key).values(value=value))


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


def clear_password(uow: UnitOfWork) -> None:
    """Remove the owner's password (the web app then only serves 127.0.0.1 without login)."""
    with uow as conn:
        conn.execute(delete(settings).where(settings.c.key == PASSWORD_KEY))


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
    """The key that signs session cookies: generated once, then read from the settings table."""
    try:
        with uow as conn:
            found = _get(conn, SECRET_KEY)
            if found:
                return found
            key = secrets.token_urlsafe(48)
            conn.execute(insert(settings).values(key=SECRET_KEY, value=key))
            return key
    except IntegrityError:
        # Another process (a second server worker) stored its key first: use that one.
        with uow as conn:
            stored = _get(conn, SECRET_KEY)
            if stored is None:
                raise
            return stored
