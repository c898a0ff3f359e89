"""What a record lacks that its address book usually holds (domain/identity/absent.py): a
card with a mobile and a phone entry of the same name at the same company with no number
at all, or a title on one record and none on an entry of a book that holds titles, are
never merged on the name and the company alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.identity.absent import NUMBER, TITLE, learn_expected
from kinmyaku.domain.identity.candidates import AUTO_MERGE
from kinmyaku.domain.identity.namesakes import find_namesakes
from kinmyaku.domain.identity.profile import Features, Population
from kinmyaku.domain.identity.scoring import LEVELS, Level, Model, compare, strong

from .helpers import person, population

COMPANY = "株式会社サンプル"
PHONE = "1:phone.vcf"
EIGHT = "1:eight.csv"
LINKEDIN = "1:Connections.csv"

FAMILIES = ["田中", "鈴木", "高橋", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田"]
GIVENS = ["翔太", "健太", "大輔", "拓也", "直樹", "達也", "和也", "雄太", "美咲", "結衣"]


def _others() -> list[Features]:
    """Forty people of each book: the phone's entries hold mobiles, the Eight cards and the
    LinkedIn rows hold titles (the phone's entries never do)."""
    found = []
    for i in range(40):
        family, given = FAMILIES[i % 10], GIVENS[i // 10 + 4]
        mobile = f"090-{1000 + i}-{2000 + i}"
        found.append(person(family, given, phones=[mobile], books=[PHONE]))
        found.append(person(family, given, company="テスト商事", titles=["課長"], books=[EIGHT]))
        found.append(
            person(family, given, company="Test Shoji", titles=["Manager"], books=[LINKEDIN])
        )
    return found


def _learned(a: Features, b: Features, others: list[Features]) -> tuple[list[Level], Model]:
    everyone = [a, b, *others]
    pop = population(*everyone)
    find_namesakes(everyone, pop)
    learn_expected(everyone, pop)
    return compare(a, b, pop), Model(size=pop.size)


def _found(levels: list[Level]) -> set[tuple[str, str]]:
    return {(level.comparison, level.level) for level in levels}


def test_the_books_that_hold_mobiles_and_titles_are_learned_from_their_people() -> None:
    others = _others()
    pop = Population()
    assert learn_expected(others, pop) == {NUMBER: 1, TITLE: 2}
    assert pop.expected[NUMBER] == frozenset({PHONE})
    assert pop.expected[TITLE] == frozenset({EIGHT, LINKEDIN})
    # a book of a few entries teaches nothing
    few = Population()
    assert learn_expected(others[:30], few) == {NUMBER: 0, TITLE: 0}


def test_a_card_with_a_mobile_and_a_phone_entry_with_no_number_are_only_suggested() -> None:
    card = person(
        "佐藤", "健", company=COMPANY, phones=["080-5555-6666"], titles=["課長"], books=[EIGHT]
    )
    entry = person("佐藤", "健", company=COMPANY, emails=["ken.sato@gmail.com"], books=[PHONE])
    levels, model = _learned(card, entry, _others())
    assert ("phone", "absent") in _found(levels)
    assert ("namesake", "none") in _found(levels)
    assert not strong(levels, model.against())
    assert model.probability(levels) < AUTO_MERGE
    assert "One has a mobile; the other's entry has no number" in [lv.msgid for lv in levels]
    # the same entry with the mobile is the one person
    same = person("佐藤", "健", company=COMPANY, phones=["080-5555-6666"], books=[PHONE])
    levels, model = _learned(card, same, _others())
    assert model.probability(levels) >= AUTO_MERGE


def test_a_title_on_one_record_and_none_on_a_book_that_holds_titles_are_only_suggested() -> None:
    row = person("Sato", "Ken", company="Sample Inc.", titles=["Consultant"], books=[LINKEDIN])
    card = person(
        "佐藤", "健", reading=("さとう", "けん"), company=COMPANY, emails=["k@sample.example"],
        books=[EIGHT],
    )  # fmt: skip
    others = _others()
    levels, model = _learned(row, card, others)
    assert ("title", "absent") in _found(levels)
    assert model.probability(levels) < AUTO_MERGE
    # a phone entry never holds a title: its lacking one says nothing
    entry = person("佐藤", "健", reading=("さとう", "けん"), company=COMPANY, books=[PHONE])
    levels, model = _learned(row, entry, others)
    assert ("title", "unknown") in _found(levels)


def test_what_a_book_lacks_counts_only_when_the_model_weighs_it_against() -> None:
    card = person("佐藤", "健", company=COMPANY, phones=["080-5555-6666"], books=[EIGHT])
    entry = person("佐藤", "健", company=COMPANY, books=[PHONE])
    levels, model = _learned(card, entry, _others())
    assert ("phone", "absent") in model.against()
    # the user's people show one person's entries often lack the number: no longer against
    model.m[("phone", "absent")] = LEVELS[("phone", "absent")][1]
    model._weights.clear()
    assert ("phone", "absent") not in model.against()
    assert strong(levels, model.against())


def test_nothing_is_absent_until_the_books_are_looked_at() -> None:
    card = person("佐藤", "健", company=COMPANY, phones=["080-5555-6666"], books=[EIGHT])
    entry = person("佐藤", "健", company=COMPANY, books=[PHONE])
    pop = population(card, entry)
    assert ("phone", "absent") not in _found(compare(card, entry, pop))


@settings(max_examples=40, deadline=None)
@given(
    family=st.sampled_from(FAMILIES),
    given_name=st.sampled_from(GIVENS),
    title=st.sampled_from(["", "課長", "部長", "エンジニア"]),
    lacking=st.sampled_from(["number", "title"]),
)
def test_a_name_company_and_title_with_something_absent_never_auto_merge(
    family: str, given_name: str, title: str, lacking: str
) -> None:
    """Two records that share only a name, a company (and perhaps a title), one lacking what
    its book holds, are never merged without asking."""
    titles = [title] if title else ["係長"]
    if lacking == "number":
        a = person(family, given_name, company=COMPANY, phones=["070-1234-9876"], titles=titles,
                   books=[EIGHT])  # fmt: skip
        b = person(family, given_name, company=COMPANY, books=[PHONE])
    else:
        a = person(family, given_name, company=COMPANY, titles=titles, books=[EIGHT])
        b = person(family, given_name, company=COMPANY, books=[LINKEDIN])
    levels, model = _learned(a, b, _others())
    assert model.probability(levels) < AUTO_MERGE
