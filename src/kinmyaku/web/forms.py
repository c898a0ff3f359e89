"""Reading typed values from submitted forms; bad values raise ValidationError(field)."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData, UploadFile

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import parse_date

MAX_FIELD = 10_000


def text(form: FormData, name: str, default: str = "") -> str:
    """A text field (stripped; a file or a missing field gives the default)."""
    value = form.get(name)
    if not isinstance(value, str):
        return default
    if len(value) > MAX_FIELD:
        raise ValidationError(name, "'{field}' is too long ({length} > {limit} characters)",
                              length=len(value), limit=MAX_FIELD)  # fmt: skip
    return value.strip()


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
