"""The engine's decisions on the cases real exports bring (domain/identity/scoring.py)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.identity.candidates import AUTO_MERGE, REVIEW
from kinmyaku.domain.identity.keys import is_placeholder_phone
from kinmyaku.domain.identity.namesakes import find_namesakes
from kinmyaku.domain.identity.profile import Features
from kinmyaku.domain.identity.scoring import Level, Model, compare, identified

from .helpers import person, population, probability, reasons

MAIN_LINE = "03-1234-5678"
FAX = "03-1234-5679"
OFFICE = "〒100-0005 東京都千代田区丸の内1-2-3"


def colleague(
    family: str, given: str, mobile: str = "", email: str = "", books: tuple[str, ...] = ()
) -> object:
    return person(
        family,
        given,
        company="株式会社テスト商事",
        phones=[MAIN_LINE, FAX, *([mobile] if mobile else [])],
        emails=[email] if email else ["info@test-shoji.example"],
        addresses=[OFFICE],
        books=books,
    )


def test_colleagues_who_share_the_main_line_fax_office_and_info_are_two_people() -> None:
    yamada = colleague("山田", "太郎", "090-1111-2222", "yamada@test-shoji.example")
    suzuki = colleague("鈴木", "花子", "090-3333-4444", "suzuki@test-shoji.example")
    assert probability(yamada, suzuki) < 0.01
    why = reasons(yamada, suzuki)
    # The line, the fax and the office are the workplace's: said so, and not counted.
    assert "Shared by colleagues: not evidence" in why
    assert not {
        "Same phone {phone}",
        "Same address",
        "Same phone {phone} (no one else has it)",
    } & set(why)
    # With a third colleague on the same line and office, they are shared by three names.
    third = colleague("田中", "一郎", "090-5555-6666", "tanaka@test-shoji.example")
    why = reasons(yamada, suzuki, third)
    assert "Shared address: not evidence" in why
    assert "Different mobiles" in why
    plain = colleague("田中", "一郎"), colleague("伊藤", "美咲")
    assert "Shared number {phone} (held by {count} people): not evidence" in reasons(*plain, yamada)
    assert probability(yamada, suzuki, third) < 0.01


def test_colleagues_with_nothing_but_the_company_line_are_never_one() -> None:
    a, b = colleague("山田", "太郎"), colleague("鈴木", "花子")
    assert probability(a, b) < REVIEW


def test_placeholder_numbers_are_no_evidence() -> None:
    for number in ("000", "1", "0000000000", "0123456789", "+81 3 0000 0000"):
        assert is_placeholder_phone(number), number
    assert not is_placeholder_phone("+819012345678")
    a, b = person("Test", "A", phones=["000"]), person("Other", "B", phones=["000"])
    assert a.phones == frozenset()
    assert probability(a, b) < 0.01
    # Five Android test cards with TEL:1 are five people, even with no other name.
    cards = [person(f"Card{n}", phones=["1"]) for n in range(5)]
    assert all(probability(x, y) < REVIEW for x in cards for y in cards if x is not y)


def test_role_addresses_are_no_evidence() -> None:
    a = person("佐藤", "健", emails=["info@sample.example"])
    b = person("田中", "一郎", emails=["info@sample.example"])
    assert probability(a, b) < 0.01
    assert a.emails == frozenset()


def test_namesakes_with_their_own_mobiles_and_emails_stay_apart() -> None:
    a = person("佐藤", "健", phones=["090-1000-0001"], emails=["ken.sato@gmail.com"])
    b = person("佐藤", "健", phones=["080-2000-0002"], emails=["sato.ken@yahoo.co.jp"])
    assert probability(a, b) < REVIEW


def test_namesakes_with_only_a_name_are_never_merged_without_asking() -> None:
    a, b = person("佐藤", "健"), person("佐藤", "健")
    assert probability(a, b) < AUTO_MERGE
    # Even at the same company a common name is a question, not an answer.
    c, d = person("佐藤", "健", company="株式会社A"), person("佐藤", "健", company="(株)A")
    assert probability(c, d) < AUTO_MERGE


def test_a_rare_name_counts_more_than_a_common_one() -> None:
    others = [person("佐藤", "健") for _ in range(30)]
    common = probability(
        person("佐藤", "健", company="A社"), person("佐藤", "健", company="A社"), *others
    )
    rare = probability(
        person("小鳥遊", "蓮", company="A社"), person("小鳥遊", "蓮", company="A社"), *others
    )
    assert rare > common


def test_kanji_and_romaji_with_the_same_mobile_are_one() -> None:
    eight = person("高橋", "健太", reading=("たかはし", "けんた"), phones=["090-1234-5678"])
    linkedin = person("Takahashi", "Kenta", phones=["+81 90 1234 5678"])
    assert probability(eight, linkedin) >= AUTO_MERGE


def test_given_name_first_and_kunrei_spellings_meet_the_reading() -> None:
    kanji = person("高橋", "翔太", reading=("たかはし", "しょうた"), company="株式会社サンプル")
    latin = person("Syouta", "Takahasi", company="Sample Inc.")
    assert "{a} = {b} (reading)" in reasons(kanji, latin)
    assert "Same company {company}" in reasons(kanji, latin)
    assert probability(kanji, latin) >= REVIEW


def test_variant_kanji_with_the_same_email_are_one() -> None:
    a = person("髙橋", "健太", emails=["kenta@sample.example"])
    b = person("高橋", "健太", emails=["KENTA@sample.example"])
    assert probability(a, b) >= AUTO_MERGE
    assert "Same name {a}" in reasons(a, b)


def test_a_job_change_keeps_the_mobile() -> None:
    old = person("田中", "一郎", company="株式会社旧社", phones=["090-5555-6666"])
    new = person("田中", "一郎", company="新社株式会社", phones=["090-5555-6666"])
    assert probability(old, new) >= AUTO_MERGE
    assert "Different companies ({a} / {b}): a job change?" in reasons(old, new)


def test_a_married_name_with_the_same_mobile_and_email_links() -> None:
    before = person("佐藤", "美咲", phones=["090-7777-8888"], emails=["misaki.s@gmail.com"])
    after = person("鈴木", "美咲", phones=["090-7777-8888"], emails=["misaki.s@gmail.com"])
    assert probability(before, after) >= REVIEW
    assert "Same given name, different family name ({a} / {b}): a married name?" in reasons(
        before, after
    )


def _import_levels(a: Features, b: Features) -> list[Level]:
    """The levels an import sees (no namesakes looked for yet: the file is not all read)."""
    return compare(a, b, population(a, b))


def _levels_seen_by_all(a: Features, b: Features) -> list[Level]:
    """The levels ``duplicates`` and ``merge --auto`` see (namesakes looked for)."""
    pop = population(a, b)
    find_namesakes([a, b], pop)
    return compare(a, b, pop)


def test_namesake_colleagues_on_the_main_line_with_their_own_mobiles_are_two() -> None:
    """Two 中村 香織 whose Eight cards carry the company's main line, fax and office, which
    no one else in the data holds: each has her own mobile, so the line is no evidence."""
    first = colleague("中村", "香織", "090-1111-2222")
    second = colleague("中村", "香織", "080-3333-4444")
    levels = _import_levels(first, second)
    assert not identified(levels)  # the import does not join them
    why = reasons(first, second)
    assert "Different mobiles" in why
    assert not {"Same phone {phone}", "Same address"} & set(why)
    seen = _levels_seen_by_all(first, second)
    assert Model(size=1000).probability(seen) < AUTO_MERGE  # nor does merge --auto


def test_namesake_colleagues_on_the_main_line_with_their_own_emails_are_two() -> None:
    """Seed 17's two 中村 香織: one Eight card with her yahoo address, the other with the
    company address and a mobile; both with the main line, fax and office no one else
    holds.  One address book holds a person once: two addresses there are two people."""
    eight = ("1:eight.csv",)
    first = colleague("中村", "香織", email="kaori.nakamura@yahoo.co.jp", books=eight)
    second = colleague("中村", "香織", "090-5907-5529", "nakamura@test-shoji.example", eight)
    assert not identified(_import_levels(first, second))
    assert not {"Same phone {phone}", "Same address"} & set(reasons(first, second))
    # (What is left, a name at a company, is for ``merge --auto`` to weigh with everyone.)
    # Two addresses at one company: two people too.
    third = colleague("中村", "香織", email="kaori.nakamura@test-shoji.example", books=eight)
    assert not identified(_import_levels(second, third))
    # A typo in one address is one person's address: the line and the office still count.
    typo = colleague("中村", "香織", email="kaori.nakamura@test-shoji.exmple", books=eight)
    assert {"Same phone {phone}", "Same address"} <= set(reasons(third, typo))
    assert identified(_import_levels(third, typo))


def test_a_line_no_one_else_holds_counts_when_nothing_disagrees() -> None:
    """One person's card (her address, the main line, a mobile) and her phone's entry with
    only the line, or her Google entry with her gmail and the line as her work number (a
    person's addresses differ from book to book): the line is hers as far as they show."""
    card = colleague(
        "中村", "香織", "090-1111-2222", "kaori.nakamura@test-shoji.example", ("1:eight.csv",)
    )
    entry = person("中村", "香織", phones=[MAIN_LINE], books=["1:phone.vcf"])
    google = person(
        "中村", "香織", emails=["kaori.n@gmail.com"], phones=[MAIN_LINE], books=["1:google.csv"]
    )
    for other in (entry, google):
        assert "Same phone {phone}" in reasons(card, other)
        assert identified(_import_levels(card, other))
        assert probability(card, other) >= AUTO_MERGE


def test_a_birthday_with_a_typo_keeps_the_address_as_evidence() -> None:
    """Only mobiles and e-mails set two records apart from their line and address: a
    birthday differs by a typo often (Febrl), and a different one already keeps a pair
    from merging without asking."""
    home = ["12 Main St, Sydney, NSW 2000"]
    a = person("Smith", "Jane", addresses=home, birthday=date(1970, 1, 12))
    b = person("Smith", "Jane", addresses=home, birthday=date(1970, 1, 21))
    assert "Same address" in reasons(a, b)


def test_father_and_son_at_one_home_are_two() -> None:
    home = ["〒150-0001 東京都渋谷区神宮前1-1-1"]
    father = person(
        "山本", "茂", phones=["03-3333-4444"], addresses=home, birthday=date(1960, 1, 1)
    )
    son = person("山本", "翔", phones=["03-3333-4444"], addresses=home, birthday=date(1995, 5, 5))
    assert probability(father, son) < REVIEW


def test_a_typo_in_an_email_is_weak_evidence_only() -> None:
    a = person("石田", "恵美", emails=["emi.ishida@gmail.com"])
    b = person("石田", "恵美", emails=["emi..ishida@gmail.com".replace("..", ".") + "x"])
    c = person("石田", "恵美", emails=["emiishida@gmail.com"])
    assert "E-mails almost the same ({a} / {b}): a typo?" in reasons(a, c)
    assert probability(a, c) < AUTO_MERGE
    assert probability(a, b) < AUTO_MERGE


def test_a_linkedin_profile_is_strong_and_two_profiles_disagree() -> None:
    a = person("Takahashi", "Kenta", urls=["https://www.linkedin.com/in/kenta-t"])
    b = person("高橋", "健太", urls=["linkedin.com/in/Kenta-T/"])
    c = person("高橋", "健太", urls=["https://linkedin.com/in/someone-else"])
    assert probability(a, b) >= AUTO_MERGE
    assert probability(a, c) < REVIEW


NAMES = st.sampled_from(
    [
        ("山田", "太郎"),
        ("鈴木", "花子"),
        ("佐藤", "健"),
        ("高橋", "翔太"),
        ("田中", "美咲"),
        ("伊藤", "蓮"),
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    NAMES,
    NAMES,
    st.sets(st.sampled_from(["line", "fax", "role", "placeholder", "office", "company"])),
)
def test_sharing_only_lines_roles_and_placeholders_never_merges(
    first: tuple[str, str], second: tuple[str, str], shared: set[str]
) -> None:
    """No pair of differently named people that shares only a company line, a fax, a role
    address, a placeholder number or an office is ever merged."""
    if first == second:
        return
    phones = [
        p for k, p in (("line", MAIN_LINE), ("fax", FAX), ("placeholder", "000")) if k in shared
    ]
    kwargs = {
        "phones": phones,
        "emails": ["info@test.example"] if "role" in shared else [],
        "addresses": [OFFICE] if "office" in shared else [],
        "company": "株式会社テスト" if "company" in shared else "",
    }
    a = person(*first, **kwargs)  # type: ignore[arg-type]
    b = person(*second, **kwargs)  # type: ignore[arg-type]
    assert probability(a, b) < REVIEW


def test_company_names_two_people_show_to_be_one_company_are_learned() -> None:
    from kinmyaku.domain.identity.scoring import compare, learn_company_aliases

    from .helpers import population

    people = [
        person("山田", "太郎", company="株式会社ミナト", phones=["090-1000-0001"]),
        person("Yamada", "Taro", company="Harbor Co., Ltd.", phones=["090-1000-0001"]),
        person("鈴木", "花子", company="株式会社ミナト", emails=["hanako.s@gmail.com"]),
        person("Suzuki", "Hanako", company="Harbor Co., Ltd.", emails=["hanako.s@gmail.com"]),
    ]
    sato = person("佐藤", "健", company="株式会社ミナト")
    ken = person("Sato", "Ken", company="Harbor Co., Ltd.")
    pop = population(*people, sato, ken)
    before = {(lv.comparison, lv.level) for lv in compare(sato, ken, pop)}
    assert ("company", "different") in before
    assert learn_company_aliases([*people, sato, ken], pop) == 1
    after = {(lv.comparison, lv.level) for lv in compare(sato, ken, pop)}
    assert ("company", "same") in after
    # One person alone under two company names may have changed jobs: nothing is learned.
    lone = [people[0], people[1], sato, ken]
    assert learn_company_aliases(lone, population(*lone)) == 0


def test_em_estimates_m_from_the_users_pairs_and_leaves_small_data_alone() -> None:
    from kinmyaku.domain.identity.scoring import LEVELS, Level, Model, estimate_m

    sure = [Level("name", "exact", u=1e-5), Level("email", "same"), Level("birthday", "same")]
    typo = [Level("name", "close", u=1e-4), Level("email", "same"), Level("birthday", "same")]
    apart = [
        Level("name", "different"),
        Level("email", "different"),
        Level("birthday", "different"),
    ]
    few = estimate_m(Model(size=1000), [sure] * 50)
    assert few.m == Model().m  # under 200 pairs: the starting values stand
    model = estimate_m(Model(size=1000), [sure] * 300 + [typo] * 300 + [apart] * 3000)
    # Half of the pairs that are one person agree on the name only but for a typo: EM
    # learns that a typo is far commoner among them than LEVELS assumed.
    assert model.m[("name", "close")] > LEVELS[("name", "close")][0] * 3
    assert 0.0 < model.m[("name", "exact")] < 1.0
    assert model.probability(typo) > Model(size=1000).probability(typo)
    assert model.probability(apart) < 0.01


def test_company_names_are_learned_from_people_already_one_and_not_from_job_changes() -> None:
    from kinmyaku.domain.identity.scoring import learn_company_aliases

    from .helpers import population

    # Two people each known as one (an import joined their LinkedIn row to their card):
    # both hold 株式会社ミナト and Harbor Co., Ltd.
    joined = [
        person("山田", "太郎", company=["株式会社ミナト", "Harbor Co., Ltd."]),
        person("鈴木", "花子", company=["Harbor Co., Ltd.", "株式会社ミナト"]),
    ]
    pop = population(*joined)
    assert learn_company_aliases(joined, pop) == 1
    assert pop.company_aliases["ミナト"] == pop.company_aliases.get("harbor", "harbor")
    # Two Japanese names of two employers are a job change, never one company.
    movers = [
        person("田中", "一郎", company=["株式会社ミナト", "株式会社サンプル"]),
        person("伊藤", "美咲", company=["株式会社ミナト", "株式会社サンプル"]),
    ]
    assert learn_company_aliases(movers, population(*movers)) == 0
    # A Latin name that two people pair with one Japanese name and one with another: the
    # first wins only when it is clearly ahead (twice as many people).
    mixed = [*joined, person("佐藤", "健", company=["株式会社サンプル", "Harbor Co., Ltd."])]
    assert learn_company_aliases(mixed, population(*mixed)) == 1
    both = ["株式会社サンプル", "Harbor"]
    tied = [*joined, *(person("佐藤", given, company=both) for given in ("健", "翔"))]
    assert learn_company_aliases(tied, population(*tied)) == 0


def test_a_free_mail_domain_with_a_typo_is_free_mail_and_one_mailbox() -> None:
    from kinmyaku.domain.identity.keys import company_domain, email_skeleton

    for typo in ("gmial.com", "gmal.com", "yahooo.co.jp", "iclod.com"):
        assert company_domain(f"ken@{typo}") == "", typo
    assert company_domain("ken@sample.co.jp") == "sample.co.jp"
    assert email_skeleton("ken.sato1@gmial.com") == email_skeleton("kensato1@gmail.com")
    assert email_skeleton("kensato1@gmail.com") != email_skeleton("kensato2@gmail.com")


def test_one_agreeing_name_part_weighs_by_how_common_it_is() -> None:
    from kinmyaku.domain.identity.scoring import compare_names

    from .helpers import population

    greens = [person("Green", given) for given in ("Ann", "Bob", "Cy", "Dee", "Eve", "Flo")]
    a, b = person("Green", "Holly"), person("Green", "Ivy")
    c, d = person("Wojciechowski", "Holly"), person("Wojciechowski", "Ivy")
    pop = population(*greens, a, b, c, d)
    common, rare = compare_names(a, b, pop), compare_names(c, d, pop)
    assert common.level == rare.level == "family_only"
    assert common.u is not None and rare.u is not None
    assert common.u > rare.u  # eight Greens say less than two Wojciechowskis
    # 佐藤 is 1.5 % of Japan however few the user knows
    sato = compare_names(person("佐藤", "健"), person("佐藤", "翔"), population())
    assert sato.u is not None and sato.u >= 0.015


def test_a_name_in_kana_confirms_a_guessed_reading_as_romaji_does() -> None:
    """イトウ タクヤ typed in a phone is the sound of the name, as Takuya Ito is: it meets
    the reading guessed for 伊藤 拓也 as a confirmed guess, and a stated one as a name in
    another script, not as two kanji names that only share a guess."""
    from kinmyaku.domain.identity.scoring import compare_names

    guessed, kana = person("伊藤", "拓也"), person("イトウ", "タクヤ")
    stated = person("伊藤", "拓也", reading=("いとう", "たくや"))
    other = person("伊東", "拓哉")  # another kanji name read the same: a guess only
    pop = population(guessed, kana, stated, other)
    assert compare_names(guessed, kana, pop).level == "sound_guess_cross"
    assert compare_names(stated, kana, pop).level == "sound_cross"
    assert compare_names(guessed, other, pop).level == "sound_guess"
