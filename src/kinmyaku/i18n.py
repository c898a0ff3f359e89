"""Translations: English message ids, Japanese catalogs (gettext .po files read with Babel).

Every user-visible string is written in English in the code and translated from
``kinmyaku/locales/<lang>/*.po``.  Several .po files per language are merged, one per
area (core, web, insights, network, formats), so that areas can grow independently.
A test checks that every message id used in the code has a Japanese translation.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from kinmyaku.domain.errors import KinmyakuError

LOCALES = Path(__file__).with_name("locales")
DEFAULT = "en"


@lru_cache(maxsize=8)
def catalog(lang: str) -> dict[str, str]:
    """All translations of a language: message id -> translated text.

    Parsing the .po files with Babel costs a command more than its own work, so the
    merged catalog is kept as JSON in the user's cache folder, under a key made of the
    files' names, sizes and times: a changed .po file is read again.
    """
    folder = LOCALES / lang
    if not folder.is_dir():
        return {}
    files = sorted(folder.glob("*.po"))
    cached = _cache_file(lang, files)
    if cached is not None:
        try:
            found = json.loads(cached.read_text(encoding="utf-8"))
            if isinstance(found, dict):
                return found
        except (OSError, ValueError):
            pass
    messages = read_catalog(lang, files)
    if cached is not None:
        _write_cache(cached, messages)
    return messages


def read_catalog(lang: str, files: list[Path]) -> dict[str, str]:
    """The translations in ``files``, read with Babel."""
    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for po_file in files:
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and isinstance(message.id, str):
                    messages[message.id] = str(message.string)
    return messages


def _cache_file(lang: str, files: list[Path]) -> Path | None:
    """Where the merged catalog of these exact files is cached (None: no cache folder)."""
    if os.environ.get("KINMYAKU_NO_CATALOG_CACHE"):
        return None
    key = hashlib.sha256()
    for po_file in files:
        stat = po_file.stat()
        key.update(f"{po_file}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    try:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("kinmyaku"))
    except Exception:  # no home folder: read the .po files every time
        return None
    return folder / f"catalog-{lang}-{key.hexdigest()[:16]}.json"


def _write_cache(path: Path, messages: dict[str, str]) -> None:
    """Write the cache atomically; a read-only or full disk only costs the next read."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)
        for old in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*.json"):
            if old != path:  # catalogs of .po files since changed
                old.unlink(missing_ok=True)
    except OSError:
        return


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
    # str.format_map (C) fills the same fields as string.Formatter().vformat (Python),
    # about five times faster: pages call this dozens of times (Today's rows, search hints).
    return text.format_map(_SafeDict(params))


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
