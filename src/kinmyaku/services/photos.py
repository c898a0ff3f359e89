"""Photos of people: validated by decoding, re-encoded without EXIF, stored in the database."""

from __future__ import annotations

import io
import secrets
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import delete, insert, select

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.storage.schema import photos
from kinmyaku.storage.uow import UnitOfWork

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; bigger ones are refused as possible bombs
MAX_SIDE = 1280  # stored photos are shrunk to this many pixels on the long side
FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}


@dataclass(frozen=True)
class StoredPhoto:
    """A photo as served: its MIME type and bytes."""

    mime: str
    data: bytes


def _decode(data: bytes) -> Image.Image:
    if not data:
        raise ValidationError("photo", "The photo is empty")
    if len(data) > MAX_BYTES:
        raise ValidationError("photo", "The photo is larger than 10 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise ValidationError("photo", "The file is not a photo (JPEG, PNG, WebP)")
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError("photo", "The photo has too many pixels")
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit, met before ours when the header claims a huge size.
        raise ValidationError("photo", "The photo has too many pixels") from None
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError("photo", "The file is not a photo (JPEG, PNG, WebP)") from None
    return image


def clean_photo(data: bytes) -> StoredPhoto:
    """Decode an upload, turn it upright, shrink it and re-encode it without any metadata."""
    image = _decode(data)
    try:
        upright = ImageOps.exif_transpose(image)
    except (SyntaxError, OSError, ValueError, TypeError, KeyError, struct.error):
        upright = image  # damaged EXIF: the picture is fine, its orientation unknown
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    has_alpha = upright.mode in ("RGBA", "LA") or "transparency" in upright.info
    if has_alpha:
        upright.convert("RGBA").save(out, format="PNG", optimize=True)
        return StoredPhoto(mime="image/png", data=out.getvalue())
    # A fresh image has no EXIF (location, camera) and no other metadata.
    upright.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    return StoredPhoto(mime="image/jpeg", data=out.getvalue())


def store_photo(uow: UnitOfWork, *, data: bytes) -> str:
    """Validate and clean an uploaded photo, store it under a random name; returns the name."""
    cleaned = clean_photo(data)
    suffix = ".png" if cleaned.mime == "image/png" else ".jpg"
    name = secrets.token_urlsafe(18) + suffix
    with uow as conn:
        conn.execute(insert(photos).values(name=name, mime=cleaned.mime, data=cleaned.data))
    return name


def get_photo(uow: UnitOfWork, *, name: str) -> StoredPhoto:
    """A stored photo by its name."""
    with uow as conn:
        row = conn.execute(
            select(photos.c.mime, photos.c.data).where(photos.c.name == name)
        ).first()
    if row is None:
        raise NotFound("No photo named {name}", name=name)
    return StoredPhoto(mime=str(row.mime), data=bytes(row.data))


def delete_photo(uow: UnitOfWork, *, name: str) -> None:
    """Remove a stored photo (when a person's photo is replaced)."""
    with uow as conn:
        conn.execute(delete(photos).where(photos.c.name == name))
