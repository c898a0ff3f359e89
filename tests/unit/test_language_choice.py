"""Japanese first: the CLI speaks Japanese unless the locale asks for English, the web unless
the browser does; durations read in days."""

from __future__ import annotations

import pytest

from kinmyaku.config import detect_language
from kinmyaku.web.i18n import Texts, choose_language

LOCALE_VARS = ("KINMYAKU_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (None, "ja"),
        ("C", "ja"),
        ("C.UTF-8", "ja"),
        ("POSIX", "ja"),
        ("ja_JP.UTF-8", "ja"),
        ("en_US.UTF-8", "en"),
        ("en_GB", "en"),
        ("fr_FR.UTF-8", "en"),
    ],
)
def test_the_cli_language_follows_the_locale(
    monkeypatch: pytest.MonkeyPatch, lang: str | None, expected: str
) -> None:
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda *_: (None, None))
    if lang is not None:
        monkeypatch.setenv("LANG", lang)
    assert detect_language() == expected


def test_the_first_locale_variable_set_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert detect_language() == "en"
    monkeypatch.setenv("KINMYAKU_LANG", "ja")
    assert detect_language() == "ja"
    assert detect_language("en") == "en"


def test_the_web_is_japanese_unless_the_browser_asks_for_english() -> None:
    assert choose_language(None, None, "ja") == "ja"
    assert choose_language(None, "", "ja") == "ja"
    assert choose_language(None, "en-US,en;q=0.9", "ja") == "en"
    assert choose_language(None, "fr-FR,ja;q=0.5", "ja") == "ja"
    assert choose_language("en", "ja", "ja") == "en"  # the choice made on the page wins


def test_durations_read_in_days() -> None:
    ja, en = Texts("ja"), Texts("en")
    assert ja.days(3) == "3日" and ja.days(1) == "1日"
    assert en.days(3) == "3 days" and en.days(1) == "1 day" and en.days(0) == "0 days"


def test_weights_say_what_they_mean() -> None:
    assert Texts("ja").weights()[0] == ("1", "1・ささやか")
    assert Texts("en").weights()[-1] == ("5", "5 · life-changing")


def test_industry_codes_read_as_words() -> None:
    assert Texts("ja").industry("it") != "it" and Texts("en").industry("it") != "it"
    assert Texts("ja").industry("総務部") == "総務部"  # not a code: as it is
