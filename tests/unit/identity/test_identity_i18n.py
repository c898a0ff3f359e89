"""Every reason the identity engine gives has a Japanese translation with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from kinmyaku.domain.identity import scoring
from kinmyaku.i18n import catalog


def reason_msgids() -> set[str]:
    """The message ids of every ``Level(...)`` the engine builds (its third argument)."""
    tree = ast.parse(Path(scoring.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        is_level = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Level"
        if is_level and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
            found.add(str(node.args[2].value))
        if isinstance(node, ast.Dict):  # the msgids of the name levels, in a dict
            for value in node.values:
                if isinstance(value, ast.Constant) and "{a}" in str(value.value):
                    found.add(str(value.value))
    found.discard("")
    return found


def _names(text: str) -> set[str]:
    return {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}


def test_the_extraction_finds_the_reasons() -> None:
    found = reason_msgids()
    assert {"Same mobile {phone}", "Different names ({a} / {b})", "Same address"} <= found
    assert len(found) >= 25


@pytest.mark.parametrize("msgid", sorted(reason_msgids()))
def test_every_reason_is_translated(msgid: str) -> None:
    translated = catalog("ja").get(msgid, "")
    assert translated.strip(), f"add {msgid!r} to locales/ja/matching.po"
    assert _names(translated) == _names(msgid)
