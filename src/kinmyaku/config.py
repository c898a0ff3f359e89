"""Settings: where the data lives, which database, which language."""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "kinmyaku"
ENV_DB = "KINMYAKU_DB"
ENV_LANG = "KINMYAKU_LANG"
ENV_DATA = "KINMYAKU_DATA_DIR"
LANGUAGES = ("ja", "en")


def data_dir() -> Path:
    """The user's data directory (``KINMYAKU_DATA_DIR`` or the platform's default)."""
    override = os.environ.get(ENV_DATA)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def database_url(value: str | None = None) -> str:
    """An SQLAlchemy URL from ``--db``, ``KINMYAKU_DB`` or the default SQLite file.

    A value with ``://`` is a URL (``postgresql+psycopg://...``); anything else is a path
    to a SQLite file.
    """
    value = value or os.environ.get(ENV_DB) or str(data_dir() / "kinmyaku.sqlite3")
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


NEUTRAL_LOCALES = ("c", "posix")
"""Locales that name no language (LANG=C, C.UTF-8, POSIX): Japanese, as with none set."""


def _language_of_locale(name: str) -> str | None:
    """``ja``/``en`` a locale name asks for; None for a neutral one (C, POSIX)."""
    code = name.strip().lower().split(".")[0].split("@")[0]
    if code in NEUTRAL_LOCALES:
        return None
    return "ja" if code.startswith("ja") else "en"


def detect_language(value: str | None = None) -> str:
    """``ja`` or ``en``: ``--lang``, ``KINMYAKU_LANG``, else the locale (LC_ALL, LANG ...);
    Japanese first: a neutral or missing locale (LANG=C, unset) gives ``ja``."""
    if value:
        return value if value in LANGUAGES else "en"
    env = os.environ.get(ENV_LANG)
    if env in LANGUAGES:
        return env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        current = os.environ.get(var)
        if current:
            return _language_of_locale(current) or "ja"
    code = locale.getlocale()[0] or ""
    return (_language_of_locale(code) if code else None) or "ja"


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to start: database URL, language, data folder."""

    database_url: str = field(default_factory=database_url)
    language: str = "ja"
    data_dir: Path = field(default_factory=data_dir)
    # Today's date for every computation; None means the real clock (tests pin it).
    today: str | None = None
