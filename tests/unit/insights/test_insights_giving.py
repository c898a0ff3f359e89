"""Giving suggestions and the Japanese-aware keyword matching behind them."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    Direction,
    OfferIndex,
    OneSided,
    Profile,
    SuggestionKind,
    Touch,
    TouchKind,
    ask_suggestions,
    give_take_balance,
    giving_suggestions,
    keyword_match,
    keywords,
    normalise_keyword,
    one_sided_relationships,
    render,
    suggestions_for_one_sided,
)

TODAY = date(2024, 6, 1)


def test_normalise_folds_width_case_and_kana() -> None:
    assert normalise_keyword("ＰＹＴＨＯＮ") == "python"
    assert normalise_keyword("まーけてぃんぐ") == "マーケティング"
    assert normalise_keyword("ﾏｰｹﾃｨﾝｸﾞ") == "マーケティング"
    assert normalise_keyword("  Web   Design 」") == "web design"


def test_keywords_split_on_list_separators_not_spaces() -> None:
    assert [k for k, _ in keywords(["Python、機械学習", "project management / SEO"])] == [
        "python",
        "機械学習",
        "project management",
        "seo",
    ]
    assert [k for k, _ in keywords(["SEO", "ｓｅｏ"])] == ["seo"]  # once each


def test_keyword_match_rules() -> None:
    assert keyword_match("seo", "seo") == 1.0
    assert keyword_match("マーケティング", "webマーケティング") == 0.5
    assert keyword_match("ai", "email") == 0.0  # ASCII only at word boundaries
    assert keyword_match("ai", "ai活用") == 0.5
    assert keyword_match("営", "営業") == 0.0  # one Japanese character is too short
    assert keyword_match("", "営業") == 0.0


@given(st.text(max_size=30))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise_keyword(text)
    assert normalise_keyword(once) == once


def test_giving_suggestions_my_offers_then_introductions() -> None:
    sato = Profile(1, "佐藤", needs=("資金調達", "Webマーケティング"))
    known = [
        Profile(2, "鈴木", offers=("資金調達の相談",), strength=80),
        Profile(3, "高橋", offers=("資金調達",), strength=20),
        Profile(1, "佐藤", offers=("資金調達",)),  # the person themself: never suggested
    ]
    found = giving_suggestions(sato, my_offers=("マーケティング", "SEO"), known=known)
    # my offer: 0.5 (contained); 高橋: 1.0 * (0.5 + 0.5*0.2) = 0.6; 鈴木: 0.5 * 0.9 = 0.45
    assert [(s.kind, s.via_person_id, s.score) for s in found] == [
        (SuggestionKind.INTRODUCE, 3, 0.6),
        (SuggestionKind.GIVE, None, 0.5),
        (SuggestionKind.INTRODUCE, 2, 0.45),
    ]
    assert render(found[0].explanation) == (
        "高橋さんの「資金調達」が佐藤さんの「資金調達」に合います：紹介しましょう"
    )
    assert render(found[1].explanation, "en") == (
        "Your “マーケティング” meets 佐藤's need “Webマーケティング”"
    )


def test_index_can_be_built_once_and_limit_applies() -> None:
    index = OfferIndex(Profile(i, f"p{i}", offers=("python",), strength=i) for i in range(2, 30))
    found = giving_suggestions(Profile(1, "x", needs=("Python",)), my_offers=(), known=index)
    assert len(found) == 10
    assert found[0].via_person_id == 29  # strongest tie first


def test_one_sided_gets_the_right_kind_of_suggestion() -> None:
    me_offers, me_needs = ("採用支援",), ("エンジニア採用", "英語")
    person = Profile(1, "伊藤", offers=("英語",), needs=("採用支援",))
    taking = give_take_balance(
        [Touch(TODAY, TouchKind.EXCHANGE, 1.0, Direction.RECEIVED)] * 2, today=TODAY
    )
    giving = give_take_balance(
        [Touch(TODAY, TouchKind.EXCHANGE, 1.0, Direction.GAVE)] * 2, today=TODAY
    )
    [take_flag, give_flag] = sorted(
        one_sided_relationships({1: taking, 2: giving}), key=lambda f: f.person_id
    )
    assert take_flag.side is OneSided.TAKING and give_flag.side is OneSided.GIVING
    back = suggestions_for_one_sided(
        take_flag, person=person, my_offers=me_offers, my_needs=me_needs
    )
    assert [(s.kind, s.offer, s.need) for s in back] == [
        (SuggestionKind.GIVE, "採用支援", "採用支援")
    ]
    ask = suggestions_for_one_sided(
        give_flag, person=person, my_offers=me_offers, my_needs=me_needs
    )
    assert [(s.kind, s.offer, s.need) for s in ask] == [(SuggestionKind.ASK, "英語", "英語")]
    assert render(ask[0].explanation, "en") == "伊藤's “英語” meets your need “英語”: ask for it"
    assert ask_suggestions(Profile(9, "z"), my_needs=me_needs) == []
