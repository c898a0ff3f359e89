"""Namesakes at one company (domain/identity/namesakes.py): a name at a company known to be
two people is never merged on name and company alone; one known as one person is."""

from __future__ import annotations

from kinmyaku.domain.identity.candidates import AUTO_MERGE
from kinmyaku.domain.identity.namesakes import conflict, find_namesakes, namesakes_known
from kinmyaku.domain.identity.profile import Features
from kinmyaku.domain.identity.scoring import Level, Model, compare, strong

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
