"""Is a file text at all? A workbook, an image or random bytes get their own message.

vCard and CSV files are text in UTF-8, UTF-16 (with its BOM) or Shift_JIS: none of them
holds NUL or other control bytes except tab, line breaks and ESC (ISO-2022-JP).  A file
whose first bytes have them, or start with a known binary signature, is not a contact file.
"""

from __future__ import annotations

import codecs

# Signatures (magic numbers) of files people pick by mistake, and the FormatError key of each.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "excel_file"),  # .xlsx / .numbers / a zip: Excel's own format is a zip
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "excel_file"),  # .xls (OLE2)
    (b"%PDF", "binary_file"),
    (b"\x89PNG", "binary_file"),
    (b"\xff\xd8\xff", "binary_file"),  # JPEG
    (b"GIF8", "binary_file"),
    (b"\x1f\x8b", "binary_file"),  # gzip
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAMPLE = 4096


def signature_kind(head: bytes) -> str | None:
    """``excel_file`` or ``binary_file`` when ``head`` starts with a known binary signature."""
    for signature, key in _SIGNATURES:
        if head.startswith(signature):
            return key
    return None


def _decodes(sample: bytes) -> bool:
    """Whether ``sample`` (perhaps cut inside a character) is UTF-8 or Shift_JIS text."""
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def binary_kind(head: bytes) -> str | None:
    """``excel_file`` or ``binary_file`` when ``head`` is not the start of a text file, else None.

    Asked of the first line of a file that is neither a vCard nor a CSV of a known layout: a
    value further down may hold any character, a header or first line of text does not.
    """
    found = signature_kind(head)
    if found is not None or head.startswith(_UTF16_BOMS):
        return found  # UTF-16 text is full of NUL bytes
    sample = head[:_SAMPLE]
    if b"\x00" in sample:
        return "binary_file"
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    if controls * 50 > len(sample) and not _decodes(sample):
        return "binary_file"
    return None
