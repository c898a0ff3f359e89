"""Namesakes at one company (domain/identity/namesakes.py): a name at a company known to be
two people is never merged on name and company alone; one known as one person is."""

from __future__ import annotations

import pytest

from kinmyaku.domain.identity import namesakes
from kinmyaku.domain.identity.candidates import AUTO_MERGE
from kinmyaku.domain.identity.namesakes import (
    comparable,
    conflict,
    find_namesakes,
    namesakes_known,
)
from kinmyaku.domain.identity.profile import Features
from kinmyaku.domain.identity.scoring import (
    UNCHECKED_BAR,
    Level,
    Model,
    compare,
    strong,
    unchecked_name,
)

from .helpers import person, population

COMPANY = "株式会社サンプル"


def eight(mobile: str, email: str) -> Features:
    return person(
        "佐藤", "健", reading=("さとう", "けん"), company=COMPANY, phones=[mobile], emails=[email]
    )


def linkedin() -> Features:
    return person("Sato", "Ken", company="Sample Inc.")


def _levels(a: Features, b: Features, *others: Features, aliases: bool = True) -> list[Level]:
    pop = population(a, b, *others)
    if aliases:
        pop.company_aliases = {"sample": "サンプル"}
    find_namesakes([a, b, *others], pop)
    return compare(a, b, pop)


def test_records_that_hold_different_mobiles_or_work_addresses_conflict() -> None:
    one = eight("090-1111-2222", "k-sato@sample.example")
    two = eight("090-3333-4444", "ken.sato@sample.example")
    assert conflict(one, two)
    # one person's card and phone entry: the same mobile, a work and a personal address
    phone = person("佐藤", "健", phones=["090-1111-2222"], emails=["ken.sato@gmail.com"])
    assert not conflict(one, phone)
    # two different personal addresses and nothing in common: two people
    a = person("佐藤", "健", company=COMPANY, emails=["kensato1@gmail.com"])
    b = person("佐藤", "健", company=COMPANY, emails=["sato.ken@yahoo.co.jp"])
    assert conflict(a, b)
    # a typo of one address is not a second person
    c = person("佐藤", "健", company=COMPANY, emails=["kensato1@gmial.com"])
    assert not conflict(a, c)


def test_a_common_name_alone_at_its_company_merges_on_name_and_company() -> None:
    card = eight("090-1111-2222", "k-sato@sample.example")
    row = person("Sato", "Ken", company="Sample Inc.")
    levels = _levels(card, row)
    assert ("namesake", "none") in {(lv.comparison, lv.level) for lv in levels}
    assert strong(levels)


def test_two_sato_ken_at_one_company_make_a_linkedin_row_a_question() -> None:
    one = eight("090-1111-2222", "k-sato@sample.example")
    two = eight("090-3333-4444", "ken.sato@sample.example")
    row = person("Sato", "Ken", company="Sample Inc.")
    levels = _levels(one, row, two)
    assert ("namesake", "known") in {(lv.comparison, lv.level) for lv in levels}
    assert not strong(levels)
    pop = population(one, row, two)
    assert Model(size=pop.size).probability(levels) < AUTO_MERGE
    assert "Two different people of this name work there" in [lv.msgid for lv in levels]


def test_namesakes_are_unknown_until_looked_for() -> None:
    a, b = eight("090-1111-2222", "k-sato@sample.example"), linkedin()
    assert namesakes_known(a, b, population(a, b)) is None


def test_two_entries_of_one_address_book_alike_only_in_name_and_company_are_asked() -> None:
    a = person(
        "佐藤", "健", company=COMPANY, emails=["k-sato@sample.example"], books=["1:eight.csv"]
    )
    b = person("佐藤", "健", company=COMPANY, books=["1:eight.csv"])
    levels = _levels(a, b)
    assert ("book", "same") in {(lv.comparison, lv.level) for lv in levels}
    assert not strong(levels)
    c = person("佐藤", "健", company=COMPANY, books=["2:phone.vcf"])
    assert strong(_levels(a, c))
    # one book, but a mobile in common: that is one person
    d = person("佐藤", "健", company=COMPANY, phones=["090-1111-2222"], books=["1:eight.csv"])
    e = person("佐藤", "健", company=COMPANY, phones=["090-1111-2222"], books=["1:eight.csv"])
    assert strong(_levels(d, e))


def test_records_that_hold_nothing_alike_could_not_have_shown_a_namesake() -> None:
    card = eight("090-1111-2222", "k-sato@sample.example")
    # a LinkedIn row with no e-mail: nothing that one person has only one of on both
    assert not comparable(card, linkedin())
    # a phone's entry with a gmail against a card with a work address: the same
    entry = person("佐藤", "健", company=COMPANY, emails=["ken.sato@gmail.com"])
    assert not comparable(card, entry)
    # two mobiles, or two personal addresses, could have differed
    assert comparable(card, eight("090-3333-4444", "ken.sato@sample.example"))
    assert comparable(entry, person("佐藤", "健", company=COMPANY, emails=["k@yahoo.co.jp"]))
    # the same mobile: they agree on something only one person has
    assert comparable(card, person("佐藤", "健", phones=["090-1111-2222"]))


def test_a_name_at_a_company_no_record_could_check_is_only_checked_when_two_could() -> None:
    card, row = eight("090-1111-2222", "k-sato@sample.example"), linkedin()
    levels = _levels(card, row)
    found = {(lv.comparison, lv.level) for lv in levels}
    assert ("namesake", "none") in found
    assert ("namesake_seen", "unchecked") in found
    assert unchecked_name(levels)
    assert "No record could show whether another person of this name works there" in [
        lv.msgid for lv in levels
    ]
    # a third record of that name there, with a mobile of its own, checks the name: one
    # person (the same mobile as the card), so no other 佐藤 健 there
    phone = person(
        "佐藤", "健", reading=("さとう", "けん"), company=COMPANY, phones=["090-1111-2222"]
    )
    levels = _levels(card, row, phone)
    found = {(lv.comparison, lv.level) for lv in levels}
    assert ("namesake", "none") in found
    assert ("namesake_seen", "unchecked") not in found
    assert not unchecked_name(levels)


def test_a_name_no_record_could_check_needs_the_higher_bar_to_merge_without_asking() -> None:
    model = Model(size=1000)
    common = Level("name", "exact", "Same name {a}", (("a", "佐藤 健"),), 1e-3)
    base = [common, Level("company", "same", u=0.02), Level("namesake", "none")]
    unchecked = Level("namesake_seen", "unchecked", "x")
    # tune the company's u so that the pair scores between AUTO_MERGE and the bar
    for u in (0.001 * k for k in range(1, 200)):
        levels = [common, Level("company", "same", u=u), Level("namesake", "none")]
        total = model.prior_bits + sum(model.weight(lv) for lv in levels)
        p = 1.0 / (1.0 + 2.0**-total)
        if AUTO_MERGE <= p < UNCHECKED_BAR:
            base = levels
            break
    assert AUTO_MERGE <= model.probability(base) < UNCHECKED_BAR
    assert model.probability([*base, unchecked]) < AUTO_MERGE
    # a shared mobile is checked evidence: the bar does not apply
    mobile = Level("phone", "same_mobile")
    assert model.probability([*base, mobile, unchecked]) >= AUTO_MERGE


def test_namesakes_found_a_part_of_the_companies_at_a_time_are_those_of_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people = [
        eight("090-1111-2222", "ken.sato@gmail.com"),
        eight("090-3333-4444", "kensato@yahoo.co.jp"),
        linkedin(),
        person("鈴木", "花子", company="株式会社テスト商事", phones=["090-5555-6666"]),
        person("鈴木", "花子", company="株式会社テスト商事", phones=["090-5555-6666"]),
        person("高橋", "健太", company="東都大学", emails=["kenta@todo.ac.jp"]),
        person("高橋", "健太", company="東都大学", emails=["takahashi@todo.ac.jp"]),
    ]
    found = {}
    for parts in (1, 4, 7):
        monkeypatch.setattr(namesakes, "PARTS", parts)
        pop = population(*people)
        count = find_namesakes(people, pop)
        found[parts] = (count, pop.namesakes, pop.checked)
    assert found[1][0] >= 1 and found[1][1]  # the two 佐藤 健 at Sample are two people
    assert found[4] == found[1] and found[7] == found[1]
