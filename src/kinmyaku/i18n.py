"""Translations: English message ids, Japanese catalogs (gettext .po files read with Babel).

Every user-visible string is written in English in the code and translated from
``kinmyaku/locales/<lang>/*.po``.  Several .po files per language are merged, one per
area (core, web, insights, network, formats), so that areas can grow independently.
A test checks that every message id used in the code has a Japanese translation.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from kinmyaku.domain.errors import KinmyakuError

LOCALES = Path(__file__).with_name("locales")
DEFAULT = "en"


@lru_cache(maxsize=8)
def catalog(lang: str) -> dict[str, str]:
    """All translations of a language: message id -> translated text."""
    messages: dict[str, str] = {}
    folder = LOCALES / lang
    if not folder.is_dir():
        return messages
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and isinstance(message.id, str):
                    messages[message.id] = str(message.string)
    return messages


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=1)
def english_singulars() -> dict[str, str]:
    """English messages as they read when their ``{count}`` is 1 (locales/en/singular.po)."""
    return catalog("en")


def translate(lang: str, msgid: str, **params: Any) -> str:
    """The message in ``lang`` with its ``{placeholders}`` filled in ("1 pair", not "1 pairs")."""
    if lang != DEFAULT:
        text = catalog(lang).get(msgid, msgid)
    elif params.get("count") == 1:
        text = english_singulars().get(msgid, msgid)
    else:
        text = msgid
    if not params:
        return text
    return string.Formatter().vformat(text, (), _SafeDict(params))


def error_text(lang: str, error: KinmyakuError) -> str:
    """A user error in the user's language."""
    params = dict(error.params)
    # Field names and state codes are shown in the user's words (asked_b -> Bさんに確認中).
    for name in ("field", "state", "new", "status", "reason"):
        if isinstance(params.get(name), str):
            params[name] = translate(lang, params[name])
    return translate(lang, error.msgid, **params)


def gettext_for(lang: str) -> Any:
    """A ``gettext``-like callable for templates: ``_("People")`` in ``lang``."""

    def gettext(msgid: str, **params: Any) -> str:
        return translate(lang, msgid, **params)

    return gettext
