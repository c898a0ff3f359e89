"""Follow-ups from every source (services/followups.py) and `kinmyaku due` / `followup`,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.services import events, followups, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.today import show_today

TODAY = date(2026, 11, 26)
NOW = datetime.combine(TODAY, time(12))
runner = CliRunner()


@dataclass
class Seed:
    takahashi: int
    sato: int
    ito: int
    event: int
    lunch: int
    later: int
    owed: int
    asked: int


@pytest.fixture
def seed(app: App) -> Seed:
    uow = app.uow
    tk = add_person(uow(), PersonInput(family_name="高橋", given_name="健太"))
    sato = add_person(uow(), PersonInput(family_name="佐藤", given_name="花子"))
    ito = add_person(uow(), PersonInput(family_name="伊藤", given_name="翔"))
    event = events.add_event(uow(), name="丸の内 交流会", on=date(2026, 11, 25))
    relations.record_encounter(uow(), person_id=sato, on=date(2026, 11, 25), event_id=event)
    lunch = relations.log_interaction(
        uow(), person_ids=[tk], on=date(2026, 11, 1), summary="ランチ",
        follow_up_on=date(2026, 11, 20),
    )  # fmt: skip
    later = relations.log_interaction(
        uow(), person_ids=[tk], on=date(2026, 11, 1), summary="電話", follow_up_on=date(2026, 12, 1)
    )
    relations.log_interaction(
        uow(), person_ids=[tk], on=date(2026, 11, 1), summary="来月", follow_up_on=date(2027, 1, 5)
    )
    owed = relations.open_request(
        uow(), person_id=tk, side="theirs", what="資料を送る", asked_on=date(2026, 11, 1),
        due_on=date(2026, 11, 30),
    )  # fmt: skip
    asked = relations.open_request(
        uow(), person_id=sato, side="mine", what="紹介", asked_on=date(2026, 10, 1),
        due_on=date(2026, 10, 10),
    )  # fmt: skip
    relations.set_purpose(uow(), person_id=ito, category="mentor", goal="学ぶ", cadence_days=30)
    return Seed(tk, sato, ito, event, lunch, later, owed, asked)


def _agenda(app: App) -> followups.Agenda:
    return followups.list_followups(app.uow(), today=TODAY, now=NOW)


def test_every_source_comes_due_overdue_apart(app: App, seed: Seed) -> None:
    agenda = _agenda(app)
    assert [d.key for d in agenda.overdue] == [
        f"r{seed.asked}",
        f"i{seed.lunch}",
        f"p{seed.ito}",
    ]  # oldest first; 伊藤 was never contacted: due today, overdue
    assert [d.key for d in agenda.upcoming] == [
        f"e{seed.sato}",
        f"r{seed.owed}",
        f"i{seed.later}",
    ]  # the follow-up of January is not due this week
    assert agenda.counts == {"overdue": 3, "this_week": 3}
    lunch = agenda.overdue[1]
    assert (lunch.name, lunch.what, lunch.days, lunch.overdue) == ("高橋 健太", "ランチ", 6, True)
    event = agenda.upcoming[0]
    assert event.event_id == seed.event and event.what == "丸の内 交流会"


def test_done_ends_each_kind(app: App, seed: Seed) -> None:
    for key in (f"i{seed.lunch}", f"r{seed.asked}", f"p{seed.ito}", f"e{seed.sato}"):
        followups.complete_followup(app.uow(), key=key, today=TODAY)
    agenda = _agenda(app)
    assert [d.key for d in agenda.items()] == [f"r{seed.owed}", f"i{seed.later}"]
    with pytest.raises(NotFound):
        followups.complete_followup(app.uow(), key=f"r{seed.asked}", today=TODAY)  # closed
    for bad in ("x1", "i", "r99999999999999999999", "i0"):
        with pytest.raises(ValidationError):
            followups.complete_followup(app.uow(), key=bad, today=TODAY)


def test_snooze_and_reschedule(app: App, seed: Seed) -> None:
    to = followups.snooze_followup(app.uow(), key=str(seed.lunch), today=TODAY, days=1)
    assert to == date(2026, 11, 27)
    followups.snooze_followup(app.uow(), key=f"p{seed.ito}", today=TODAY, days=7)
    followups.snooze_followup(app.uow(), key=f"e{seed.sato}", today=TODAY, until=date(2026, 12, 10))
    followups.move_followup(app.uow(), key=f"r{seed.asked}", to=TODAY, today=TODAY)
    agenda = _agenda(app)
    assert agenda.overdue == []
    assert [d.key for d in agenda.upcoming] == [
        f"r{seed.asked}",
        f"i{seed.lunch}",
        f"r{seed.owed}",
        f"i{seed.later}",
    ]  # a snoozed person's event and cadence follow-ups wait
    with pytest.raises(ValidationError):
        followups.move_followup(app.uow(), key=f"i{seed.lunch}", to=date(2026, 11, 1), today=TODAY)
    with pytest.raises(ValidationError):
        followups.snooze_followup(app.uow(), key=f"i{seed.lunch}", today=TODAY)


def test_clear_is_recorded_and_can_be_undone(app: App, seed: Seed) -> None:
    found = followups.count_clearable(app.uow(), before=TODAY)
    assert (found.followups, found.requests) == (1, 1)
    done = followups.clear_followups(app.uow(), before=TODAY, today=TODAY, now=NOW)
    assert done.total == 2
    assert followups.last_cleared(app.uow()) == done
    keys = [d.key for d in _agenda(app).overdue]
    assert keys == [f"p{seed.ito}"]
    back = followups.undo_clear(app.uow())
    assert back == done
    assert len(_agenda(app).overdue) == 3
    assert followups.last_cleared(app.uow()) is None
    with pytest.raises(NotFound):
        followups.undo_clear(app.uow())
    with pytest.raises(ValidationError):
        followups.clear_followups(app.uow(), before=date(2026, 12, 1), today=TODAY, now=NOW)


def test_today_is_a_to_do_list(app: App, seed: Seed) -> None:
    t = show_today(app.uow(), today=TODAY, now=NOW)
    assert [m.person_id for m in t.just_met] == [seed.sato]
    assert t.agenda is not None and t.agenda.counts == {"overdue": 3, "this_week": 3}
    assert t.owed == []  # the request I owe is due this week: it is on the list above
    relations.open_request(
        app.uow(), person_id=seed.sato, side="theirs", what="日程調整", asked_on=TODAY
    )
    assert [r.what for r in show_today(app.uow(), today=TODAY, now=NOW).owed] == ["日程調整"]


def _run(app: App, *args: str, lang: str = "en") -> str:
    base = ["--db", app.settings.database_url, "--lang", lang, "--today", TODAY.isoformat()]
    result = runner.invoke(cli_app, [*base, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_due_lists_a_logged_follow_up(app: App, seed: Seed) -> None:
    data = json.loads(_run(app, "due", "--json"))
    keys = [f["id"] for f in data["followups"]]
    assert f"i{seed.lunch}" in keys and data["followup_counts"] == {"overdue": 3, "this_week": 3}
    out = _run(app, "due")
    assert "Overdue (3)" in out and "Due this week (3)" in out and "ランチ" in out
    ja = _run(app, "due", lang="ja")
    assert "期限切れ（3件）" in ja and "フォローアップ：ランチ" in ja


def test_followup_commands(app: App, seed: Seed) -> None:
    assert "Done: i" in _run(app, "followup", "done", f"i{seed.lunch}")
    assert "2026-12-03" in _run(app, "followup", "snooze", f"r{seed.asked}", "--days", "7")
    assert "2026-12-05" in _run(app, "followup", "reschedule", str(seed.later), "2026-12-05")
    listed = json.loads(_run(app, "followup", "list", "--json"))
    assert [d["id"] for d in listed["overdue"]] == [f"p{seed.ito}"]
    assert "Nothing due before" in _run(app, "followup", "clear", "--before", "2026-11-01")
    relations.log_interaction(
        app.uow(), person_ids=[seed.sato], on=date(2026, 11, 1), follow_up_on=date(2026, 11, 2)
    )
    asked = runner.invoke(
        cli_app,
        ["--db", app.settings.database_url, "--lang", "en", "--today", TODAY.isoformat(),
         "followup", "clear", "--before", "2026-11-10"],
        input="n\n",
    )  # fmt: skip
    assert "Clear 1 follow-ups and 0 request due dates" in asked.output
    assert "Nothing cleared." in asked.output
    assert "Cleared 1 follow-ups" in _run(
        app, "followup", "clear", "--before", "2026-11-10", "--yes"
    )
    assert "Put back 1 follow-ups" in _run(app, "followup", "undo-clear")
    bad = runner.invoke(cli_app, ["--db", app.settings.database_url, "followup", "done", "zz"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_snooze_until_a_date(app: App, seed: Seed) -> None:
    assert "2026-12-24" in _run(app, "snooze", str(seed.ito), "--until", "2026-12-24")
    assert f"p{seed.ito}" not in [d.key for d in _agenda(app).items()]


def test_met_at_an_event_takes_its_day(app: App, seed: Seed) -> None:
    _run(app, "met", str(seed.ito), "--event", str(seed.event))
    _run(app, "met", str(seed.takahashi), "--event", str(seed.event), "--date", "2026-11-26")
    shown = json.loads(_run(app, "show", str(seed.ito), "--json"))
    assert [e["date"] for e in shown["encounters"]] == ["2026-11-25"]
    shown = json.loads(_run(app, "show", str(seed.takahashi), "--json"))
    assert [e["date"] for e in shown["encounters"]] == ["2026-11-26"]


def test_a_cadence_runs_out_by_one_rule_everywhere(app: App, seed: Seed) -> None:
    """The agenda, the home page's reconnect list and the overdue list of `due` read the
    same last touch (the touch summary), so they agree on whom a purpose cadence left out."""
    from kinmyaku.services.insights import due_now

    def everywhere() -> tuple[bool, bool, bool]:
        agenda = {d.key for d in _agenda(app).items()}
        reconnect = {r.person_id for r in show_today(app.uow(), today=TODAY, now=NOW).reconnect}
        found = due_now(app.uow(), today=TODAY, now=NOW, limit=None, with_followups=False)
        purpose = {o.person.person_id for o in found.overdue if o.status.basis == "purpose"}
        ito = seed.ito
        return f"p{ito}" in agenda, ito in reconnect, ito in purpose

    assert everywhere() == (True, True, True)  # never touched
    relations.log_interaction(app.uow(), person_ids=[seed.ito], on=date(2026, 10, 1), summary="茶")
    assert everywhere() == (True, True, True)  # 56 days ago: past the 30-day cadence
    relations.log_interaction(app.uow(), person_ids=[seed.ito], on=date(2026, 11, 10), summary="会")
    assert everywhere() == (False, False, False)  # 16 days ago: within it
    item = next(
        r for r in show_today(app.uow(), today=date(2026, 12, 20), now=NOW).reconnect
        if r.person_id == seed.ito
    )  # fmt: skip
    assert (item.last_contact, item.days_over) == (date(2026, 11, 10), 10)


def test_ran_out_cadences_come_shortest_first_then_in_reading_order(app: App) -> None:
    """The cadence list is read one cadence at a time, shortest first, each in reading
    order (あいうえお順), and cut where the page is full."""
    from kinmyaku.domain.insights import DEFAULT_PARAMS
    from kinmyaku.services.insights_summary import ensure_touch_summary
    from kinmyaku.storage.followups import cadence_overdue
    from kinmyaku.storage.schema import touch_summary

    def person(family: str, reading: str, cadence: int) -> int:
        pid = add_person(
            app.uow(), PersonInput(family_name=family, given_name="一", family_reading=reading)
        )
        relations.set_purpose(
            app.uow(), person_id=pid, category="mentor", goal="", cadence_days=cadence
        )
        return pid

    aoki = person("青木", "あおき", 60)
    wada = person("和田", "わだ", 14)
    kato = person("加藤", "かとう", 14)
    sano = person("佐野", "さの", 30)
    ueda = person("上田", "うえだ", 14)
    relations.log_interaction(app.uow(), person_ids=[ueda], on=TODAY, summary="会った")
    ensure_touch_summary(app.uow(), today=TODAY, params=DEFAULT_PARAMS, parts=())

    def ran_out(limit: int) -> list[tuple[int, int]]:
        with app.uow() as conn:
            found = cadence_overdue(conn, touch_summary, today=TODAY, limit=limit)
        return [(c.person_id, c.cadence_days) for c in found]

    everyone = [(kato, 14), (wada, 14), (sano, 30), (aoki, 60)]  # 上田 was met today
    assert ran_out(10) == everyone
    assert ran_out(3) == everyone[:3]
    assert ran_out(1) == everyone[:1]


def test_due_overview_reads_what_the_three_separate_reads_give(app: App, seed: Seed) -> None:
    """`kinmyaku due` reads everything in one transaction after one look at the summary:
    the same overdue people, requests, overdue count and follow-ups as asked one by one."""
    from kinmyaku.services.insights import due_now, network_stats

    relations.log_interaction(app.uow(), person_ids=[seed.ito], on=date(2026, 10, 1), summary="茶")
    for limit in (1, 2, 50):
        overview = followups.due_overview(app.uow(), today=TODAY, now=NOW, limit=limit)
        alone = due_now(app.uow(), today=TODAY, now=NOW, limit=limit, with_followups=False)
        assert overview.due == alone
        assert overview.overdue_total == network_stats(app.uow(), today=TODAY).overdue
        agenda = followups.list_followups(app.uow(), today=TODAY, now=NOW, limit=limit)
        assert overview.agenda == agenda
    full = followups.due_overview(app.uow(), today=TODAY, now=NOW)
    # 伊藤's 30-day cadence ran out; 高橋 and 佐藤 were seen within the default cadence.
    assert full.overdue_total == 1
    assert [o.person.person_id for o in full.due.overdue] == [seed.ito]
    # 伊藤's cadence ran out on 10-31 (touched 10-01), before the lunch's follow-up (11-20).
    assert [d.key for d in full.agenda.overdue] == [
        f"r{seed.asked}",
        f"p{seed.ito}",
        f"i{seed.lunch}",
    ]
    assert full.due.requests_total == 2


def test_a_page_of_the_agenda_is_the_head_of_the_whole_agenda(app: App, seed: Seed) -> None:
    """Only the event follow-ups a page can show are named: the page is still exactly the
    head of the whole agenda, late and not late, with a snoozed person and a person met
    at two events counted once."""
    uow = app.uow
    party = events.add_event(uow(), name="異業種交流会", on=date(2026, 11, 20))
    met = []
    for k, (family, day) in enumerate(
        [("青木", 18), ("井上", 20), ("上野", 22), ("江藤", 24), ("大野", 25), ("加藤", 26)]
    ):
        pid = add_person(uow(), PersonInput(family_name=family, given_name=f"{k}郎"))
        relations.record_encounter(uow(), person_id=pid, on=date(2026, 11, day), event_id=party)
        met.append(pid)
    relations.record_encounter(uow(), person_id=met[0], on=date(2026, 11, 21), event_id=seed.event)
    followups.snooze_followup(app.uow(), key=f"e{met[2]}", days=3, today=TODAY)
    whole = followups.list_followups(uow(), today=TODAY, now=NOW, limit=50)
    events_whole = [d.key for d in whole.items() if d.source == "event"]
    assert f"e{met[2]}" not in events_whole and events_whole.count(f"e{met[0]}") == 1
    assert len(events_whole) == 6  # five met at the party (one snoozed) and 佐藤
    for limit in (1, 2, 3, 4):
        page = followups.list_followups(uow(), today=TODAY, now=NOW, limit=limit)
        assert page.overdue == whole.overdue[:limit]
        assert page.upcoming == whole.upcoming[:limit]


def test_many_overdue_never_hide_the_week_ahead(app: App, seed: Seed) -> None:
    """Each source reads its overdue items and its week ahead to the limit apart: with more
    overdue requests and logged follow-ups than a page holds, the ones due this week still
    show (they came after the limit's worth of older ones and were never read)."""
    uow = app.uow
    for n in range(6):
        relations.open_request(
            uow(), person_id=seed.ito, side="mine", what=f"古い依頼{n}",
            asked_on=date(2026, 9, 1), due_on=date(2026, 10, 1 + n),
        )  # fmt: skip
        relations.log_interaction(
            uow(), person_ids=[seed.ito], on=date(2026, 9, 1), summary=f"古い{n}",
            follow_up_on=date(2026, 10, 1 + n),
        )  # fmt: skip
    agenda = followups.list_followups(uow(), today=TODAY, now=NOW, limit=3)
    assert len(agenda.overdue) == 3 and all(d.overdue for d in agenda.overdue)
    assert [d.key for d in agenda.upcoming] == [
        f"e{seed.sato}",
        f"r{seed.owed}",
        f"i{seed.later}",
    ]
    assert agenda.counts["this_week"] == 3
    # The overdue list filled the page: a page says "3+", not "3".
    assert agenda.shown == {"overdue": "3+", "this_week": "3"}
    assert _agenda(app).shown == {"overdue": "15", "this_week": "3"}  # the default limit: all
