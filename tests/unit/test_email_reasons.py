"""An invalid e-mail address is explained in our words, never in email_validator's English."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email

from kinmyaku.domain.email_reasons import GENERAL, email_reason, every_reason
from kinmyaku.i18n import catalog


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("bad", "it has no @"),
        ("emi..ishida@gmail.com", "it has two dots in a row (..)"),
        ("a@b", "the part after the @ has no dot (as in example.com)"),
        ("@example.com", "there is nothing before the @"),
        ("taro@", "there is nothing after the @"),
        ("Taro <taro@example.com>", "write the address alone, without a name or < >"),
    ],
)
def test_reasons_of_common_typos(address: str, reason: str) -> None:
    with pytest.raises(EmailNotValidError) as caught:
        validate_email(address, check_deliverability=False)
    assert email_reason(str(caught.value)) == reason


def test_an_unknown_reason_gets_the_general_message() -> None:
    assert email_reason("Something new in a later release.") == GENERAL


def test_every_reason_has_a_japanese_translation() -> None:
    ja = catalog("ja")
    missing = [reason for reason in every_reason() if reason not in ja]
    assert missing == []
