"""Every message of the CardDAV client (``kinmyaku sync``, services/dav_client*.py) has a
Japanese text in locales/ja/carddav_client.po, with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_i18n import ast_msgids, babel_keywords, babel_msgids, placeholders

from kinmyaku.i18n import LOCALES, catalog

PACKAGE = LOCALES.parent
MODULES = [
    "cli/sync.py",
    "services/dav_client.py",
    "services/dav_client_accounts.py",
    "services/dav_client_http.py",
]
HELP = [
    "Sync people both ways with a CardDAV address book (Radicale ...).",
    "Keep an address book to sync with (the password is never backed up or printed).",
    "List the address books kept: name, URL, user, last sync.",
    "Forget an address book and its password (the people stay).",
    "Sync now, both ways: what changed on either side since the last sync.",
    "Set how often kinmyaku serve syncs every address book (default 15 minutes).",
    "Show the latest syncs: when, which account, what they did or why they failed.",
    "The address book's URL (or the server's).",
    "The user name on that server.",
    "A file holding the password (first line).",
    "What to call the account (default USER@HOST).",
    "The account's name (from kinmyaku sync list).",
    "Only this account (default: every one).",
    "Minutes between syncs while kinmyaku serve runs (0: never).",
]


def _msgids() -> set[str]:
    keywords = {**babel_keywords(), "RemoteError": None, "NoPassword": None}
    found: set[str] = set()
    for module in MODULES:
        path = PACKAGE / module
        found |= babel_msgids(path, keywords) | ast_msgids(path, keywords)
    return found


def test_extraction_finds_client_messages() -> None:
    found = _msgids()
    assert "No sync account named {name}" in found
    assert "No address book was found at {url}" in found
    assert "The password file {path} cannot be read" in found


@pytest.mark.parametrize("msgid", sorted(_msgids() | set(HELP)))
def test_client_message_has_japanese(msgid: str) -> None:
    japanese = catalog("ja")
    assert msgid in japanese, f"no Japanese for {msgid!r} (locales/ja/carddav_client.po)"
    assert placeholders(japanese[msgid]) == placeholders(msgid)


def test_catalog_file_exists() -> None:
    assert Path(LOCALES / "ja" / "carddav_client.po").is_file()
