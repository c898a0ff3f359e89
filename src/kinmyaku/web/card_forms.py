"""The card review form: a card's fields to form values and back, checked like quick add.

A card has several e-mails and phones: the form repeats ``email`` and ``phone_kind`` /
``phone`` (one blank row more than the card has, for a value the reader missed).  The
card's kept sides travel as ``image`` ids; the fields the reader was unsure of as
``uncertain`` (so a stack's card keeps its highlights on the way to its review screen).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import ValidationErrors, normalize_email, parse_phone, raise_all
from kinmyaku.web import forms

PHONE_KINDS = ("tel", "direct", "mobile", "fax")
PHONE_LABELS = {"tel": "Phone", "direct": "Direct line", "mobile": "Mobile", "fax": "Fax"}
TEXT_FIELDS = (
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "company",
    "department",
    "title",
    "postal_code",
    "address",
    "url",
)
MAX_VALUES = 8
"""E-mails or phones a card form may hold."""


def _values(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str)][:MAX_VALUES]


def _ids(form: FormData, name: str) -> list[int]:
    return [int(v) for v in _values(form, name) if v.isdigit() and len(v) < 10]


def image_ids(form: FormData) -> list[int]:
    """The ids of the card's kept sides the form carries."""
    return _ids(form, "image")


def uncertain_of(form: FormData) -> set[str]:
    """The fields the reader was unsure of, as the form carries them."""
    return set(_values(form, "uncertain"))


def fields_from_form(form: FormData) -> CardFields:
    """The card as corrected on the review screen; every problem raised at once."""
    errors: list[ValidationError] = []
    try:
        forms.check(form, required=("family_name",))
    except ValidationErrors as many:
        errors.extend(many.errors)
    except ValidationError as error:
        errors.append(error)
    raise_all(errors)
    fields = CardFields()
    for name in TEXT_FIELDS:
        setattr(fields, name, forms.text(form, name))
    for value in _values(form, "email"):
        if value:
            try:
                normalize_email(value, field="email")
                fields.emails.append(value)
            except ValidationError as error:
                errors.append(error)
    kinds = _values(form, "phone_kind")
    for i, number in enumerate(_values(form, "phone")):
        if not number:
            continue
        try:
            parse_phone(number, field="phone")
        except ValidationError as error:
            errors.append(error)
            continue
        kind = kinds[i] if i < len(kinds) and kinds[i] in PHONE_KINDS else "tel"
        fields.phones.append({"kind": kind, "number": number})
    raise_all(errors)
    return fields


def form_values(fields: CardFields) -> dict[str, Any]:
    """The review form's values for a card: text fields, e-mails and phones (one blank more)."""
    values: dict[str, Any] = {name: getattr(fields, name) for name in TEXT_FIELDS}
    values["emails"] = [*fields.emails, ""]
    values["phones"] = [*([p["kind"], p["number"]] for p in fields.phones), ["mobile", ""]]
    return values


def posted_values(form: FormData) -> dict[str, Any]:
    """The review form's values as posted (shown again, as typed, beside its errors)."""
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    emails = [e for e in _values(form, "email") if e]
    values["emails"] = [*emails, ""]
    kinds = _values(form, "phone_kind")
    phones = [
        [kinds[i] if i < len(kinds) else "tel", number]
        for i, number in enumerate(_values(form, "phone"))
        if number
    ]
    values["phones"] = [*phones, ["mobile", ""]]
    return values
