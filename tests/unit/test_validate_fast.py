"""The cached e-mail fast path gives exactly email_validator's decisions and results."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import normalize_email

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
