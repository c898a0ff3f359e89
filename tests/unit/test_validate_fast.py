"""The cached e-mail fast path gives exactly email_validator's decisions and results."""

from __future__ import annotations

import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import normalize_email, parse_phone

LOCAL = st.text(alphabet="abcXYZ09._+-!#'~\"(),: é@", min_size=0, max_size=70)
DOMAIN = st.sampled_from(
    [
        "example.jp",
        "Example.CO.JP",
        "localhost",
        "example.test",
        "x.jp.",
        "-bad.jp",
        "b.c",
        "123.45",
        "xn--bcher-kva.example",
        "bücher.example",
        "a..jp",
        "",
        "[127.0.0.1]",
        "ex_ample.jp",
        "a" * 64 + ".jp",
        "sub." + "b" * 60 + ".example.com",
    ]
)


def _reference(text: str) -> str | None:
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError:
        return None


def _ours(text: str) -> str | None:
    try:
        return normalize_email(text)
    except ValidationError:
        return None


@settings(max_examples=600, deadline=None)
@given(LOCAL, DOMAIN)
def test_same_decision_and_result_as_email_validator(local: str, domain: str) -> None:
    """Property: accepted and refused alike, the same normalized address when accepted."""
    for text in (f"{local}@{domain}", local, f"{local}@{domain}@{domain}"):
        assert _ours(text) == _reference(text.strip()), text


def test_long_and_unusual_addresses() -> None:
    for text in [
        "a" * 64 + "@example.jp",
        "a" * 65 + "@example.jp",
        "User.Name+tag@Example.JP",
        ".a@example.jp",
        "a.@example.jp",
        "a@example.jp",
    ]:
        assert _ours(text) == _reference(text), text


def _phonenumbers(text: str) -> str:
    number = phonenumbers.parse(unicodedata.normalize("NFKC", text).strip(), "JP")
    assert phonenumbers.is_possible_number(number)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"\A0[5789]0-?[0-9]{4}-?[0-9]{4}\Z"), st.sampled_from(["", " ", "\u3000"]))
def test_mobile_numbers_give_what_phonenumbers_gives(number: str, space: str) -> None:
    assert parse_phone(space + number + space) == _phonenumbers(number)


def test_full_width_mobile_numbers_and_near_misses() -> None:
    assert parse_phone("０９０－１２３４－５６７８") == "+819012345678"
    for text in ("010-1234-5678", "090-1234-567", "03-1234-5678", "+81 90 1234 5678"):
        assert parse_phone(text) == _phonenumbers(text)
