"""Every catalog message reads as written by hand: same placeholders, and Japanese text holds
no English words except names of things (CSV, URL, LinkedIn ...), commands the user types and
codes shown beside their Japanese meaning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kinmyaku.i18n import LOCALES

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What may stay in Latin letters inside Japanese text: names of formats, products and
# standards, units, and the words of examples.
ALLOWED = {
    "API",
    "Android",
    "C",
    "CPU",
    "CSRF",
    "CSV",
    "Ctrl",
    "Debian",
    "Eight",
    "Excel",
    "Facebook",
    "Gmail",
    "Google",
    "HTML",
    "HTTP",
    "HTTPS",
    "ID",
    "IP",
    "JPEG",
    "JSON",
    "JavaScript",
    "LINE",
    "LinkedIn",
    "MB",
    "KB",
    "GB",
    "Outlook",
    "PDF",
    "PNG",
    "PostgreSQL",
    "QR",
    "SNS",
    "SQLAlchemy",
    "SQLite",
    "Sansan",
    "TEL",
    "FAX",
    "Thunderbird",
    "URL",
    "Ubuntu",
    "UTF",
    "WebP",
    "Web",
    "X",
    "YYYY-MM-DD",
    "argon",
    "brew",
    "gzip",
    "iCalendar",
    "iPhone",
    "ics",
    "kinmyaku",
    "tesseract",  # programs a message tells to install
    "pytesseract",
    "pip",
    "libpq",
    "macOS",
    "pg",
    "dump",
    "vCard",
    "vcf",
    "apt-get",
    "postgresql-client",
    "integrity",
    "check",
    "e-mail",
    "DAVx",
    "CardDAV",
    "OCR",
    "Takahashi",
    "Kenta",
    "example",
    "com",
    "jp",
    "co",
    "Ms",
    "Mr",
    "Dear",
    "Shift",
    "JIS",
    "ASCII",
    "BOM",
    "PERSON",
    "HEADER",
    "WORD",
    "NAME",
    "FILE",
    "KEEP",
    "OTHER",
    "A",
    "B",
    "N",
    "ja",
    "en",
    "postgresql",
    "psycopg",
    "sqlite",
    "htmx",
    "Kunrei",
    "Hepburn",
    "today",
    "tomorrow",
    "apt",
    "install",
    "undo-clear",
    "takahashi",
    "takahasi",
}
# Spans that are not prose: `code`, URLs, command lines, --options, e-mail addresses,
# file names, codes glossed in Japanese ("lead（見込み客の紹介）"), words the user types
# in quotes (「keep」).
NOT_PROSE = re.compile(
    r"YYYY-MM-DD"
    r"|`[^`]*`"
    r"|https?://\S+"
    r"|kinmyaku [ -~]*"  # a command line, up to the next Japanese character
    r"|(?<![\w-])--?[A-Za-z][\w-]*"
    r"|[\w.+-]+@[\w.-]+"
    r"|[\w-]*\.(?:vcf|csv|json|sqlite3?|ics|xlsx|png|jpg)\b"
    r"|\b\w*_\w*\b"  # identifiers: pg_restore, family_name
    r"|\b[a-z]+(?=[（、:])|(?<=[、・])[a-z]+\b"  # codes in a list or glossed: csv、json / lead（…）
    r"|「[^「」]*」"
    r"|\b[a-z]\d+\b|\+\d+[a-z]*|\b\d+[a-z]\b"  # ids such as i12, and +7, +2w
    r"|\\n"
    r"|\[/?[a-z]*\]"  # Rich markup: [blue]…[/]
    r"|\b[a-z]+(?= --)|(?<=\| )[a-z]+(?: [A-Z]+)?"  # subcommands: merge --auto | list | undo ID
)
# A word said twice on purpose ("a friend of a friend"), unlike 「日付の日付」.
MEANT_TWICE = {"知り合いの知り合い"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _messages(lang: str) -> list[tuple[str, str, str]]:
    found = []
    for po_file in sorted((LOCALES / lang).glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and isinstance(message.id, str) and message.string:
                    found.append((po_file.name, message.id, str(message.string)))
    return found


JA = _messages("ja")


def english_words(text: str) -> list[str]:
    """Latin-letter words in ``text`` that are prose (not names, commands or codes)."""
    prose = NOT_PROSE.sub(" ", PLACEHOLDER.sub("0", text))
    return [w for w in LATIN_WORD.findall(prose) if w.strip("'-") not in ALLOWED]


def test_the_scan_sees_english_and_lets_names_through() -> None:
    assert english_words("メールアドレスが正しくありません: An email address must have an @-sign.")
    assert english_words("日付の日付") == []
    assert english_words("vCard か CSV を選んでください（kinmyaku import --skip-bad）") == []
    assert english_words("lead（見込み客の紹介）、「keep」を指定") == []


@pytest.mark.parametrize(("po_file", "msgid", "text"), JA, ids=[m[1][:40] for m in JA])
def test_japanese_text_keeps_placeholders_and_has_no_english_prose(
    po_file: str, msgid: str, text: str
) -> None:
    assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), po_file
    assert english_words(text) == [], f"{po_file}: {text}"
    doubled = re.search(r"(\w{2,})の\1", text)
    assert doubled is None or doubled.group(0) in MEANT_TWICE, f"{po_file}: doubled word in {text}"


@pytest.mark.parametrize("path", sorted((LOCALES / "en").glob("*.po")), ids=lambda p: p.name)
def test_english_singulars_keep_placeholders(path: Path) -> None:
    with path.open("rb") as handle:
        for message in read_po(handle, locale="en"):
            if message.id and message.string:
                assert "{count}" in str(message.id)
                assert set(PLACEHOLDER.findall(str(message.string))) == set(
                    PLACEHOLDER.findall(str(message.id))
                )
