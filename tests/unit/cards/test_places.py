"""The address and the postal code checked against each other (domain/cards/places.py),
with a small list of places standing in for Japan Post's."""

from __future__ import annotations

from kinmyaku.domain.cards.places import Place, check_address, mend_postal_code, mend_town

PLACES = {
    "150-0002": (Place("東京都", "渋谷区", "渋谷"),),
    "100-0005": (Place("東京都", "千代田区", "丸の内"),),
    "530-0001": (Place("大阪府", "大阪市北区", "梅田"),),
    "460-0008": (Place("愛知県", "名古屋市中区", "栄"),),
    "460-0003": (Place("愛知県", "名古屋市中区", "錦"),),
    "160-0023": (Place("東京都", "新宿区", "西新宿"),),
}


def places_of(code: str) -> tuple[Place, ...]:
    return PLACES.get(code, ())


def codes_of(address: str) -> list[tuple[str, Place]]:
    return [
        (code, place)
        for code, places in PLACES.items()
        for place in places
        if address.startswith(place.prefecture + place.city + place.town)
    ]


def test_a_misread_town_city_or_ward_is_spelled_as_the_postal_code_says() -> None:
    assert mend_town("東京都渋谷区小谷6-8-6", PLACES["150-0002"]) == "東京都渋谷区渋谷6-8-6"
    assert mend_town("東京都小谷区渋谷5-11-24", PLACES["150-0002"]) == "東京都渋谷区渋谷5-11-24"
    assert mend_town("東京都生代田区丸の内7-17-25", PLACES["100-0005"]) == (
        "東京都千代田区丸の内7-17-25"
    )
    assert (
        mend_town("大阪府大阪市北区株田5-12-1", PLACES["530-0001"]) == "大阪府大阪市北区梅田5-12-1"
    )
    assert mend_town("渋谷区小谷1-1-1", PLACES["150-0002"]) == "渋谷区渋谷1-1-1"  # no prefecture


def test_an_address_that_agrees_or_is_far_from_the_code_is_kept() -> None:
    same = "東京都新宿区西新宿4-6-12サンプルビル5F"
    assert mend_town(same, PLACES["160-0023"]) == same
    far = "東京都港区芝公園1-2-3"  # another office's code: nothing nearly agrees
    assert mend_town(far, PLACES["150-0002"]) == far
    # a one-character town that differs is another town, not a misread (栄 and 錦)
    assert mend_town("愛知県名古屋市中区錦3-1-1", PLACES["460-0008"]) == "愛知県名古屋市中区錦3-1-1"


def test_a_postal_code_one_digit_off_is_put_right_by_the_town() -> None:
    assert mend_postal_code("150-0082", "東京都渋谷区渋谷6-8-6", codes_of("東京都渋谷区渋谷")) == (
        "150-0002"
    )
    assert mend_postal_code("150-0782", "東京都渋谷区渋谷6-8-6", codes_of("東京都渋谷区渋谷")) == (
        "150-0782"  # two digits off: kept as read
    )


def test_the_check_mends_the_town_else_the_code_and_says_so() -> None:
    assert check_address("150-0002", "東京都渋谷区小谷6-8-6", places_of, codes_of) == (
        "150-0002",
        "東京都渋谷区渋谷6-8-6",
        True,
    )
    assert check_address("460-0008", "愛知県名古屋市中区錦3-1-1", places_of, codes_of) == (
        "460-0003",
        "愛知県名古屋市中区錦3-1-1",
        True,
    )
    fine = ("160-0023", "東京都新宿区西新宿4-6-12", False)
    assert check_address(fine[0], fine[1], places_of, codes_of) == fine
    assert check_address("", "東京都渋谷区小谷6-8-6", places_of, codes_of)[2] is False
