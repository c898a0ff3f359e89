"""Postal addresses as one line of text: the Japanese way inside Japan (〒 and the
postcode first, then 都道府県, 市区町村, 番地), the international way outside it.

Whether an address is in Japan: its country says so (日本, Japan, JP ...) or names another
country; without a country, a postcode of Japan's shape (123-4567, 1234567) or Japanese
script in the address says Japan, and any other postcode says abroad.  The 〒 mark is
Japan's postcode mark, never put before a foreign postcode (94043, NW1 6XE).
"""

from __future__ import annotations

import re
import unicodedata

from kinmyaku.formats.names import is_japanese
from kinmyaku.formats.records import PostalAddress

JAPAN = frozenset({"japan", "jp", "jpn", "nippon", "nihon", "日本", "日本国", "にほん", "にっぽん"})
"""Country values that mean Japan (folded: NFKC, lower case, no dots or spaces)."""
_JAPAN_POSTCODE = re.compile(r"\d{3}[-‐－ー−]?\d{4}")
_POSTMARKED = re.compile(r"〒\s*(\S+)\s*")


def _fold(text: str) -> str:
    return re.sub(r"[\s.]+", "", unicodedata.normalize("NFKC", text)).lower()


def is_japan_postcode(code: str) -> bool:
    """Whether ``code`` has the shape of a Japanese postcode (123-4567 or 1234567)."""
    return _JAPAN_POSTCODE.fullmatch(unicodedata.normalize("NFKC", code.strip())) is not None


def in_japan(address: PostalAddress) -> bool:
    """Whether an address is in Japan (by its country, else its postcode, else its script)."""
    country = _fold(address.country)
    if country:
        return country in JAPAN
    code = address.postal_code.strip()
    if code:
        return is_japan_postcode(code)
    parts = (address.region, address.locality, address.street)
    return any(is_japanese(part) for part in parts)


def address_text(address: PostalAddress) -> str:
    """An address as the one line kinmyaku stores and shows.

    In Japan: ``〒150-0041 東京都 渋谷区 神南1-2-3`` (the country, if any, last); abroad:
    ``1600 Amphitheatre Pkwy, Mountain View, CA 94043, USA``.
    """
    code = address.postal_code.strip()
    if in_japan(address):
        parts = [address.region, address.locality, address.street, address.country]
        text = " ".join(p.strip() for p in parts if p.strip())
        return f"〒{code} {text}".strip() if code else text
    last = " ".join(p for p in (address.region.strip(), code) if p)
    parts = [address.street, address.locality, last, address.country]
    return ", ".join(p.strip() for p in parts if p.strip())


def without_foreign_postmark(text: str) -> str:
    """A stored address without a 〒 that an older import put before a foreign postcode
    (``〒94043 CA Mountain View`` -> ``94043 CA Mountain View``); others unchanged."""
    found = _POSTMARKED.match(text.lstrip())
    if found is None or is_japan_postcode(found.group(1)) or is_japanese(text):
        return text
    return text.lstrip()[1:].lstrip()
