"""Readings learned from the user's own people (domain/identity/readings.py)."""

from __future__ import annotations

from kinmyaku.domain.identity.profile import Features
from kinmyaku.domain.identity.readings import learn_readings
from kinmyaku.domain.identity.scoring import compare_names

from .helpers import person, population


def test_a_guessed_reading_gains_the_readings_others_state_for_the_same_kanji() -> None:
    card = person("山本", "大樹")  # no reading on the card: guessed from the kanji
    phone = person("横山", "大樹", reading=("よこやま", "だいき"))
    google = person("山本", "健", reading=("やまもと", "けん"))
    row = person("Yamamoto", "Daiki")
    before = compare_names(card, row, population(card, phone, google, row))
    people: list[Features] = [card, phone, google, row]
    added = learn_readings(people)
    after = compare_names(card, row, population(*people))
    assert added >= 1
    assert after.level == "sound_guess_cross"
    assert before.level != after.level  # the guess alone did not read 大樹 as だいき
    # stated readings are left alone: only guesses learn
    assert [n.given_sound for n in phone.names] == [phone.names[0].given_sound]


def test_nothing_is_learned_from_kana_or_romaji_names() -> None:
    kana = person("ヤマモト", "ダイキ")
    roman = person("Yamamoto", "Daiki")
    card = person("山本", "大樹")
    assert learn_readings([kana, roman, card]) == 0
