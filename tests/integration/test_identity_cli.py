"""The identity commands end to end (duplicates, merge, merge --auto/list/undo,
not-duplicates) on SQLite and PostgreSQL, in English and Japanese; their messages translated."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from kinmyaku.cli.main import app
from kinmyaku.i18n import LOCALES, catalog
from kinmyaku.storage.schema import people

runner = CliRunner()


def kin(db: str, *args: str, lang: str = "en") -> tuple[int, str]:
    result = runner.invoke(
        app, ["--db", db, "--lang", lang, "--today", "2026-11-26", *args], env={"COLUMNS": "200"}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def people_count(db: str) -> int:
    engine = create_engine(db)
    with engine.connect() as conn:
        found = int(conn.execute(select(func.count()).select_from(people)).scalar_one())
    engine.dispose()
    return found


@pytest.fixture
def db(database_url: str) -> str:
    """高橋 健太 three times (same mobile, same e-mail) and two different 佐藤 花子."""
    for args in (
        ("高橋", "健太", "--phone", "090-1234-5678", "--email", "kenta@example.jp"),
        ("髙橋", "健太", "--phone", "090-1234-5678", "--company", "株式会社サンプル"),
        ("高橋", "健太", "--sei", "たかはし", "--email", "kenta@example.jp"),
        ("佐藤", "花子", "--email", "hanako@example.jp", "--phone", "080-1111-2222"),
        ("鈴木", "一郎", "--email", "ichiro@example.org", "--phone", "070-3333-4444"),
    ):
        code, out = kin(database_url, "add", *args, "--force")
        assert code == 0, out
    return database_url


def test_duplicates_json_shape(db: str) -> None:
    code, out = kin(db, "duplicates", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert isinstance(found, list) and found
    for item in found:
        assert set(item) == {"probability", "a", "b", "reasons"}
        assert isinstance(item["probability"], float) and 0.5 <= item["probability"] <= 1
        assert set(item["a"]) == set(item["b"]) == {"id", "name"}
        assert item["a"]["id"] < item["b"]["id"]
        assert all(isinstance(r, str) and r for r in item["reasons"])
    probabilities = [item["probability"] for item in found]
    assert probabilities == sorted(probabilities, reverse=True)
    pairs = {(item["a"]["id"], item["b"]["id"]) for item in found}
    assert (1, 2) in pairs
    assert not any(4 in pair or 5 in pair for pair in pairs)
    code, out = kin(db, "duplicates", "--json", "--limit", "1")
    assert len(json.loads(out)) == 1


@pytest.mark.parametrize(("lang", "tail"), [("en", "pairs. Merge one with"), ("ja", "組。")])
def test_duplicates_text(db: str, lang: str, tail: str) -> None:
    code, out = kin(db, "duplicates", lang=lang)
    assert code == 0, out
    first = out.splitlines()[0]
    assert "%" in first and "#1 高橋 健太" in first and "⇔" in first
    assert "090-1234-5678" in first
    assert out.splitlines()[1].startswith("    ")  # a reason
    assert tail in out
    code, out = kin(db, "duplicates", "--min-probability", "101", lang=lang)
    assert code == 1
    assert "--min-probability" in out


def test_not_duplicates_leaves_the_pair_out(db: str) -> None:
    code, out = kin(db, "not-duplicates", "2", "1")
    assert code == 0, out
    assert "#2 髙橋 健太 and #1 高橋 健太 are different people" in out
    pairs = {(i["a"]["id"], i["b"]["id"]) for i in json.loads(kin(db, "duplicates", "--json")[1])}
    assert (1, 2) not in pairs
    code, out = kin(db, "not-duplicates", "1", "1", lang="ja")
    assert code == 1 and "別々の二人" in out
    code, out = kin(db, "not-duplicates", "1", "99", lang="ja")
    assert code == 1 and "エラー" in out


def test_merge_list_and_undo_in_english(db: str) -> None:
    code, out = kin(db, "merge", "1", "2")
    assert code == 0, out
    assert "Merged #2 髙橋 健太 into #1 高橋 健太: merge #1" in out
    assert "kinmyaku merge undo 1" in out
    assert people_count(db) == 4
    code, out = kin(db, "show", "1", "--json")
    assert "株式会社サンプル" in out  # OTHER's job moved to KEEP
    code, out = kin(db, "merge", "list")
    assert code == 0 and "#1 " in out and "manual: #1 高橋 健太 ← #2 髙橋 健太" in out
    code, out = kin(db, "merge", "undo", "1")
    assert code == 0 and "Undid merge #1" in out
    assert people_count(db) == 5
    code, out = kin(db, "merge", "undo", "1")
    assert code == 1 and "Error: Merge #1 was already undone" in out
    assert "(undone)" in kin(db, "merge", "list")[1]


def test_merge_in_japanese_and_its_errors(db: str) -> None:
    code, out = kin(db, "merge", "1", "2", "--from-other", "family_name", lang="ja")
    assert code == 0, out
    assert "#2 髙橋 健太 を #1 高橋 健太 に統合しました（統合 #1）" in out
    assert "kinmyaku merge undo 1" in out
    code, out = kin(db, "show", "1", "--json")
    assert json.loads(out)["family_name"] == "髙橋"
    code, out = kin(db, "merge", "list", lang="ja")
    assert "手動: #1 高橋 健太 ← #2 髙橋 健太" in out
    code, out = kin(db, "merge", "3", "1", lang="ja")
    assert code == 0, out
    code, out = kin(db, "merge", "undo", "1", lang="ja")
    assert code == 1 and "先にそちらを取り消してください（kinmyaku merge undo 2）" in out
    for args, expected in (
        (("merge", "undo", "9"), "ID 9 の統合はありません"),
        (("merge", "undo", "x"), "使い方：kinmyaku merge undo ID"),
        (("merge",), "使い方：kinmyaku merge"),
        (("merge", "--auto", "1", "2"), "どちらか一方"),
        (("merge", "4", "4"), "同じ人どうしは統合できません"),
        (("merge", "4", "5", "--from-other", "notes"), "「keep」か「other」"),
    ):
        code, out = kin(db, *args, lang="ja")
        assert code == 1, args
        assert expected in out, out
        assert "Traceback" not in out


def test_merge_auto_is_one_undoable_merge(db: str) -> None:
    code, out = kin(db, "merge", "--auto", "--min-probability", "0.9")
    assert code == 0, out
    assert "into #1 高橋 健太" in out or "into #2 髙橋 健太" in out or "into #3" in out
    assert "Merge #1: 2 records merged away, 1 kept" in out
    assert people_count(db) == 3
    code, out = kin(db, "merge", "--auto", "--min-probability", "90", lang="ja")
    assert code == 0 and "統合する組はありません" in out
    code, out = kin(db, "merge", "undo", "1")
    assert code == 0, out
    assert people_count(db) == 5
    code, out = kin(db, "merge", "list", lang="ja")
    assert "自動" in out and "取り消し済み" in out


# -- every message of the identity commands has a Japanese translation ---------------------

PACKAGE = LOCALES.parent
MODULES = [
    PACKAGE / "cli" / "identity.py",
    PACKAGE / "services" / "identity" / "merging.py",
    PACKAGE / "services" / "identity" / "merge_rules.py",
]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": None,
    "say": None,
    "fail": None,
    "translate": (2,),
    "KinmyakuError": None,
    "NotFound": None,
    "ValidationError": (2,),
}


def msgids() -> set[str]:
    """Message ids of the identity modules, and the merge kinds shown translated."""
    found = {"manual", "auto", "undone"}
    for path in MODULES:
        for _line, message, _c, _x in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=(), options={}
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _names(text: str) -> set[str]:
    return {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}


def test_extraction_sees_the_modules() -> None:
    assert all(Path(p).is_file() for p in MODULES)
    assert "Merge #{id} was already undone" in msgids()
    assert "No likely duplicates." in msgids()


@pytest.mark.parametrize("msgid", sorted(msgids()))
def test_translated_with_same_placeholders(msgid: str) -> None:
    translated = catalog("ja").get(msgid, "")
    assert translated.strip(), f"add {msgid!r} to locales/ja/identity.po"
    assert _names(translated) == _names(msgid)
