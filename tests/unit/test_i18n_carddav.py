"""Every message of CardDAV sync (app passwords, the /dav/ server) has a Japanese text in
locales/ja/carddav.po, with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_i18n import ast_msgids, babel_keywords, babel_msgids, placeholders

from kinmyaku.i18n import LOCALES, catalog

PACKAGE = LOCALES.parent
MODULES = [
    "services/app_passwords.py",
    "services/carddav.py",
    "services/dav_cards.py",
    "services/dav_trash.py",
    "services/dav_history.py",
    "services/dav_merge.py",
    "services/dav_fields.py",
    "web/dav.py",
    "web/routes/pages_carddav.py",
    "cli/dav.py",
]
HELP = [
    "App passwords for phones and address books that sync (CardDAV).",
    "The device's name (e.g. iPhone); its user name too.",
    "Make an app password for a device (shown once: write it into the device now).",
    "Revoke an app password: that device can no longer sync.",
    # The sync log's actions (web/routes/pages_carddav.py ACTION_WORDS, shown translated)
    "created",
    "edited",
    "edited (merged with changes made here)",
    "deleted",
    "deleted (kept in Deleted from devices)",
]


def _msgids() -> set[str]:
    keywords = {
        **babel_keywords(),
        "CardError": None,
        "PreconditionFailed": None,
        "InvalidToken": None,
        "BadRequest": None,
    }
    found: set[str] = set()
    for module in MODULES:
        path = PACKAGE / module
        found |= babel_msgids(path, keywords) | ast_msgids(path, keywords)
    return found


def test_extraction_finds_carddav_messages() -> None:
    found = _msgids()
    assert "No app password named {name}" in found
    assert "The card exists already" in found
    assert "The XML body cannot be read" in found


@pytest.mark.parametrize("msgid", sorted(_msgids() | set(HELP)))
def test_carddav_message_has_japanese(msgid: str) -> None:
    japanese = catalog("ja")
    assert msgid in japanese, f"no Japanese for {msgid!r} (locales/ja/carddav.po)"
    assert placeholders(japanese[msgid]) == placeholders(msgid)


def test_catalog_file_exists() -> None:
    assert Path(LOCALES / "ja" / "carddav.po").is_file()
