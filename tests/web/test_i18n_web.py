"""Every string of the web app has a Japanese translation with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from kinmyaku.i18n import LOCALES, catalog
from kinmyaku.web.i18n import LABELS, choose_language, format_day, parse_accept_language

PACKAGE = LOCALES.parent
TEMPLATES = PACKAGE / "web" / "templates"
PYTHON = [
    *sorted((PACKAGE / "web").rglob("*.py")),
    PACKAGE / "services" / "auth.py",
    PACKAGE / "services" / "photos.py",
    PACKAGE / "services" / "browse.py",
    PACKAGE / "cli" / "web.py",
]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "translate": (2,),
    "t": None,
    "say": None,
    "fail": None,
    "ValidationError": (2,),
    "NotFound": None,
}
GETTEXT = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
# Field names the web's own ValidationErrors use (error_text translates them too).
FIELDS = ["photo", "password", "follow_up_done"]


def template_ids() -> set[str]:
    """Message ids in ``_("...")`` calls of the templates."""
    found: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        for match in GETTEXT.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def python_ids() -> set[str]:
    """Message ids in the web's Python modules (Babel's extractor)."""
    found: set[str] = set()
    for path in PYTHON:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            text = message[0] if isinstance(message, tuple) else message
            if text:
                found.add(text)
    return found


def all_ids() -> list[str]:
    """Every message id the web app shows."""
    ids = template_ids() | python_ids() | set(LABELS.values()) | set(FIELDS)
    ids.add("Missing or invalid CSRF token")
    return sorted(ids)


def fields(text: str) -> set[str]:
    """The ``{placeholders}`` of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_extractors_see_the_app() -> None:
    assert len(template_ids()) > 150
    assert "Quick add" in template_ids()
    assert "Wrong password." in python_ids()


@pytest.mark.parametrize("msgid", all_ids())
def test_japanese_translation_exists(msgid: str) -> None:
    translated = catalog("ja").get(msgid)
    assert translated, f"no Japanese for {msgid!r}: add it to locales/ja/web.po"
    assert fields(translated) == fields(msgid)


def test_web_po_has_no_unused_or_duplicate_entries() -> None:
    from babel.messages.pofile import read_po

    with (LOCALES / "ja" / "web.po").open("rb") as handle:
        web = {m.id for m in read_po(handle) if m.id}
    others: set[str] = set()
    for po in (LOCALES / "ja").glob("*.po"):
        if po.name != "web.po":
            with po.open("rb") as handle:
                others |= {m.id for m in read_po(handle) if m.id}
    used = set(all_ids()) | {"date", "due", "follow_up", "introducer", "person", "cadence",
                             "weight", "what", "name", "goal_count", "tags", "event",
                             "family_name", "given_name", "family_reading", "given_reading",
                             "email", "phone"}  # fmt: skip
    assert not (web - used), f"unused in web.po: {sorted(web - used)}"


def test_accept_language_and_choice() -> None:
    assert parse_accept_language("en-US,en;q=0.9,ja;q=0.8") == ["en", "en", "ja"]
    assert parse_accept_language("ja;q=0.2, en;q=0.7") == ["en", "ja"]
    assert parse_accept_language("fr;q=0, ja;q=x") == []
    assert choose_language(None, "en-GB", "ja") == "en"
    assert choose_language("ja", "en-GB", "en") == "ja"
    assert choose_language("xx", "de", "en") == "en"
    assert choose_language(None, None, "zz") == "ja"


def test_dates_the_japanese_way() -> None:
    from datetime import date

    assert format_day(date(2024, 3, 15), "ja") == "2024年3月15日"
    assert format_day("2024-03-15", "en") == "Mar 15, 2024"
    assert format_day(None, "ja") == ""
    assert format_day("not a date", "ja") == "not a date"


def test_template_names_follow_the_routes() -> None:
    names = {p.name for p in Path(TEMPLATES).glob("*.html")}
    assert {"base.html", "people.html", "person.html", "quick_add.html", "event.html"} <= names
    assert all(n.startswith("_") or not n.startswith("_person") for n in names)
