"""The introductions ledger and the network CLI on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.services import introductions as ledger
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import link_people, record_encounter
from kinmyaku.storage.schema import exchanges, links

TODAY = date(2026, 11, 26)
runner = CliRunner()


def kin(app: App, *args: str, lang: str = "en") -> tuple[int, str]:
    result = runner.invoke(
        cli_app, ["--db", app.settings.database_url, "--lang", lang, "--today", "2026-11-26", *args]
    )
    return result.exit_code, result.output


@pytest.fixture
def pair(app: App) -> tuple[int, int]:
    a = add_person(app.uow(), PersonInput(family_name="朝倉", given_name="一郎", offers="採用支援"))
    b = add_person(app.uow(), PersonInput(family_name="馬場", given_name="花子", needs="採用支援"))
    return a, b


def test_double_opt_in_then_made_counts_as_giving(app: App, pair: tuple[int, int]) -> None:
    a, b = pair
    iid = ledger.propose_introduction(app.uow(), person_a=a, person_b=b, on=TODAY, why="採用")
    for state in ("asked_a", "asked_b", "agreed"):
        ledger.move_introduction(app.uow(), introduction_id=iid, state=state, on=TODAY)
    with pytest.raises(ValidationError):
        ledger.move_introduction(app.uow(), introduction_id=iid, state="asked_a", on=TODAY)
    ledger.move_introduction(
        app.uow(), introduction_id=iid, state="introduced", on=TODAY, outcome="面談へ"
    )
    with app.uow() as conn:
        given = conn.execute(
            select(exchanges.c.person_id, exchanges.c.direction, exchanges.c.kind).where(
                exchanges.c.introduction_id == iid
            )
        ).all()
        linked = conn.execute(select(links.c.kind).where(links.c.person_a == min(a, b))).all()
    assert sorted(given) == sorted([(a, "gave", "introduction"), (b, "gave", "introduction")])
    assert linked == [("introduced",)]
    [row] = ledger.list_introductions(app.uow(), include_closed=True)
    assert row["state"] == "introduced" and row["outcome"] == "面談へ" and row["why"] == "採用"
    assert ledger.list_introductions(app.uow()) == []
    with pytest.raises(ValidationError):
        ledger.move_introduction(app.uow(), introduction_id=iid, state="declined", on=TODAY)
    ledger.record_introduction_outcome(app.uow(), introduction_id=iid, outcome="採用決定")
    assert ledger.list_introductions(app.uow(), include_closed=True)[0]["outcome"] == "採用決定"


def test_declined_is_final_and_gives_nothing(app: App, pair: tuple[int, int]) -> None:
    a, b = pair
    iid = ledger.propose_introduction(app.uow(), person_a=a, person_b=b, on=TODAY)
    ledger.move_introduction(app.uow(), introduction_id=iid, state="declined", on=TODAY)
    with pytest.raises(ValidationError):
        ledger.move_introduction(app.uow(), introduction_id=iid, state="agreed", on=TODAY)
    with app.uow() as conn:
        assert conn.execute(select(exchanges.c.id)).all() == []
    with pytest.raises(ValidationError):
        ledger.propose_introduction(app.uow(), person_a=a, person_b=a, on=TODAY)
    with pytest.raises(NotFound):
        ledger.propose_introduction(app.uow(), person_a=a, person_b=999, on=TODAY)
    with pytest.raises(NotFound):
        ledger.move_introduction(app.uow(), introduction_id=999, state="agreed", on=TODAY)


def test_introductions_to_me_come_from_encounters(app: App, pair: tuple[int, int]) -> None:
    a, b = pair
    record_encounter(app.uow(), person_id=b, on=TODAY, introducer_id=a)
    [row] = ledger.list_introductions_to_me(app.uow())
    assert row["person"]["id"] == b and row["introducer"] == {"id": a, "name": "朝倉 一郎"}


def test_cli_introduce_and_move_through_the_ledger(app: App, pair: tuple[int, int]) -> None:
    code, out = kin(app, "introduce", "朝倉", "馬場", "--why", "採用の相談")
    assert code == 0, out
    assert "#1" in out
    for command, state in (("ask", "asked_a"), ("ask", "asked_b"), ("agree", "agreed")):
        code, out = kin(app, "intro", command, "1")
        assert code == 0 and state in out, out
    code, out = kin(app, "intro", "list", "--json")
    assert json.loads(out)[0]["state"] == "agreed"
    code, out = kin(app, "intro", "done", "1", "--outcome", "会食")
    assert code == 0, out
    code, out = kin(app, "intro", "ask", "1")
    assert code == 1 and "Traceback" not in out


def test_cli_path_match_brokers_json(app: App, pair: tuple[int, int]) -> None:
    _, b = pair
    t = add_person(app.uow(), PersonInput(family_name="田中", given_name="誠", met=False))
    link_people(app.uow(), person_a=b, person_b=t)
    code, out = kin(app, "path", "田中", "--json")
    assert code == 0, out
    [path] = json.loads(out)
    assert [p["id"] for p in path["people"]] == [b, t]
    assert path["score"] == pytest.approx(0.5 * 0.4 * 0.9)
    assert path["explanation"].startswith("Ask 馬場 花子 first")
    code, out = kin(app, "path", "田中")
    assert code == 0 and "馬場 花子" in out
    code, out = kin(app, "match", "--json")
    assert code == 0 and [m["score"] for m in json.loads(out)] == [pytest.approx(0.5)]
    code, out = kin(app, "path", "org:どこにもない")
    assert code == 1 and "No organisation" in out
    code, out = kin(app, "path", "田中", lang="ja")
    assert code == 0 and "紹介ルート" in out and "まず馬場 花子さんに相談" in out
    code, out = kin(app, "path", "industry:宇宙", lang="ja")
    assert code == 1 and "「宇宙」という業種はありません" in out


def test_asking_a_third_time_points_to_agree(app: App, pair: tuple[int, int]) -> None:
    """After A and B were asked, `intro ask` says what to do next, in the user's words."""
    from kinmyaku.i18n import error_text

    on = date(2026, 11, 20)
    intro = ledger.propose_introduction(app.uow(), person_a=pair[0], person_b=pair[1], on=on)
    assert ledger.ask_next(app.uow(), introduction_id=intro, on=on) == "asked_a"
    assert ledger.ask_next(app.uow(), introduction_id=intro, on=on) == "asked_b"
    with pytest.raises(ValidationError) as info:
        ledger.ask_next(app.uow(), introduction_id=intro, on=on)
    assert f"intro agree {intro}" in error_text("en", info.value)
    with pytest.raises(ValidationError) as back:
        ledger.move_introduction(app.uow(), introduction_id=intro, state="asked_a", on=on)
    japanese = error_text("ja", back.value)
    assert "Bさんに確認中" in japanese and "asked_b" not in japanese
