"""The export page: downloads with the right headers, and the secret, revocable calendar URL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services import auth, calendar_token, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web import routes
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_export

BASE = "http://127.0.0.1"
DAY = "2026-11-26"  # the sqlite_app fixture pins today


def build_web(core: App) -> FastAPI:
    """The web app with the export pages (added here until routes lists them)."""
    web = create_app(core)
    if pages_export.router not in routes.routers():
        web.include_router(pages_export.router)
    return web


@pytest.fixture
def core(sqlite_app: App) -> App:
    """The app with one person who has a birthday and a follow-up."""
    pid = add_person(
        sqlite_app.uow(),
        PersonInput(family_name="高橋", given_name="健太", family_reading="たかはし",
                    given_reading="けんた", company="株式会社みらい",
                    emails=["kenta@example.jp"], birthday=date(1990, 5, 1)),
    )  # fmt: skip
    relations.log_interaction(
        sqlite_app.uow(), person_ids=[pid], on=date(2026, 11, 20), summary="ランチ",
        follow_up_on=date(2026, 11, 30),
    )  # fmt: skip
    return sqlite_app


@pytest.fixture
def client(core: App) -> Iterator[TestClient]:
    """A browser-like client of the web app."""
    with TestClient(build_web(core), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session."""
    return str(client.get("/api/session").json()["csrf_token"])


def feed_url(page: str) -> str:
    """The calendar URL the export page shows."""
    found = re.search(r'id="f-calendar-url" type="text" readonly value="([^"]+)"', page)
    assert found, "no calendar URL on the page"
    return found.group(1)


def test_the_page_links_every_download(client: TestClient) -> None:
    page = client.get("/export").text
    for fmt in ("vcard", "csv", "json", "ical"):
        assert f'href="/export/{fmt}"' in page
    assert "The calendar address is off." in page


@pytest.mark.parametrize(
    ("fmt", "media_type", "filename", "start"),
    [
        ("vcard", "text/vcard; charset=utf-8", f"kinmyaku-{DAY}.vcf", b"BEGIN:VCARD\r\n"),
        ("csv", "text/csv; charset=utf-8", f"kinmyaku-{DAY}.csv", b"\xef\xbb\xbf"),
        ("json", "application/json", f"kinmyaku-backup-{DAY}.json", b'{"format": "kinmyaku-'),
        ("ical", "text/calendar; charset=utf-8", f"kinmyaku-{DAY}.ics", b"BEGIN:VCALENDAR"),
    ],
)  # fmt: skip
def test_downloads(
    client: TestClient, fmt: str, media_type: str, filename: str, start: bytes
) -> None:
    response = client.get(f"/export/{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(start)
    text = response.content.decode("utf-8-sig")
    if fmt == "json":
        backup = json.loads(text)
        assert backup["tables"]["people"]["rows"]
    elif fmt == "ical":
        assert "フォローアップ" not in text  # English: the client asked for no language
        assert "Follow up: 高橋 健太" in text
        assert "Birthday: 高橋 健太" in text
    else:
        assert "VERSION:4.0" in text or fmt == "csv"
        assert "高橋" in text
        assert "kenta@example.jp" in text


def test_csv_headers_follow_the_language(client: TestClient) -> None:
    client.cookies.set("kinmyaku_lang", "ja")
    text = client.get("/export/csv").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("姓")
    calendar = client.get("/export/ical").text
    assert "誕生日: 高橋 健太" in calendar


def test_an_unknown_download_is_not_found(client: TestClient) -> None:
    assert client.get("/export/xlsx").status_code == 404


def test_calendar_url_right_wrong_regenerated_revoked(
    client: TestClient, csrf: str, core: App
) -> None:
    made = client.post("/export/calendar", data={"csrf_token": csrf, "action": "create"},
                       follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    assert made.headers["location"] == "/export#calendar"
    url = feed_url(client.get("/export").text)
    token = calendar_token.get_calendar_token(core.uow())
    assert token is not None and len(token) >= 43
    assert url == f"{BASE}/calendar/{token}.ics"
    with TestClient(client.app, base_url=BASE) as app_client:  # no session: a calendar app
        feed = app_client.get(url)
        assert feed.status_code == 200
        assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
        assert feed.content.startswith(b"BEGIN:VCALENDAR")
        assert "Follow up: 高橋 健太" in feed.text
        assert app_client.get(f"/calendar/{token[:-1]}x.ics").status_code == 404
        assert app_client.get("/calendar/%E9%87%91.ics").status_code == 404
        assert app_client.get(f"/calendar/{token}").status_code == 404

        client.post("/export/calendar", data={"csrf_token": csrf, "action": "create"})
        new_url = feed_url(client.get("/export").text)
        assert new_url != url
        assert app_client.get(url).status_code == 404  # the old address stopped working
        assert app_client.get(new_url).status_code == 200

        client.post("/export/calendar", data={"csrf_token": csrf, "action": "revoke"})
        assert calendar_token.get_calendar_token(core.uow()) is None
        assert app_client.get(new_url).status_code == 404
    assert "The calendar address is off." in client.get("/export").text


def test_calendar_changes_need_the_csrf_token(client: TestClient, core: App) -> None:
    assert client.post("/export/calendar", data={"action": "create"}).status_code == 403
    assert calendar_token.get_calendar_token(core.uow()) is None
    token = calendar_token.create_calendar_token(core.uow())
    forged = {"action": "revoke", "csrf_token": "forged"}
    assert client.post("/export/calendar", data=forged).status_code == 403
    assert calendar_token.get_calendar_token(core.uow()) == token


def test_the_token_service(core: App) -> None:
    uow = core.uow
    assert calendar_token.check_calendar_token(uow(), token="") is False
    first = calendar_token.create_calendar_token(uow())
    assert calendar_token.check_calendar_token(uow(), token=first)
    assert not calendar_token.check_calendar_token(uow(), token=first + "x")
    assert not calendar_token.check_calendar_token(uow(), token="金" * 43)
    second = calendar_token.create_calendar_token(uow())
    assert second != first
    assert not calendar_token.check_calendar_token(uow(), token=first)
    calendar_token.revoke_calendar_token(uow())
    assert not calendar_token.check_calendar_token(uow(), token=second)


def test_the_feed_works_without_logging_in_when_a_password_is_set(core: App) -> None:
    token = calendar_token.create_calendar_token(core.uow())
    auth.set_password(core.uow(), password="correct horse battery")
    with TestClient(build_web(core), base_url=BASE) as anonymous:
        assert anonymous.get("/export", follow_redirects=False).status_code == 303
        feed = anonymous.get(f"/calendar/{token}.ics", follow_redirects=False)
        assert feed.status_code == 200
        assert feed.content.startswith(b"BEGIN:VCALENDAR")
        assert anonymous.get(f"/calendar/{token[:-1]}x.ics").status_code == 404
