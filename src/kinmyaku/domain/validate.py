"""Validation and normalisation of the values a user types: e-mail, phone, dates, weights.

phonenumbers and email_validator are imported by the functions that use them: a command
that only reads (``kinmyaku search``) does not pay for loading them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

from kinmyaku.domain.email_reasons import email_reason
from kinmyaku.domain.errors import KinmyakuError, ValidationError

DEFAULT_REGION = "JP"


# A plain ASCII local part (RFC 5322 dot-atom): email_validator accepts it as it is.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@lru_cache(maxsize=4096)
def _email_domain(domain: str) -> str | None:
    """The normalized domain when email_validator accepts an address at it, else None."""
    from email_validator import EmailNotValidError, validate_email

    try:
        info = validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(info.domain)


def _fast_email(text: str) -> str | None:
    """email_validator's result for a short ASCII dot-atom address at a domain seen before.

    The domain check (most of the cost) is cached; None means "ask email_validator".
    """
    local, at, domain = text.rpartition("@")
    if not (at and len(text) <= 200 and text.isascii() and len(local) <= 64):
        return None
    if not _DOT_ATOM.fullmatch(local):
        return None
    normal = _email_domain(domain)
    if normal is None or not normal.isascii():
        return None
    return f"{local}@{normal}"


def normalize_email(value: str, *, field: str = "email") -> str:
    """A syntactically valid e-mail, lower-cased domain; raises ValidationError otherwise."""
    text = unicodedata.normalize("NFKC", value).strip()
    fast = _fast_email(text)
    if fast is not None:
        return fast
    from email_validator import EmailNotValidError, validate_email

    try:
        info = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(
            field,
            "Invalid e-mail address '{value}': {reason}",
            value=value,
            reason=email_reason(str(exc)),
        ) from None
    return str(info.normalized)


# A Japanese mobile or IP-phone number as most cards and phones write it (090-1234-5678,
# 09012345678): phonenumbers makes it +81 and the digits after the trunk 0.
_JP_MOBILE = re.compile(r"0[5789]0-?[0-9]{4}-?[0-9]{4}")


def parse_phone(value: str, *, field: str = "phone", region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164 (+81312345678); raises ValidationError when it is not a number."""
    text = unicodedata.normalize("NFKC", value).strip()
    if region == "JP" and _JP_MOBILE.fullmatch(text):
        # phonenumbers' answer without its parse (a fifth of an import's validation;
        # tests/unit/test_validate_fast.py compares the two).
        return "+81" + text.replace("-", "")[1:]
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            field,
            "Invalid phone number '{value}': write it like 03-1234-5678 or +81 3 1234 5678",
            value=value,
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def format_phone(e164: str) -> str:
    """Show a number the Japanese way: national format for Japan, international otherwise."""
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 81:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _phonenumbers() -> Any:
    """The phonenumbers module (loaded on the first number parsed or shown)."""
    import phonenumbers

    return phonenumbers


_NOT_DIGIT = re.compile(r"\D")


def phone_digits(value: str) -> str:
    """Digits of a phone number as typed, for search: '03-1234-5678' -> '0312345678'."""
    return _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", value))


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: str, *, field: str = "date") -> date:
    """A date from 2024-03-15, 2024/3/15, 2024年3月15日 or 20240315."""
    text = unicodedata.normalize("NFKC", value).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise ValidationError(
        field,
        "Invalid date '{value}' for {field}: write it as YYYY-MM-DD (e.g. 2024-03-15)",
        value=value,
    )


def check_weight(value: int, *, field: str = "weight") -> int:
    """A give/take weight from 1 (small) to 5 (large)."""
    if not 1 <= value <= 5:
        raise ValidationError(field, "Weight must be from 1 to 5, not {value}", value=value)
    return value


def check_cadence(value: int, *, field: str = "cadence") -> int:
    """A keep-in-touch cadence in days, 1 to 3650."""
    if not 1 <= value <= 3650:
        raise ValidationError(
            field, "Cadence must be from 1 to 3650 days, not {value}", value=value
        )
    return value


def require_text(value: str | None, *, field: str, max_length: int = 200) -> str:
    """Non-empty text within a length limit, stripped."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(field, "'{field}' must not be empty")
    if len(text) > max_length:
        raise ValidationError(
            field,
            "'{field}' is too long ({length} > {limit} characters)",
            length=len(text),
            limit=max_length,
        )
    return text


class ValidationErrors(ValidationError):
    """Several fields wrong at once: ``errors`` holds each; it reads as the first of them."""

    def __init__(self, errors: list[ValidationError]) -> None:
        first = errors[0]
        KinmyakuError.__init__(self, first.msgid, **first.params)
        self.field = first.field
        self.errors = errors


def raise_all(errors: list[ValidationError]) -> None:
    """Raise the one error, or all of them as ``ValidationErrors``; nothing when none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


# SNS services quick add offers: kind -> (the profile address of a handle, allowed handle).
SNS: dict[str, tuple[str, re.Pattern[str]]] = {
    "line": ("https://line.me/ti/p/~{handle}", re.compile(r"[A-Za-z0-9._-]{1,20}")),
    "x": ("https://x.com/{handle}", re.compile(r"[A-Za-z0-9_]{1,15}")),
    "facebook": ("https://www.facebook.com/{handle}", re.compile(r"[A-Za-z0-9.]{1,50}")),
    "linkedin": ("https://www.linkedin.com/in/{handle}", re.compile(r"[A-Za-z0-9-]{3,100}")),
}


def sns_url(kind: str, handle: str, *, field: str = "handle") -> str:
    """The profile address of an SNS handle (``x``, ``@kenta`` -> https://x.com/kenta).

    A full https:// address is kept as it is; raises ValidationError for an unknown
    service or a handle the service would not allow.
    """
    text = unicodedata.normalize("NFKC", handle).strip()
    if text.startswith(("https://", "http://")):
        return text
    if kind not in SNS:
        raise ValidationError(
            "sns", "Unknown SNS '{value}'; choose one of: {choices}", value=kind,
            choices=", ".join(SNS),
        )  # fmt: skip
    template, allowed = SNS[kind]
    text = text.removeprefix("@")
    if not allowed.fullmatch(text):
        raise ValidationError(
            field, "'{value}' is not a valid handle for this service", value=handle
        )
    return template.format(handle=text)
