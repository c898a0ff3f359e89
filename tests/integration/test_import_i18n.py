"""Every message of import/export/backup has a Japanese translation with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from kinmyaku.cli.transfer import ACTIONS, REASONS
from kinmyaku.i18n import LOCALES, catalog

PACKAGE = LOCALES.parent
MODULES = [
    PACKAGE / "cli" / "transfer.py",
    *sorted((PACKAGE / "services").glob("import*.py")),
    PACKAGE / "services" / "exporting.py",
    PACKAGE / "services" / "backup.py",
]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": None,
    "say": None,
    "fail": None,
    "translate": (2,),
    "ImportFailed": None,
    "RestoreRefused": None,
    "KinmyakuError": None,
    "NotFound": None,
    "ValidationError": (2,),
}


def msgids() -> set[str]:
    """Message ids used by the import/export modules."""
    found = set(REASONS.values()) | set(ACTIONS.values())
    for path in MODULES:
        for _line, message, _c, _x in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=(), options={}
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _names(text: str) -> set[str]:
    return {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}


def test_extraction_sees_the_modules() -> None:
    assert all(Path(p).is_file() for p in MODULES)
    assert "Nothing was imported. {reason} (use --skip-bad to skip bad records)" in msgids()


@pytest.mark.parametrize("msgid", sorted(msgids()))
def test_translated_with_same_placeholders(msgid: str) -> None:
    translated = catalog("ja").get(msgid, "")
    assert translated.strip(), f"add {msgid!r} to locales/ja/importing.po"
    assert _names(translated) == _names(msgid)
