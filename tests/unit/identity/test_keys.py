"""Company sounds across scripts and names that are really a number (domain/identity)."""

from __future__ import annotations

import pytest

from kinmyaku.domain.identity.keys import company_sound
from kinmyaku.domain.identity.profile import UNNAMED, contact_as_name, is_named

from .helpers import person, population


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        ("Blue Ocean Inc.", "株式会社ブルーオーシャン"),  # a soft c: オーシャン
        ("Cloudworks Lab Inc.", "株式会社クラウドワークス・ラボ"),  # works: ワークス, no r
        ("Startup Yokocho Inc.", "スタートアップ横丁"),  # start: スタート
        ("Smart Center", "スマートセンター"),
        ("Fuji Food Service Co., Ltd.", "富士フードサービス株式会社"),  # not "Foods ervice"
        ("Tokyo Foods", "東京フーズ"),
        ("Sakura Bank, Ltd.", "さくら銀行"),
        ("Marunouchi Consulting", "丸の内コンサルティング"),  # a romaji r before a vowel stays
    ],
)
def test_a_company_in_english_sounds_like_its_katakana_name(english: str, japanese: str) -> None:
    assert company_sound(english)
    assert company_sound(english) == company_sound(japanese)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Fuji Food Service", "Tokyo Foods"),
        ("Blue Ocean Inc.", "Blue Star Inc."),
        ("Cloudworks Lab Inc.", "Cloud Links Lab"),
        ("Startup Yokocho Inc.", "スタジオ横丁"),
    ],
)
def test_other_companies_keep_other_sounds(one: str, other: str) -> None:
    assert company_sound(one) != company_sound(other)


def test_the_sound_makes_the_company_the_same_across_scripts() -> None:
    from kinmyaku.domain.identity.scoring import compare_companies

    card = person("青木", "颯太", company="株式会社クラウドワークス・ラボ")
    linkedin = person("Souta", "Aoki", company="Cloudworks Lab Inc.")
    assert compare_companies(card, linkedin, population(card, linkedin)).level == "same"


@pytest.mark.parametrize(
    "name",
    ["090-3818-9294", "09038189294", "+81 90-3818-9294", "０９０-３８１８-９２９４",
     "(03) 1234-5678", "shota@example.com"],
)  # fmt: skip
def test_a_number_or_an_address_is_no_name(name: str) -> None:
    assert contact_as_name(name)
    assert not is_named(name, "", set())


@pytest.mark.parametrize("name", ["高橋", "Takahashi", "7-Eleven", "No.1", "12"])
def test_names_are_names(name: str) -> None:
    assert not contact_as_name(name)
    assert is_named(name, "", set())


def test_a_name_taken_from_a_value_or_unnamed_is_no_name() -> None:
    assert not is_named("株式会社サンプル", "", {"株式会社サンプル"})
    assert not is_named(UNNAMED, "", set())
    assert is_named("090", "健", set())  # a given name: a name after all


def test_two_letters_swapped_in_an_address_are_one_address_mistyped() -> None:
    from kinmyaku.domain.identity.keys import email_skeleton, skeletons_near

    def near(a: str, b: str) -> bool:
        return skeletons_near(frozenset([email_skeleton(a)]), frozenset([email_skeleton(b)]))

    assert near("mao.saot@outlook.jp", "mao.sato@outlook.jp")
    assert near("kenta.sato@gmial.com", "kenat.sato@gmail.com")
    assert not near("mao.saot@outlook.jp", "mao.sato@gmail.com")  # another mailbox
    assert not near("kenta12@gmail.com", "kenta21@gmail.com")  # numbers are not typos
    assert not near("ken.abe@gmail.com", "ken.abc@gmail.com")  # another letter: another box


def test_a_mistyped_address_does_not_make_two_namesakes() -> None:
    """Her Google entry says mao.sato@outlook.jp, her LinkedIn row mao.saot@outlook.jp:
    one person of that name at the company, not two."""
    from kinmyaku.domain.identity.namesakes import conflict

    google = person("佐藤", "真央", company="株式会社サンプル", emails=["mao.sato@outlook.jp"])
    linkedin = person("Mao", "Sato", company="サンプル", emails=["mao.saot@outlook.jp"])
    other = person("佐藤", "真央", company="株式会社サンプル", emails=["mao0312@gmail.com"])
    assert not conflict(google, linkedin)
    assert conflict(google, other)
