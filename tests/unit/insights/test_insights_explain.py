"""Explanation templates: both languages, same placeholders, every one renders."""

from __future__ import annotations

import string

import pytest

from kinmyaku.domain.insights import Explanation, LocalText, render
from kinmyaku.domain.insights.explain import TEMPLATES, explain, language_of


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    assert set(TEMPLATES["ja"]) == set(TEMPLATES["en"])
    for key in TEMPLATES["ja"]:
        assert fields(TEMPLATES["ja"][key]) == fields(TEMPLATES["en"][key]), key


@pytest.mark.parametrize("key", sorted(TEMPLATES["en"]))
def test_every_template_renders_with_sample_values(key: str) -> None:
    sample: dict[str, int | float | str | LocalText | tuple[str | LocalText, ...]] = {}
    for name in fields(TEMPLATES["en"][key]):
        sample[name] = 2
    if "gaps" in sample:
        sample["gaps"] = (LocalText("漁業", "Fisheries"), "X")
    if "dimension" in sample:
        sample["dimension"] = LocalText("業種", "industries")
    for locale in ("ja", "en"):
        text = render(explain(key, **sample), locale)
        assert text and "{" not in text


def test_plurals_languages_and_lists() -> None:
    one = explain("cadence.never", cadence=1)
    assert render(one, "en") == "No touch yet (every 1 day)"
    assert render(explain("cadence.never", cadence=7), "en") == "No touch yet (every 7 days)"
    gaps = explain("diversity.gaps", count=2, gaps=(LocalText("漁業", "Fisheries"), "X"))
    assert render(gaps, "ja_JP") == "まだ誰もいない業種（2）：漁業、X"
    assert render(gaps, "en-GB") == "Industries with nobody yet (2): Fisheries, X"
    assert language_of("fr") == "en"
    assert language_of("JA") == "ja"


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(KeyError, match="no explanation template"):
        explain("nope")
    with pytest.raises(KeyError):
        render(Explanation("nope"), "ja")
