"""The CLI end to end on a real database: global options, JSON shapes, errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from kinmyaku.cli.main import app
from kinmyaku.storage.schema import people

runner = CliRunner()


def kin(db: str, *args: str, lang: str = "en") -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db, "--lang", lang, "--today", "2026-11-26", *args])
    return result.exit_code, result.output


@pytest.fixture
def db(database_url: str) -> str:
    return database_url


def test_add_search_show_json(db: str) -> None:
    code, out = kin(
        db,
        "add",
        "髙橋",
        "健太",
        "--sei",
        "たかはし",
        "--mei",
        "けんた",
        "--company",
        "株式会社サンプル",
        "--title",
        "部長",
        "--email",
        "k@example.jp",
    )
    assert code == 0, out
    assert "Added #1" in out
    kin(db, "add", "高橋", "美咲", "--sei", "たかはし", "--mei", "みさき")
    for spelling in ["たかはし", "タカハシ", "ﾀｶﾊｼ", "takahashi", "Takahashi", "髙橋"]:
        code, out = kin(db, "search", spelling, "--json")
        assert code == 0
        rows = json.loads(out)
        assert {r["id"] for r in rows} == {1, 2}
        assert set(rows[0]) >= {"id", "name", "reading", "company", "title"}
    code, out = kin(db, "show", "健太", "--json")
    data = json.loads(out)
    assert data["company"] == "株式会社サンプル"
    for key in ("encounters", "interactions", "exchanges", "requests", "purpose", "links"):
        assert key in data
    code, out = kin(db, "list", "--json")
    assert [r["name"] for r in json.loads(out)] == ["髙橋 健太", "高橋 美咲"]
    code, out = kin(db, "list", "--json", "--limit", "1")
    assert len(json.loads(out)) == 1


def test_ambiguous_name_lists_candidates_and_writes_nothing(db: str) -> None:
    kin(db, "add", "高橋", "健太")
    kin(db, "add", "高橋", "美咲")
    code, out = kin(db, "give", "高橋", "--kind", "advice")
    assert code == 1
    assert "#1" in out and "#2" in out and "matches 2 people" in out
    code, out = kin(db, "show", "1", "--json")
    assert json.loads(out)["exchanges"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "山田", "--email", "bad@"], "Invalid e-mail address"),
        (["add", "山田", "--phone", "abc"], "Invalid phone number"),
        (["add", "山田", "--birthday", "2024-02-30"], "Invalid date"),
        (["show", "999"], "No person with id 999"),
        (["show", "誰か"], "Nobody matches"),
    ],
)
def test_user_errors_are_clear_and_change_nothing(db: str, args: list[str], message: str) -> None:
    code, out = kin(db, *args)
    assert code == 1
    assert message in out
    assert "Traceback" not in out
    engine = create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 0
    engine.dispose()


def test_method_commands(db: str) -> None:
    kin(db, "add", "佐藤", "花子")
    kin(db, "add", "鈴木", "一郎")
    assert (
        kin(db, "event", "add", "異業種交流会", "--date", "2026-11-20", "--goal-count", "10")[0]
        == 0
    )
    steps = [
        ["met", "花子", "--event", "1", "--cue", "赤いメガネ", "--date", "2026-11-20"],
        ["met", "一郎", "--by", "花子", "--channel", "introduction"],
        ["log", "花子", "一郎", "--kind", "meal", "-m", "ランチ", "--follow-up", "2026-12-01"],
        ["give", "花子", "--kind", "advice", "--weight", "3"],
        ["receive", "花子", "--kind", "lead"],
        ["request", "add", "花子", "資料を送る", "--due", "2026-12-05"],
        ["request", "done", "1", "-m", "送付済み"],
        ["purpose", "花子", "--category", "mentor", "--cadence", "30"],
        ["link", "花子", "一郎", "--kind", "colleague"],
        ["tag", "花子", "ゴルフ"],
    ]
    for step in steps:
        code, out = kin(db, *step)
        assert code == 0, (step, out)
    data = json.loads(kin(db, "show", "花子", "--json")[1])
    assert data["encounters"][0]["memory_cue"] == "赤いメガネ"
    assert len(data["exchanges"]) == 2 and data["requests"][0]["status"] == "done"
    assert data["purpose"]["cadence_days"] == 30 and data["tags"] == ["ゴルフ"]
    event = json.loads(kin(db, "event", "show", "1", "--json")[1])
    assert event["met_count"] == 1 and event["goal_count"] == 10
    code, out = kin(db, "show", "花子")
    assert "How we met" in out and "赤いメガネ" in out


def test_japanese_output(db: str) -> None:
    code, out = kin(db, "show", "999", lang="ja")
    assert code == 1
    assert "999" in out


def test_addresses_and_company_website(db: str) -> None:
    code, out = kin(
        db,
        "add",
        "山田",
        "太郎",
        "--address",
        "〒150-0002 東京都渋谷区渋谷1-2-3",
        "--company",
        "株式会社テスト",
        "--website",
        "https://example.jp",
    )
    assert code == 0, out
    data = json.loads(kin(db, "show", "1", "--json")[1])
    assert [c["kind"] for c in data["contacts"]] == ["address"]
    assert data["contacts"][0]["value"] == "〒150-0002 東京都渋谷区渋谷1-2-3"
    assert data["affiliations"][0]["website"] == "https://example.jp"
    code, out = kin(db, "add", "山田", "花子", "--address", "あ" * 301)
    assert code == 1 and "too long" in out


def test_face_photo_is_checked_and_stored(db: str, tmp_path: Path) -> None:
    from PIL import Image

    good = tmp_path / "face.png"
    Image.new("RGB", (64, 48), "orange").save(good)
    code, out = kin(db, "add", "山田", "太郎", "--photo", str(good))
    assert code == 0, out
    data = json.loads(kin(db, "show", "1", "--json")[1])
    assert data["photo"]
    bad = tmp_path / "face.jpg"
    bad.write_bytes(b"not an image")
    code, out = kin(db, "add", "山田", "花子", "--photo", str(bad))
    assert code == 1 and "Traceback" not in out
    code, out = kin(db, "add", "山田", "花子", "--photo", str(tmp_path / "missing.jpg"))
    assert code == 1 and "missing.jpg" in out
    assert len(json.loads(kin(db, "list", "--json")[1])) == 1  # nothing half-written
