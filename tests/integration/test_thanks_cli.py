"""`kinmyaku me` (my profile) and `kinmyaku thanks` (the お礼 draft, --language, --sent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services import events, relations
from kinmyaku.services.insights_people import my_profile
from kinmyaku.services.people import PersonInput, add_person, show_person

runner = CliRunner()


def run(app: App, *args: str, lang: str = "en", stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(
        cli_app,
        ["--db", app.settings.database_url, "--lang", lang, "--today", "2026-12-07", *args],
        input=stdin,
    )
    return result.exit_code, result.output


def _met(app: App) -> int:
    pid = add_person(
        app.uow(),
        PersonInput(
            family_name="高田", given_name="真央", company="株式会社サンプル", title="部長"
        ),
    )
    event = events.add_event(app.uow(), name="FinTech読書会", on=date(2026, 12, 2))
    relations.record_encounter(
        app.uow(), person_id=pid, on=date(2026, 12, 2), channel="event", event_id=event
    )
    return pid


def test_me_sets_every_field_and_a_multiline_signature(app: App, tmp_path: Path) -> None:
    code, out = run(
        app,
        "me",
        "--name",
        "山田 太郎",
        "--reading",
        "やまだ たろう",
        "--company",
        "株式会社ヤマダ",
        "--title",
        "営業部 課長",
        "--email",
        "taro@example.jp",
        "--signature",
        r"山田 太郎\n株式会社ヤマダ",
        lang="ja",
    )
    assert code == 0, out
    assert "読み: やまだ たろう" in out and "役職: 営業部 課長" in out
    me = my_profile(app.uow())
    assert (me.organization, me.email, me.signature) == (
        "株式会社ヤマダ",
        "taro@example.jp",
        "山田 太郎\n株式会社ヤマダ",
    )
    code, out = run(app, "me", "--signature", "-", stdin="Taro Yamada\r\nYamada Inc.\r\n")
    assert code == 0, out
    assert my_profile(app.uow()).signature == "Taro Yamada\nYamada Inc."
    assert my_profile(app.uow()).name == "山田 太郎"  # untouched
    # A JSON backup carries the whole profile (settings under me.*).
    backup = tmp_path / "backup.json"
    code, out = run(app, "export", "--format", "json", "-o", str(backup))
    assert code == 0, out
    text = backup.read_text(encoding="utf-8")
    assert '"me.signature"' in text and "Yamada Inc." in text and '"me.title"' in text


def test_me_refuses_bad_values(app: App) -> None:
    code, out = run(app, "me", "--name", "山田", "--reading", "あ" * 101, lang="ja")
    assert code == 1
    assert "「読み」が長すぎます（101 文字。100 文字以内" in out and "Traceback" not in out
    code, out = run(app, "me", "--email", "not-an-address")
    assert code == 1 and "not-an-address" in out
    assert my_profile(app.uow()) == my_profile(app.uow()).__class__()  # nothing stored


def test_thanks_is_signed_and_follows_the_contact(app: App) -> None:
    _met(app)
    run(app, "me", "--name", "山田 太郎", "--company", "株式会社ヤマダ")
    code, out = run(app, "thanks", "高田", "--topic", "釣りの話")
    assert code == 0, out
    assert out.startswith("件名：【御礼】FinTech読書会でのご挨拶（株式会社ヤマダ 山田 太郎）\n")
    assert "12月2日のFinTech読書会では" in out and "釣りについてのお話" in out
    assert "2026-12-02" not in out and "（）" not in out
    code, english = run(app, "thanks", "高田", "--language", "en")
    assert english.startswith("Subject: Thank you for the conversation at FinTech読書会\n")
    assert "on December 2." in english


def test_thanks_sent_logs_the_interaction(app: App) -> None:
    pid = _met(app)
    code, out = run(app, "thanks", "高田", "--sent", lang="ja")
    assert code == 0 and "お礼を送ったことを記録しました" in out
    [touch] = show_person(app.uow(), pid).interactions
    assert (touch["kind"], touch["summary"], touch["date"]) == ("email", "お礼", date(2026, 12, 7))


def test_the_draft_talks_about_the_topic_the_cue_names_not_the_rest(app: App) -> None:
    pid = add_person(app.uow(), PersonInput(family_name="松田", given_name="亮太"))
    event = events.add_event(app.uow(), name="異業種交流会", on=date(2026, 12, 5))
    relations.record_encounter(
        app.uow(),
        person_id=pid,
        on=date(2026, 12, 5),
        event_id=event,
        memory_cue="赤いメガネ、釣りの話",
    )
    code, out = run(app, "thanks", str(pid), lang="ja")
    assert code == 0, out
    assert "釣り" in out
    assert "赤いメガネ" not in out
    code, out = run(app, "thanks", str(pid), "--topic", "採用", lang="ja")
    assert "採用" in out and "釣り" not in out  # a topic given wins
