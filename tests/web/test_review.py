"""The review pages: /review with inline SVG charts, the follow-up queue, the recall drill."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services.events import add_event
from kinmyaku.services.insights_people import set_my_profile
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import record_encounter, record_exchange
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_review

TODAY = date(2026, 11, 26)


def make_web(core: App) -> FastAPI:
    web = create_app(core)
    if not any(getattr(r, "path", "") == "/review" for r in web.routes):
        web.include_router(pages_review.router)  # until the lead lists the module
    return web


@pytest.fixture
def client(sqlite_app: App) -> Iterator[TestClient]:
    sato = add_person(
        sqlite_app.uow(),
        PersonInput(
            family_name="佐藤",
            given_name="健",
            family_reading="さとう",
            company="アルファ株式会社",
            industry="it",
        ),
    )
    event = add_event(sqlite_app.uow(), name="異業種交流会 渋谷", on=date(2026, 11, 25))
    record_encounter(
        sqlite_app.uow(),
        person_id=sato,
        on=date(2026, 11, 25),
        channel="event",
        event_id=event,
        memory_cue="登山好き",
    )
    for on, direction in (("2026-10-01", "gave"), ("2026-06-01", "received")):
        record_exchange(
            sqlite_app.uow(),
            person_id=sato,
            on=date.fromisoformat(on),
            direction=direction,
            kind="help",
        )
    set_my_profile(sqlite_app.uow(), name="山本 大輔")
    with TestClient(make_web(sqlite_app), base_url="http://127.0.0.1") as test_client:
        yield test_client


def test_review_page_has_charts_and_explanations(client: TestClient) -> None:
    client.cookies.set("kinmyaku_lang", "en")
    page = client.get("/review")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") == 4
    assert 'viewBox="0 0 320' in html
    assert "Two-way: " not in html  # per-person texts belong to the person page
    assert "You gave 1, received 1 in 12 months (weight 1 vs 1)" in html
    assert "/static/css/review.css" in html
    # Local only: no external script, stylesheet or font.
    assert not re.search(r'(src|href)="https?://', html)
    assert "<script" not in html.split("</head>")[1]


def test_review_page_in_japanese(client: TestClient) -> None:
    client.cookies.set("kinmyaku_lang", "ja")
    html = client.get("/review").text
    assert "双方向の関係（北極星）" in html
    assert "直近12か月でギブ1回・テイク1回" in html


def test_followups_page_offers_a_thank_you_draft(client: TestClient) -> None:
    client.cookies.set("kinmyaku_lang", "ja")
    html = client.get("/review/followups").text
    assert "【御礼】異業種交流会 渋谷でのご挨拶" in html
    assert "佐藤 健 様" in html


def test_drill_answer_is_graded(client: TestClient) -> None:
    client.cookies.set("kinmyaku_lang", "en")
    page = client.get("/review/drill")
    assert "登山好き" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    answered = client.post(
        "/review/drill",
        data={
            "csrf_token": csrf.group(1),
            "person_id": "1",
            "name": "さとう",
            "company": "アルファ",
            "place": "渋谷",
        },
    )
    assert answered.status_code == 200
    assert "Quality 5 of 5." in answered.text
    assert "Next review on 2026-11-27" in answered.text


def test_review_page_on_a_larger_network(sqlite_app: App) -> None:
    build_sample_network(sqlite_app.uow(), people_count=300, interaction_count=3000, today=TODAY)
    with TestClient(make_web(sqlite_app), base_url="http://127.0.0.1") as c:
        page = c.get("/review")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4
    assert page.text.count("<rect") > 12
