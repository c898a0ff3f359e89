"""Today as a to-do list and the follow-up actions on the web (htmx fragments, forms)."""

from __future__ import annotations

from datetime import date, datetime, time

from fastapi.testclient import TestClient
from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.services import followups, relations
from kinmyaku.storage.schema import encounters

HX = {"HX-Request": "true"}


def test_today_shows_overdue_apart_from_this_week_with_counts(
    client: TestClient, network: dict[str, int]
) -> None:
    page = client.get("/", headers={"Accept-Language": "en"}).text
    main = page.split("<main")[1]
    # 高橋's lunch follow-up (3/14) is overdue; 佐藤's request (3/20) is due this week.
    overdue = main.split('id="h-overdue"')[1].split('id="h-week"')[0]
    week = main.split('id="h-week"')[1].split('id="h-owed"')[0]
    assert "高橋 健太" in overdue and "ランチ" in overdue and "1 day overdue" in overdue
    assert 'id="n-overdue" class="n">1<' in overdue
    assert "エンジニアを紹介してほしい" in week and "in 5 days" in week
    assert "Requests due this week are listed above." in main
    # A search box comes first, and people met in the last 48 hours before the follow-ups.
    assert main.index('action="/people"') < main.index('id="h-met"') < main.index('id="h-overdue"')
    assert f"/people/{network['takahashi']}/thanks?" in overdue


def test_just_met_comes_first(client: TestClient, core: App, network: dict[str, int]) -> None:
    relations.record_encounter(
        core.uow(), person_id=network["ito"], on=date(2024, 3, 14), memory_cue="赤いメガネ"
    )
    page = client.get("/", headers={"Accept-Language": "en"}).text
    met = page.split('id="h-met"')[1].split('id="h-overdue"')[0]
    assert "伊藤 翔" in met and "赤いメガネ" in met and 'class="n">1<' in met


def test_done_returns_a_fragment_with_new_counts(
    client: TestClient, csrf: str, core: App, network: dict[str, int]
) -> None:
    agenda = followups.list_followups(core.uow(), today=core.today(), now=_noon(core))
    key = next(d.key for d in agenda.overdue if d.source == "logged")
    answer = client.post(
        f"/followups/{key}/done", data={"csrf_token": csrf}, headers={**HX, "Accept-Language": "en"}
    )
    assert answer.status_code == 200
    assert f'id="fu-{key}"' in answer.text and "Marked as done" in answer.text
    assert 'id="n-overdue" class="n" hx-swap-oob="true">0<' in answer.text
    assert "ランチ" not in client.get("/").text.split('id="h-overdue"')[1].split('id="h-week"')[0]


def test_snooze_and_reschedule_move_the_row(
    client: TestClient, csrf: str, core: App, network: dict[str, int]
) -> None:
    agenda = followups.list_followups(core.uow(), today=core.today(), now=_noon(core))
    logged = next(d.key for d in agenda.overdue if d.source == "logged")
    request = next(d.key for d in agenda.upcoming if d.source == "request")
    snoozed = client.post(
        f"/followups/{logged}/snooze",
        data={"csrf_token": csrf, "days": "7"},
        headers={**HX, "Accept-Language": "en"},
    )
    assert "Snoozed until Mar 22, 2024" in snoozed.text
    assert 'id="n-overdue" class="n" hx-swap-oob="true">0<' in snoozed.text
    moved = client.post(
        f"/followups/{request}/reschedule",
        data={"csrf_token": csrf, "on": "2024-03-30"},
        headers=HX,
    )
    assert moved.status_code == 200 and "2024年3月30日" in moved.text
    after = followups.list_followups(core.uow(), today=core.today(), now=_noon(core))
    assert logged not in [d.key for d in after.overdue]
    assert request not in [d.key for d in after.items()]


def test_bad_date_is_an_error_in_the_row(
    client: TestClient, csrf: str, core: App, network: dict[str, int]
) -> None:
    answer = client.post(
        "/followups/i999/snooze", data={"csrf_token": csrf, "days": "1"}, headers=HX
    )
    assert answer.status_code == 422 and 'role="alert"' in answer.text
    past = client.post(
        "/followups/r1/reschedule", data={"csrf_token": csrf, "on": "2024-01-01"}, headers=HX
    )
    assert past.status_code == 422


def test_plain_form_post_goes_back(client: TestClient, csrf: str, network: dict[str, int]) -> None:
    answer = client.post(
        "/followups/r1/snooze",
        data={"csrf_token": csrf, "days": "1", "next": "/followups"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/followups"


def test_bulk_clear_confirms_then_can_be_undone(
    client: TestClient, csrf: str, core: App, network: dict[str, int]
) -> None:
    ask = client.post(
        "/followups/clear",
        data={"csrf_token": csrf, "before": "2024-03-15"},
        headers={"Accept-Language": "en"},
    )
    assert ask.status_code == 200 and "Mark 1 follow-ups done" in ask.text
    assert 'name="confirm" value="1"' in ask.text
    # Nothing changed yet.
    assert followups.list_followups(core.uow(), today=core.today(), now=_noon(core)).overdue
    done = client.post(
        "/followups/clear",
        data={"csrf_token": csrf, "before": "2024-03-15", "confirm": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get("/followups?cleared=1", headers={"Accept-Language": "en"}).text
    assert "Cleared 1 follow-ups and 0 request due dates" in page and "Undo the clear" in page
    agenda = followups.list_followups(core.uow(), today=core.today(), now=_noon(core))
    assert not [d for d in agenda.overdue if d.source == "logged"]
    client.post("/followups/undo-clear", data={"csrf_token": csrf})
    agenda = followups.list_followups(core.uow(), today=core.today(), now=_noon(core))
    assert [d.source for d in agenda.overdue if d.source == "logged"] == ["logged"]


def test_actions_need_the_csrf_token(client: TestClient, network: dict[str, int]) -> None:
    assert client.post("/followups/r1/done").status_code == 403
    assert client.post("/followups/clear", data={"before": "2024-03-01"}).status_code == 403


def test_met_with_an_event_takes_the_event_day(
    client: TestClient, csrf: str, core: App, network: dict[str, int]
) -> None:
    pid = network["ito"]
    client.post(
        f"/people/{pid}/encounters",
        data={"csrf_token": csrf, "event": str(network["event"]), "channel": "event"},
    )
    with core.uow() as conn:
        days = set(
            conn.execute(
                select(encounters.c.date).where(
                    encounters.c.person_id == pid, encounters.c.event_id == network["event"]
                )
            ).scalars()
        )
    assert days == {date(2024, 3, 1)}


def _noon(core: App) -> datetime:
    return datetime.combine(core.today(), time(12))


def test_followups_page_and_the_review_list_every_source(
    client: TestClient, network: dict[str, int]
) -> None:
    for path in ("/followups", "/review/followups"):
        page = client.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 200
        overdue = page.text.split('id="h-overdue"')[1].split('id="h-week"')[0]
        assert "ランチ" in overdue and "Done" in overdue and "Pick a date" in overdue
        assert "エンジニアを紹介してほしい" in page.text.split('id="h-week"')[1]
    japanese = client.get("/followups").text
    assert "期限切れ" in japanese and "まとめて完了" in japanese
