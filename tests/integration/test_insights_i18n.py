"""Every message of relationship intelligence has a Japanese translation in insights.po,
with the same placeholders; every explanation renders in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from kinmyaku.domain.insights.explain import TEMPLATES
from kinmyaku.i18n import LOCALES

PACKAGE = LOCALES.parent
PYTHON = [
    "cli/insights.py",
    "services/insights.py",
    "services/insights_people.py",
    "services/insights_reads.py",
    "services/drill.py",
    "web/routes/pages_review.py",
]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": None,
    "say": None,
    "tr": None,
    "translate": (2,),
    "NotFound": None,
    "ValidationError": (2,),
}
TEMPLATE_CALL = re.compile(r"""_\(\s*(["'])(.+?)\1""")


def used_msgids() -> set[str]:
    found: set[str] = set()
    for module in PYTHON:
        for _line, message, _c, _ctx in extract_from_file(
            "python", str(PACKAGE / module), keywords=KEYWORDS, comment_tags=(), options={}
        ):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    for template in (PACKAGE / "web" / "templates").glob("review*.html"):
        found.update(m.group(2) for m in TEMPLATE_CALL.finditer(template.read_text("utf-8")))
    return found


def insights_catalog() -> dict[str, str]:
    path = Path(LOCALES / "ja" / "insights.po")
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle, locale="ja") if m.id}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_extraction_sees_cli_web_and_services() -> None:
    found = used_msgids()
    assert {"Remembered {right} of {total}", "Recall drill", "now", "No person with id {id}"} <= (
        found
    )


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    catalog = insights_catalog()
    missing = sorted(m for m in used_msgids() if not catalog.get(m))
    assert missing == []
    wrong = [m for m, ja in catalog.items() if ja and placeholders(m) != placeholders(ja)]
    assert wrong == []


def test_explanations_exist_in_both_languages() -> None:
    assert set(TEMPLATES["ja"]) == set(TEMPLATES["en"])
    for key, ja in TEMPLATES["ja"].items():
        assert placeholders(ja) == placeholders(TEMPLATES["en"][key]), key
