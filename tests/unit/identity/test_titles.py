"""Job titles as comparable keys (domain/identity/titles.py) and their comparison."""

from __future__ import annotations

from kinmyaku.domain.identity.scoring import compare_titles
from kinmyaku.domain.identity.titles import title_keys

from .helpers import person


def test_a_japanese_title_and_its_usual_english_rendering_are_one_key() -> None:
    pairs = [
        ("課長代理", "Assistant Manager"),
        ("執行役員", "Executive Officer"),
        ("部長", "General Manager"),
        ("代表取締役社長", "President & CEO"),
        ("係長", "Supervisor"),
        ("シニアエンジニア", "Senior Software Engineer"),
        ("ｺﾝｻﾙﾀﾝﾄ", "consultant"),
    ]
    for japanese, english in pairs:
        assert title_keys(japanese) & title_keys(english), (japanese, english)
    assert not title_keys("課長") & title_keys("課長代理")
    assert not title_keys("部長") & title_keys("Director")


def test_one_english_word_for_two_japanese_titles_leaves_them_two() -> None:
    assert title_keys("課長") & title_keys("Manager")
    assert title_keys("マネージャー") & title_keys("Manager")
    assert not title_keys("課長") & title_keys("マネージャー")


def test_an_unknown_title_is_its_own_folded_spelling_and_none_is_empty() -> None:
    assert title_keys("Chief Happiness Officer") == title_keys("chief  happiness officer")
    assert not title_keys("Chief Happiness Officer") & title_keys("Chief Executive")
    assert title_keys("") == title_keys("   ") == frozenset()


def test_titles_compare_same_different_or_unknown() -> None:
    eight = person("高橋", "健太", titles=["課長代理"])
    linkedin = person("Takahashi", "Kenta", titles=["Assistant Manager"])
    other = person("高橋", "健太", titles=["部長"])
    none = person("高橋", "健太")
    same = compare_titles(eight, linkedin)
    assert (same.level, dict(same.params)) == ("same", {"title": "課長代理"})
    assert compare_titles(eight, other).level == "different"
    assert compare_titles(eight, none).level == "unknown"
