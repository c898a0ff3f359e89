"""The people list (search as you type, filters, sort, pages) and quick add."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services import events
from kinmyaku.services.people import PersonInput, add_person, show_person


def names(html: str) -> list[str]:
    """The names in a people list, in order."""
    return re.findall(r'<strong class="name">([^<]+)</strong>', html)


def test_people_list_is_in_aiueo_order(client: TestClient, core: App) -> None:
    for family, reading in (("渡辺", "わたなべ"), ("青木", "あおき"), ("佐藤", "さとう")):
        add_person(core.uow(), PersonInput(family_name=family, family_reading=reading))
    page = client.get("/people")
    assert page.status_code == 200
    assert names(page.text) == ["青木", "佐藤", "渡辺"]
    assert "3 人" in page.text


def test_search_finds_any_spelling_and_htmx_gets_only_results(
    client: TestClient, takahashi: int
) -> None:
    full = client.get("/people", params={"q": "タカハシ"})
    assert names(full.text) == ["高橋 健太"]
    assert "<html" in full.text
    partial = client.get("/people", params={"q": "takahashi"}, headers={"HX-Request": "true"})
    assert names(partial.text) == ["高橋 健太"]
    assert "<html" not in partial.text
    assert "<form" not in partial.text
    missing = client.get("/people", params={"q": "存在しない人"}, headers={"HX-Request": "true"})
    assert names(missing.text) == []
    assert "該当する人はいません" in missing.text


def test_history_restore_gets_the_whole_page(client: TestClient, takahashi: int) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get("/people?q=高橋", headers=headers).text


def test_filters_narrow_the_list(client: TestClient, network: dict[str, int]) -> None:
    assert names(client.get("/people?tag=ゴルフ").text) == ["高橋 健太"]
    assert names(client.get("/people?company=さくら").text) == ["佐藤 美咲"]
    assert names(client.get("/people?industry=finance").text) == ["佐藤 美咲"]
    assert names(client.get("/people?channel=introduction").text) == ["伊藤 翔"]
    event = network["event"]
    assert sorted(names(client.get(f"/people?event={event}").text)) == ["佐藤 美咲", "高橋 健太"]
    assert names(client.get("/people?tag=ゴルフ&q=さとう").text) == []
    # Unknown values are ignored rather than failing.
    assert len(names(client.get("/people?industry=nope&channel=x&sort=y&page=z").text)) == 3


def test_sort_by_last_contact_puts_recent_touches_first(
    client: TestClient, network: dict[str, int]
) -> None:
    order = names(client.get("/people?sort=last_contact").text)
    assert order[0] == "伊藤 翔"  # met on 2024-03-10, the latest touch
    assert order[1] == "高橋 健太"  # lunch on 2024-03-05


def test_pages_link_to_each_other(client: TestClient, core: App) -> None:
    for i in range(55):
        add_person(core.uow(), PersonInput(family_name=f"山田{i:02d}", family_reading="やまだ"))
    first = client.get("/people")
    assert len(names(first.text)) == 50
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    second = client.get("/people?page=2")
    assert len(names(second.text)) == 5
    assert 'rel="prev"' in second.text
    assert "2 / 2 ページ" in second.text


def test_quick_add_records_person_and_how_we_met(client: TestClient, core: App, csrf: str) -> None:
    event_id = events.add_event(core.uow(), name="勉強会", on=core.today(), kind="study")
    form = client.get("/people/new")
    assert 'capture="environment"' in form.text and 'accept="image/*"' in form.text
    assert f'<option value="{event_id}" selected>' in form.text  # today's event pre-selected
    saved = client.post(
        "/people",
        data={
            "csrf_token": csrf,
            "family_name": "中村",
            "given_name": "優",
            "family_reading": "なかむら",
            "given_reading": "ゆう",
            "company": "株式会社ひかり",
            "title": "営業",
            "event": str(event_id),
            "memory_cue": "京都出身、ラーメン好き",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    person_id = int(saved.headers["location"].split("=")[1])
    profile = show_person(core.uow(), person_id)
    assert profile.summary.name == "中村 優"
    assert profile.summary.company == "株式会社ひかり"
    assert profile.encounters[0]["event_id"] == event_id
    assert profile.encounters[0]["channel"] == "event"
    assert profile.encounters[0]["memory_cue"] == "京都出身、ラーメン好き"
    after = client.get(saved.headers["location"])
    assert "中村 優さんを追加しました" in after.text


def test_quick_add_errors_rerender_the_form_in_the_users_language(
    client: TestClient, core: App, csrf: str
) -> None:
    bad = client.post(
        "/people",
        data={"csrf_token": csrf, "family_name": "", "given_name": "太郎", "memory_cue": "眼鏡"},
    )
    assert bad.status_code == 422
    assert 'id="f-family_name"' in bad.text and 'aria-invalid="true"' in bad.text
    assert "「姓」" in bad.text  # the message names the field in Japanese
    assert 'value="太郎"' in bad.text and "眼鏡" in bad.text  # what was typed is kept
    kana = client.post(
        "/people",
        data={"csrf_token": csrf, "family_name": "林", "family_reading": "hayashi"},
        headers={"Accept-Language": "en"},
        cookies={"kinmyaku_lang": "en"},
    )
    assert kana.status_code == 422
    assert "must be written in kana" in kana.text
    assert client.get("/api/people").json()["total"] == 0  # nothing half-saved


def test_quick_add_rolls_back_the_person_when_the_photo_is_bad(
    client: TestClient, csrf: str
) -> None:
    bad = client.post(
        "/people",
        data={"csrf_token": csrf, "family_name": "森"},
        files={"photo": ("x.jpg", b"not an image at all", "image/jpeg")},
    )
    assert bad.status_code == 422
    assert "写真のファイル" in bad.text
    assert client.get("/api/people").json()["total"] == 0


def test_filter_fields_load_when_opened_unless_a_filter_is_set(
    client: TestClient, core: App, takahashi: int
) -> None:
    events.add_event(core.uow(), name="品川 勉強会", on=date(2024, 3, 1))
    plain = client.get("/people", params={"q": "たかはし"}).text
    assert 'id="f-industry"' not in plain  # no event list built for a plain search
    assert 'hx-get="/people/filters"' in plain
    assert 'href="/people?q=%E3%81%9F%E3%81%8B%E3%81%AF%E3%81%97&amp;filters=1"' in plain
    fields = client.get("/people/filters", headers={"HX-Request": "true"}).text
    assert fields.startswith('<div class="grid" id="people-filters">')
    assert 'id="f-industry"' in fields and "品川 勉強会" in fields
    assert "<html" not in fields
    asked = client.get("/people", params={"q": "たかはし", "filters": "1"}).text
    assert '<details class="filters" open>' in asked and 'id="f-event"' in asked
    filtered = client.get("/people", params={"industry": "it"}).text
    assert '<details class="filters" open>' in filtered
    assert '<option value="it" selected>' in filtered
