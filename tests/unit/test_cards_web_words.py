"""Card capture's own words: every message of its services, routes and the scan command's
updates has a Japanese translation with the same placeholders; unsure fields are found."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.i18n import LOCALES, catalog
from kinmyaku.services.card_intake import uncertain_fields
from kinmyaku.web.card_forms import PHONE_LABELS

PACKAGE = LOCALES.parent
MODULES = [
    "services/card_store.py",
    "services/card_save.py",
    "services/card_intake.py",
    "web/card_forms.py",
    "web/routes/pages_cards.py",
    "web/routes/api_cards.py",
    "cli/cards.py",
]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "translate": (2,),
    "t": None,
    "say": None,
    "fail": None,
    "ValidationError": (2,),
    "NotFound": None,
    "KinmyakuError": None,
    "CardImageError": None,
}


def message_ids() -> list[str]:
    found: set[str] = set(PHONE_LABELS.values())
    for module in MODULES:
        for _line, message, _c, _x in extract_from_file(
            "python", str(PACKAGE / module), keywords=KEYWORDS
        ):
            text = message[0] if isinstance(message, tuple) else message
            if text:
                found.add(text)
    return sorted(found)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_modules_exist_and_say_something() -> None:
    assert all((PACKAGE / m).is_file() for m in MODULES)
    assert "Choose or take a photo of the card" in message_ids()


@pytest.mark.parametrize("msgid", message_ids())
def test_japanese_translation_exists(msgid: str) -> None:
    translated = catalog("ja").get(msgid)
    assert translated, f"no Japanese for {msgid!r}: add it to locales/ja/cards_web.po"
    assert fields(translated) == fields(msgid)


def test_cards_web_po_is_read() -> None:
    assert Path(LOCALES / "ja" / "cards_web.po").is_file()
    assert catalog("ja")["Scan a card"] == "名刺を撮る"
    assert catalog("ja")["Changed jobs?"] == "転職されましたか？"


def test_unsure_fields_are_the_low_ones_and_a_missing_name() -> None:
    card = CardFields(family_name="", given_name="舞", company="日本テクノロジー")
    card.confidence = {"company": 0.9, "given_reading": 0.3, "phones.fax": 0.4, "url": 0.2}
    assert uncertain_fields(card) == {"family_name", "given_reading", "phones", "url"}
    card.family_name = "藤原"
    card.confidence = {"family_name": 0.9}
    assert uncertain_fields(card) == set()
