"""The insight commands on the hand-built network: review, stats, due, snooze, drill ..."""

from __future__ import annotations

import json

import pytest
from test_insights_network import Net, build
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app

runner = CliRunner()


def run(app: App, *args: str, lang: str = "en", stdin: str | None = None) -> str:
    result = runner.invoke(
        cli_app,
        ["--db", app.settings.database_url, "--lang", lang, "--today", "2026-11-26", *args],
        input=stdin,
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def net(app: App) -> Net:
    return build(app)


def test_stats_json(app: App, net: Net) -> None:
    data = json.loads(run(app, "stats", "--json"))
    assert data["people"] == 5
    assert (data["two_way"], data["one_sided_taking"], data["one_sided_giving"]) == (1, 1, 1)
    assert (data["overdue"], data["open_requests"], data["forgotten"]) == (2, 1, 2)
    assert data["diversity_index"] == pytest.approx(0.6931, abs=1e-4)


def test_stats_table_in_japanese(app: App, net: Net) -> None:
    out = run(app, "stats", lang="ja")
    assert "双方向" in out and "人数" in out


def test_review_shows_every_section_with_why(app: App, net: Net) -> None:
    out = run(app, "review")
    assert "Two-way relationships (north star): 1 of 5" in out
    assert "You gave 4, received 3 in 12 months" in out  # 佐藤 1 + 伊藤 3; 佐藤 1 + 鈴木 2
    assert "72 days overdue" in out
    assert "資料を送る" in out
    assert "Thank-you after the event" in out  # the event follow-up, with the others
    ja = run(app, "review", lang="ja")
    assert "双方向の関係（北極星）：5人中1人" in ja
    assert "72日超過" in ja


def test_due_and_snooze(app: App, net: Net) -> None:
    out = run(app, "due")
    assert "鈴木 花子" in out and "高橋 誠" in out and "資料を送る" in out
    assert "Snoozed until 2026-12-06" in run(app, "snooze", "鈴木", "--days", "10")
    assert "鈴木 花子" not in run(app, "due").split("Event follow-ups")[0]


def test_snooze_rejects_zero_days(app: App, net: Net) -> None:
    result = runner.invoke(
        cli_app, ["--db", app.settings.database_url, "snooze", "鈴木", "--days", "0"]
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_suggest_and_thanks(app: App, net: Net) -> None:
    out = run(app, "suggest", "鈴木")
    assert "Your “採用” meets 鈴木 花子's need “採用”" in out
    thanks = run(app, "thanks", "佐藤", "--event", str(net.event), lang="ja")
    assert thanks.startswith("件名：【御礼】異業種交流会 渋谷でのご挨拶")
    # The draft follows the person (佐藤 is Japanese), not the interface (--lang en) ...
    japanese = run(app, "thanks", "佐藤")
    assert japanese.startswith("件名：【御礼】異業種交流会 渋谷でのご挨拶")
    # ... unless the draft's language is chosen.
    english = run(app, "thanks", "佐藤", "--language", "en")
    assert english.startswith("Subject: Thank you for the conversation at 異業種交流会 渋谷")


def test_thanks_without_encounter_is_a_clear_error(app: App, net: Net) -> None:
    result = runner.invoke(
        cli_app, ["--db", app.settings.database_url, "--lang", "en", "thanks", "高橋"]
    )
    assert result.exit_code == 1
    assert "No encounter with person" in result.output


def test_drill_reads_answers_line_by_line(app: App, net: Net) -> None:
    out = run(app, "drill", "--limit", "5", stdin="さとう\nアルファ\n渋谷\n")
    assert "Memory cue: 眼鏡、登山好き" in out
    assert "quality 5" in out and "Remembered 1 of 1" in out
    assert "No cards due today." in run(app, "drill")


def test_drill_stops_cleanly_at_end_of_input(app: App, net: Net) -> None:
    out = run(app, "drill", stdin="")
    assert "Remembered 0 of 1" in out


def test_me_sets_the_profile(app: App, net: Net) -> None:
    out = run(app, "me", "--name-en", "Daisuke Yamamoto")
    assert "Daisuke Yamamoto" in out and "山本 大輔" in out
