"""The thank-you draft page (/people/{id}/thanks), its "sent" action, and My profile in Settings."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import unquote

from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services import events, relations
from kinmyaku.services.insights_people import my_profile
from kinmyaku.services.people import PersonInput, add_person, show_person

MET = date(2024, 3, 13)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _takada(core: App) -> int:
    pid = add_person(
        core.uow(),
        PersonInput(
            family_name="高田",
            given_name="真央",
            family_reading="たかだ",
            given_reading="まお",
            company="株式会社サンプル",
            department="営業部",
            title="部長",
            emails=["mao@example.co.jp"],
        ),
    )
    event = events.add_event(core.uow(), name="FinTech読書会", on=MET)
    relations.record_encounter(
        core.uow(), person_id=pid, on=MET, channel="event", event_id=event, memory_cue="赤いメガネ"
    )
    return pid


def _body(page: str) -> str:
    found = re.search(r'<textarea id="t-body"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def test_profile_saved_in_settings_signs_the_draft(client: TestClient, core: App) -> None:
    pid = _takada(core)
    settings = client.get("/settings").text
    assert 'id="h-profile"' in settings and 'action="/settings/profile"' in settings
    assert 'maxlength="1000"' in settings  # the signature's limit
    saved = client.post(
        "/settings/profile",
        data={
            "csrf_token": _csrf(settings),
            "name": "山田 太郎",
            "reading": "やまだ たろう",
            "organization": "株式会社ヤマダ",
            "title": "営業部 課長",
            "email": "taro@example.jp",
            "signature": "",
            "name_en": "Taro Yamada",
            "organization_en": "Yamada Inc.",
            "offers": "",
            "needs": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert my_profile(core.uow()).title == "営業部 課長"
    page = client.get(f"/people/{pid}/thanks")
    assert page.status_code == 200
    body = _body(page.text)
    assert body.startswith("株式会社サンプル\n営業部 部長\n高田 真央 様\n")
    assert "3月13日のFinTech読書会では" in body
    assert "山田 太郎（やまだ たろう）\n株式会社ヤマダ 営業部 課長\nE-mail: taro@example.jp" in body
    assert "（）" not in page.text and "2024-03-13" not in page.text
    assert "赤いメガネ" in page.text and "赤いメガネ" not in body  # a reminder, not sent
    assert '<script src="/static/js/thanks.js" defer></script>' in page.text
    mailto = re.search(r'id="mailto" href="([^"]+)"', page.text)
    assert mailto
    link = html.unescape(mailto.group(1))
    assert link.startswith("mailto:mao@example.co.jp?subject=%E3%80%90")
    assert " " not in link and "\n" not in link
    assert unquote(link.split("&body=")[1]) == body.replace("\n", "\r\n")


def test_profile_errors_are_all_shown(client: TestClient, core: App) -> None:
    page = client.get("/settings").text
    answer = client.post(
        "/settings/profile",
        data={
            "csrf_token": _csrf(page),
            "reading": "あ" * 101,
            "email": "not an address",
            "signature": "x" * 1001,
        },
    )
    assert answer.status_code == 422
    text = answer.text
    assert text.count('class="error"') == 3
    assert my_profile(core.uow()).email == ""


def test_language_follows_the_contact_not_the_interface(client: TestClient, core: App) -> None:
    pid = _takada(core)
    smith = add_person(core.uow(), PersonInput(family_name="Smith", given_name="John"))
    relations.record_encounter(core.uow(), person_id=smith, on=MET, channel="event")
    client.cookies.set("kinmyaku_lang", "en")
    japanese = _body(client.get(f"/people/{pid}/thanks").text)
    assert "高田 真央 様" in japanese and "Dear" not in japanese
    english = _body(client.get(f"/people/{smith}/thanks").text)
    assert english.startswith("Dear John,\n")
    assert "on March 13." in english
    switched = _body(client.get(f"/people/{pid}/thanks?language=en&topic=hiring").text)
    assert switched.startswith("Dear Mao Takada,\n")
    assert "I especially enjoyed our conversation about hiring." in switched


def test_no_meeting_and_no_profile_still_reads_whole(client: TestClient, core: App) -> None:
    pid = add_person(core.uow(), PersonInput(family_name="鈴木"))
    page = client.get(f"/people/{pid}/thanks").text
    body = _body(page)
    assert "先日はお時間をいただき、誠にありがとうございました。" in body
    assert 'href="/settings/profile"' in page  # the page says how to sign it
    assert "None" not in body and "（）" not in body


def test_sent_logs_a_thank_you_and_goes_back(client: TestClient, core: App) -> None:
    pid = _takada(core)
    page = client.get(f"/people/{pid}/thanks?next=/").text
    answer = client.post(
        f"/people/{pid}/thanks/sent",
        data={"csrf_token": _csrf(page), "kind": "email", "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    [touch] = show_person(core.uow(), pid).interactions
    assert (touch["kind"], touch["summary"]) == ("email", "お礼")
    back = client.post(
        f"/people/{pid}/thanks/sent",
        data={"csrf_token": _csrf(page), "kind": "message"},
        follow_redirects=False,
    )
    assert back.headers["location"] == f"/people/{pid}"
    outside = client.post(
        f"/people/{pid}/thanks/sent",
        data={"csrf_token": _csrf(page), "kind": "email", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert outside.headers["location"] == f"/people/{pid}"


def test_sent_needs_the_csrf_token(client: TestClient, core: App) -> None:
    pid = _takada(core)
    refused = client.post(f"/people/{pid}/thanks/sent", data={"kind": "email"})
    assert refused.status_code == 403
    assert show_person(core.uow(), pid).interactions == []


def test_unknown_person_is_404(client: TestClient) -> None:
    assert client.get("/people/999/thanks").status_code == 404


def test_the_person_page_links_to_the_draft(client: TestClient, core: App) -> None:
    pid = _takada(core)
    page = client.get(f"/people/{pid}").text
    assert f'href="/people/{pid}/thanks"' in page
    assert client.get("/settings/profile").status_code == 200
    assert client.head(f"/people/{pid}/thanks").status_code == 200
