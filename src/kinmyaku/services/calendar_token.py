"""The secret calendar URL: a random token in the credentials table, created, checked, revoked."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import delete, insert, select, update

from kinmyaku.storage.schema import credentials
from kinmyaku.storage.uow import UnitOfWork

TOKEN_KEY = "calendar_token"  # noqa: S105 (a credentials key, not the secret)
TOKEN_BYTES = 32


def get_calendar_token(uow: UnitOfWork) -> str | None:
    """The current calendar token, or None when the calendar URL is off."""
    with uow as conn:
        value = conn.execute(
            select(credentials.c.value).where(credentials.c.key == TOKEN_KEY)
        ).scalar()
    return str(value) if value else None


def create_calendar_token(uow: UnitOfWork) -> str:
    """Make a new random token (the old URL, if any, stops working); returns it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with uow as conn:
        changed = conn.execute(
            update(credentials).where(credentials.c.key == TOKEN_KEY).values(value=token)
        ).rowcount
        if not changed:
            conn.execute(insert(credentials).values(key=TOKEN_KEY, value=token))
    return token


def revoke_calendar_token(uow: UnitOfWork) -> None:
    """Turn the calendar URL off: the stored token is deleted."""
    with uow as conn:
        conn.execute(delete(credentials).where(credentials.c.key == TOKEN_KEY))


def check_calendar_token(uow: UnitOfWork, *, token: str) -> bool:
    """True when ``token`` is the current calendar token (compared in constant time)."""
    stored = get_calendar_token(uow)
    if stored is None:
        return False
    return hmac.compare_digest(stored.encode(), token.encode("utf-8", "replace"))
