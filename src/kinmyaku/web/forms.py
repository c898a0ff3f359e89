"""Reading typed values from submitted forms; bad values raise ValidationError(field).

Every text field is held to its limit (domain/limits.py). Reading a field that is too long
raises every field of the form that is (``ValidationErrors``), so a form with several
values too long hears of each of them together, not one per try; ``check`` adds the other
checks a form wants (required, e-mail, phone, date), also all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from starlette.datastructures import FormData, UploadFile

from kinmyaku.domain import limits
from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import normalize_email, parse_date, parse_phone, raise_all

MAX_FIELD = limits.DEFAULT
_CHECKED = "_kinmyaku_too_long"  # the form's length errors, found on the first read


def _length_errors(form: FormData) -> list[ValidationError]:
    found: list[ValidationError] | None = getattr(form, _CHECKED, None)
    if found is None:
        values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}
        found = list(limits.too_long(values))
        setattr(form, _CHECKED, found)
    return found


def text(form: FormData, name: str, default: str = "") -> str:
    """A text field (stripped; a file or a missing field gives the default).

    When the field is too long, so are the form's other fields that are: all are raised.
    """
    errors = _length_errors(form)
    if any(error.field == name for error in errors):
        raise_all(errors)
    value = form.get(name)
    if not isinstance(value, str):
        return default
    return value.strip()


def check(
    form: FormData,
    *,
    required: Iterable[str] = (),
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    dates: Iterable[str] = (),
) -> None:
    """Every problem of the form at once: too long, empty, not an e-mail, phone or date."""
    errors = list(_length_errors(form))
    wrong = {e.field for e in errors}

    def value(name: str) -> str:
        got = form.get(name)
        return got.strip() if isinstance(got, str) else ""

    def attempt(name: str, parse: Callable[..., object]) -> None:
        if name not in wrong and value(name):
            try:
                parse(value(name), field=name)
            except ValidationError as error:
                errors.append(error)

    for name in required:
        if name not in wrong and not value(name):
            errors.append(ValidationError(name, "'{field}' must not be empty"))
    for name in emails:
        attempt(name, normalize_email)
    for name in phones:
        attempt(name, parse_phone)
    for name in dates:
        attempt(name, parse_date)
    raise_all(errors)


def maybe_text(form: FormData, name: str) -> str | None:
    """A text field, or None when the form does not have it (so the service keeps the value)."""
    return text(form, name) if isinstance(form.get(name), str) else None


def day(form: FormData, name: str, *, field: str | None = None) -> date | None:
    """An optional date (2024-03-15, 2024/3/15, 2024年3月15日)."""
    value = text(form, name)
    return parse_date(value, field=field or name) if value else None


def number(form: FormData, name: str, *, field: str | None = None) -> int | None:
    """An optional whole number."""
    value = text(form, name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(
            field or name, "'{value}' is not a whole number", value=value
        ) from None


def words(form: FormData, name: str) -> list[str]:
    """Comma- or space-separated words (tags), in order, without repeats."""
    value = text(form, name).replace("、", ",").replace("，", ",")
    parts = [p.strip() for chunk in value.split(",") for p in chunk.split()]
    return list(dict.fromkeys(p for p in parts if p))


async def upload(form: FormData, name: str, *, limit: int) -> bytes | None:
    """The bytes of an uploaded file (None when no file was chosen)."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(name, "The photo is larger than 10 MB")
    return data or None
