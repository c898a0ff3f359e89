"""Home (today), events, requests, settings, and the language of every page."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services import events, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.today import show_today


def test_home_lists_what_is_due(client: TestClient, network: dict[str, int]) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = page.text
    assert "期限が近いフォローアップ" in text and "ランチ" in text  # follow-up due 3/14 (overdue)
    assert 'class="overdue"' in text
    assert "エンジニアを紹介してほしい" in text  # request due 3/20, within a week
    assert "2024年3月15日" in text  # today in Japanese


def test_today_read_model(core: App, network: dict[str, int]) -> None:
    today = show_today(core.uow(), today=date(2024, 3, 15))
    assert [f.person_id for f in today.follow_ups] == [network["takahashi"]]
    assert today.follow_ups[0].overdue
    assert [r.person_id for r in today.requests] == [network["sato"]]
    # Met in the last 30 days with no touch since: 佐藤 (event) and 伊藤 (introduction);
    # 高橋 had lunch after the event.
    assert {n.person_id for n in today.new_contacts} == {network["sato"], network["ito"]}
    relations.set_purpose(core.uow(), person_id=network["ito"], category="peer", cadence_days=3)
    later = show_today(core.uow(), today=date(2024, 3, 20))
    assert [r.person_id for r in later.reconnect] == [network["ito"]]
    assert later.reconnect[0].days_over == 7  # last touch 3/10, every 3 days


def test_events_list_add_and_page(
    client: TestClient, core: App, csrf: str, network: dict[str, int]
) -> None:
    listing = client.get("/events")
    assert "渋谷 異業種交流会" in listing.text and "2人と出会った" in listing.text
    bad = client.post("/events", data={"csrf_token": csrf, "name": "", "goal_count": "-1"})
    assert bad.status_code == 422 and 'id="e-name"' in bad.text
    added = client.post(
        "/events",
        data={"csrf_token": csrf, "name": "Python勉強会", "on": "2024-03-15", "kind": "study",
              "goal_count": "3", "goal": "登壇者と話す"},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303
    page = client.get(f"/events/{network['event']}")
    assert page.status_code == 200
    text = page.text
    assert "3人と話す" in text and "2人と出会った" in text and "目標 4人" in text
    assert '<meter min="0" max="100" value="50"' in text
    assert "2人中1人にフォロー済み" in text  # 高橋 had lunch after the event
    assert "未対応" in text  # 佐藤 not followed up yet
    assert client.get("/events/999").status_code == 404


def test_requests_page_filters_and_moves(
    client: TestClient, core: App, csrf: str, network: dict[str, int]
) -> None:
    relations.open_request(
        core.uow(), person_id=network["ito"], side="mine", what="資金調達の相談",
        asked_on=date(2024, 3, 11),
    )  # fmt: skip
    page = client.get("/requests")
    assert "エンジニアを紹介してほしい" in page.text and "資金調達の相談" in page.text
    mine = client.get("/requests?side=mine")
    assert "資金調達の相談" in mine.text and "エンジニアを紹介してほしい" not in mine.text
    request_id = int(page.text.split('id="request-')[1].split('"')[0])
    moved = client.post(
        f"/requests/{request_id}",
        data={"csrf_token": csrf, "status": "done"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200 and moved.text.lstrip().startswith("<li")
    active = client.get("/api/requests?status=active").json()["requests"]
    assert request_id not in [r["id"] for r in active]
    bad = client.post(f"/requests/{request_id}", data={"csrf_token": csrf, "status": "lost"})
    assert bad.status_code == 422 and "lost" in bad.text


def test_settings_hides_the_database_password(client: TestClient, core: App) -> None:
    from kinmyaku.web.routes.pages_settings import backup_command, safe_url

    page = client.get("/settings")
    assert page.status_code == 200
    assert "sqlite:///" in page.text and "kinmyaku" in page.text
    url = "postgresql+psycopg://me:s3cret@db.example/kinmyaku"
    assert "s3cret" not in safe_url(url) and "***" in safe_url(url)
    assert "s3cret" not in backup_command(url)
    assert "export --format json" in page.text or ".backup" in page.text
    assert "https://" not in page.text.split("<main")[1].split("</main>")[0]


def test_language_from_accept_language_then_cookie(client: TestClient, csrf: str) -> None:
    assert '<html lang="ja">' in client.get("/").text
    english = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9,ja;q=0.5"})
    assert '<html lang="en">' in english.text and "Follow-ups due" in english.text
    assert "Mar 15, 2024" in english.text
    japanese = client.get("/", headers={"Accept-Language": "fr, ja;q=0.3"})
    assert '<html lang="ja">' in japanese.text
    switched = client.post(
        "/language", data={"csrf_token": csrf, "lang": "en", "next": "/people?q=a"},
        follow_redirects=False,
    )  # fmt: skip
    assert switched.headers["location"] == "/people?q=a"
    assert "kinmyaku_lang=en" in switched.headers["set-cookie"]
    remembered = client.get("/", headers={"Accept-Language": "ja"})
    assert '<html lang="en">' in remembered.text


def test_names_family_first_in_both_languages(client: TestClient, core: App) -> None:
    person = add_person(
        core.uow(), PersonInput(family_name="山本", given_name="花子", family_reading="やまもと")
    )
    foreign = add_person(core.uow(), PersonInput(family_name="Smith", given_name="John"))
    events.add_event(core.uow(), name="x", on=date(2024, 1, 1))
    assert "山本 花子" in client.get(f"/people/{person}").text
    english = client.get(f"/people/{person}", cookies={"kinmyaku_lang": "en"}).text
    assert "山本 花子" in english
    assert "John Smith" in client.get(f"/people/{foreign}").text
