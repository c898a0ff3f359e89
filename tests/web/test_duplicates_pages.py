"""The duplicates page (merge with a choice of values, undo, different people), its JSON API,
the count on Today and in the review, and the warning before an add or an edit."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import NotFound
from kinmyaku.services import events, relations
from kinmyaku.services import people as people_svc
from kinmyaku.services.identity import merging
from kinmyaku.services.identity.review import check_edited_person, duplicate_pairs
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.duplicate_count import DuplicateCount, data_version

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pair(core: App) -> dict[str, int]:
    """高橋 健太 and 髙橋 健太 (one mobile, different nicknames), and an unrelated person."""
    uow = core.uow
    kenta = add_person(
        uow(),
        PersonInput(family_name="高橋", given_name="健太", family_reading="たかはし",
                    given_reading="けんた", company="株式会社サンプル", title="営業",
                    phones=["090-1234-5678"], emails=["kenta@example.jp"], nickname="ケン"),
    )  # fmt: skip
    variant = add_person(
        uow(),
        PersonInput(family_name="髙橋", given_name="健太", company="サンプル",
                    phones=["09012345678"], nickname="けんちゃん", notes="LinkedIn から"),
    )  # fmt: skip
    other = add_person(uow(), PersonInput(family_name="伊藤", given_name="翔"))
    return {"kenta": kenta, "variant": variant, "other": other}


def exists(core: App, person_id: int) -> bool:
    """True while the person is stored."""
    try:
        people_svc.show_person(core.uow(), person_id)
    except NotFound:
        return False
    return True


def test_the_page_shows_the_pair_side_by_side(client: TestClient, pair: dict[str, int]) -> None:
    page = client.get("/duplicates")
    assert page.status_code == 200
    html = page.text
    assert "高橋 健太" in html and "髙橋 健太" in html
    assert f'href="/people/{pair["kenta"]}"' in html and f'href="/people/{pair["variant"]}"' in html
    assert "ほぼ確実に同じ人" in html  # the probability in words
    assert re.search(r"99(\.\d)?%", html)  # and as a percentage
    assert "同じ携帯 090-1234-5678" in html  # the reasons, in Japanese
    assert "株式会社サンプル" in html and "kenta@example.jp" in html
    # The fields that differ get a choice; equal ones do not.
    assert 'name="field_family_name"' in html and 'name="field_nickname"' in html
    assert 'name="field_given_name"' not in html
    assert "伊藤" not in html
    client.cookies.set("kinmyaku_lang", "en")
    english = client.get("/duplicates").text
    assert "Almost certainly the same person" in english and "Same mobile" in english
    assert "ほぼ確実" not in english and "同じ携帯" not in english


def test_merge_with_a_value_choice_then_undo(
    client: TestClient, csrf: str, core: App, pair: dict[str, int]
) -> None:
    kenta, variant = pair["kenta"], pair["variant"]
    merged = client.post(
        "/duplicates/merge",
        data={"csrf_token": csrf, "a": kenta, "b": variant, "keep": kenta,
              "field_family_name": kenta, "field_nickname": variant},
        headers=HTMX,
    )  # fmt: skip
    assert merged.status_code == 200, merged.text
    assert "高橋 健太さんに統合しました" in merged.text
    undo = re.search(r'hx-post="(/duplicates/merges/(\d+)/undo)"', merged.text)
    assert undo, merged.text
    assert "ほぼ確実に同じ人" not in merged.text  # the pair is gone from the list
    kept = people_svc.show_person(core.uow(), kenta)
    assert kept.nickname == "けんちゃん"  # taken from the other record, as chosen
    assert kept.summary.name == "高橋 健太"  # kept, as chosen
    assert "LinkedIn から" in kept.notes  # the rest moved over
    assert not exists(core, variant)

    undone = client.post(undo.group(1), data={"csrf_token": csrf}, headers=HTMX)
    assert undone.status_code == 200
    assert "統合を元に戻しました" in undone.text
    assert exists(core, variant)
    assert people_svc.show_person(core.uow(), kenta).nickname == "ケン"
    assert "ほぼ確実に同じ人" in undone.text  # suggested again
    again = client.post(undo.group(1), data={"csrf_token": csrf}, headers=HTMX)
    assert again.status_code == 422 and 'role="alert"' in again.text  # already undone


def test_merge_without_javascript_redirects_with_the_undo(
    client: TestClient, csrf: str, core: App, pair: dict[str, int]
) -> None:
    kenta, variant = pair["kenta"], pair["variant"]
    answer = client.post(
        "/duplicates/merge",
        data={"csrf_token": csrf, "a": kenta, "b": variant, "keep": variant},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/duplicates?merged=")
    page = client.get(answer.headers["location"])
    assert "髙橋 健太さんに統合しました" in page.text
    assert re.search(r'action="/duplicates/merges/\d+/undo"', page.text)
    assert not exists(core, kenta) and exists(core, variant)


def test_different_people_are_not_suggested_again(
    client: TestClient, csrf: str, pair: dict[str, int]
) -> None:
    answer = client.post(
        "/duplicates/different",
        data={"csrf_token": csrf, "a": pair["kenta"], "b": pair["variant"]},
        headers=HTMX,
    )
    assert answer.status_code == 200
    assert "別人として記録しました" in answer.text
    assert "ほぼ確実に同じ人" not in client.get("/duplicates").text


def test_posts_without_the_csrf_token_are_refused(
    client: TestClient, core: App, pair: dict[str, int]
) -> None:
    kenta, variant = pair["kenta"], pair["variant"]
    for path, data in (
        ("/duplicates/merge", {"a": kenta, "b": variant, "keep": kenta}),
        ("/duplicates/different", {"a": kenta, "b": variant}),
        ("/duplicates/merges/1/undo", {}),
    ):
        assert client.post(path, data=data).status_code == 403, path
    assert client.post("/api/merges", json={"keep": kenta, "other": variant}).status_code == 403
    assert exists(core, variant)


def test_the_json_api(api: TestClient, core: App, pair: dict[str, int]) -> None:
    kenta, variant = pair["kenta"], pair["variant"]
    found = api.get("/api/duplicates").json()
    assert len(found) == 1
    assert {found[0]["a"]["id"], found[0]["b"]["id"]} == {kenta, variant}
    assert found[0]["probability"] >= 0.99
    assert "同じ携帯 090-1234-5678" in found[0]["reasons"]
    english = api.get("/api/duplicates", headers={"Accept-Language": "en"}).json()
    assert english[0]["reasons"][0].startswith("Same mobile")
    assert api.get("/api/duplicates?min_probability=2").status_code == 422

    bad = api.post("/api/merges", json={"keep": kenta, "other": variant, "values": {"notes": "x"}})
    assert bad.status_code == 422
    merge = api.post(
        "/api/merges", json={"keep": kenta, "other": variant, "values": {"nickname": "other"}}
    )
    assert merge.status_code == 201, merge.text
    body = merge.json()
    assert body["keep"] == kenta and body["other"] == variant
    assert people_svc.show_person(core.uow(), kenta).nickname == "けんちゃん"
    assert api.get("/api/duplicates").json() == []
    assert api.post("/api/merges", json={"keep": kenta, "other": variant}).status_code == 404

    undo = api.post(f"/api/merges/{body['id']}/undo")
    assert undo.status_code == 200 and undo.json() == {"id": body["id"], "undone": True}
    assert exists(core, variant)
    assert api.post(f"/api/merges/{body['id']}/undo").status_code == 400
    assert api.post("/api/merges/999/undo").status_code == 404

    different = api.post("/api/not-duplicates", json={"a": kenta, "b": variant})
    assert different.status_code == 204
    assert api.get("/api/duplicates").json() == []
    assert api.post("/api/not-duplicates", json={"a": kenta, "b": kenta}).status_code == 422


def test_today_and_the_review_show_the_count(
    client: TestClient, csrf: str, pair: dict[str, int]
) -> None:
    cache = client.app.state.duplicates  # type: ignore[attr-defined]
    cache.refresh(force=True)  # the background thread's work, done now
    assert cache.value == 1
    today = client.get("/").text
    assert "確認する重複の候補：1件" in today and 'href="/duplicates"' in today
    assert "重複の可能性 (1)" in client.get("/review").text
    client.post(
        "/api/not-duplicates",
        json={"a": pair["kenta"], "b": pair["variant"]},
        headers={"X-CSRF-Token": csrf},
    )
    cache.refresh()  # the data changed: it counts again
    assert cache.value == 0
    assert "重複の可能性がある人" not in client.get("/").text
    assert "重複の可能性 (" not in client.get("/review").text


def test_the_duplicates_page_hands_its_count_to_today(
    client: TestClient, core: App, pair: dict[str, int]
) -> None:
    cache = client.app.state.duplicates  # type: ignore[attr-defined]
    cache.wait()
    for phone in ("080-9999-0000", "08099990000"):
        add_person(core.uow(), PersonInput(family_name="伊藤", given_name="翔", phones=[phone]))
    client.get("/duplicates")
    assert cache.value is not None and cache.value >= 2
    assert f"確認する重複の候補：{cache.value}件" in client.get("/").text


def test_quick_add_warns_and_adds_anyway(
    client: TestClient, csrf: str, core: App, pair: dict[str, int]
) -> None:
    before = people_svc.count_people(core.uow())
    form = {"csrf_token": csrf, "family_name": "タカハシ", "given_name": "ケンタ",
            "phone": "090-1234-5678", "memory_cue": "名刺交換"}  # fmt: skip
    warned = client.post("/people", data=form, follow_redirects=False)
    assert warned.status_code == 200
    assert "似ている人がいます：" in warned.text
    assert f'href="/people/{pair["kenta"]}"' in warned.text
    assert "（株式会社サンプル・090-1234-5678）" in warned.text
    assert 'name="add_anyway" value="1"' in warned.text
    assert 'value="名刺交換"' not in warned.text and "名刺交換" in warned.text  # kept (textarea)
    assert people_svc.count_people(core.uow()) == before  # nothing written

    added = client.post("/people", data={**form, "add_anyway": "1"}, follow_redirects=False)
    assert added.status_code == 303
    assert people_svc.count_people(core.uow()) == before + 1

    plain = client.post(
        "/people",
        data={"csrf_token": csrf, "family_name": "山口", "given_name": "拓也",
              "phone": "070-5555-6666", "email": "takuya@example.jp"},
        follow_redirects=False,
    )  # fmt: skip
    assert plain.status_code == 303  # nobody similar: saved at once
    new_id = int(plain.headers["location"].split("=")[1])
    contacts = {c["value"] for c in people_svc.show_person(core.uow(), new_id).contacts}
    assert {"070-5555-6666", "takuya@example.jp"} <= contacts


def test_profile_edit_warns_when_a_new_phone_matches(
    client: TestClient, csrf: str, core: App, pair: dict[str, int]
) -> None:
    namesake = PersonInput(family_name="高橋", given_name="健太", company="別会社")
    ito = add_person(core.uow(), namesake)
    form = {"csrf_token": csrf, "family_name": "高橋", "given_name": "健太",
            "phone": "090-1234-5678"}  # fmt: skip
    warned = client.post(f"/people/{ito}/profile", data=form, headers=HTMX)
    assert warned.status_code == 200
    assert "似ている人がいます：" in warned.text and "このまま保存" in warned.text
    assert not people_svc.show_person(core.uow(), ito).contacts  # nothing saved
    saved = client.post(f"/people/{ito}/profile", data={**form, "add_anyway": "1"}, headers=HTMX)
    assert saved.status_code == 200 and "似ている人がいます" not in saved.text
    assert people_svc.show_person(core.uow(), ito).contacts
    # An edit that changes neither a name nor a contact is not checked.
    notes = client.post(
        f"/people/{ito}/profile", data={"csrf_token": csrf, "notes": "メモ"}, headers=HTMX
    )
    assert notes.status_code == 200 and "似ている人がいます" not in notes.text


def test_navigation_links_to_the_duplicates_page(client: TestClient) -> None:
    assert '<a href="/duplicates">重複</a>' in client.get("/people").text
    client.cookies.set("kinmyaku_lang", "en")
    assert '<a href="/duplicates">Duplicates</a>' in client.get("/people").text
    assert '<a href="/duplicates" aria-current="page">' in client.get("/duplicates").text


def test_the_read_side_and_the_count_on_both_databases(app: App) -> None:
    """services/identity/review and the count cache on SQLite and PostgreSQL."""
    uow = app.uow
    kenta = add_person(
        uow(),
        PersonInput(family_name="高橋", given_name="健太", family_reading="たかはし",
                    given_reading="けんた", company="株式会社サンプル", birthday=date(1990, 4, 1),
                    phones=["090-1234-5678"], emails=["kenta@example.jp"]),
    )  # fmt: skip
    event = events.add_event(uow(), name="渋谷 異業種交流会", on=date(2024, 3, 1))
    relations.record_encounter(uow(), person_id=kenta, on=date(2024, 3, 1), event_id=event)
    romaji = add_person(
        uow(),
        PersonInput(family_name="Takahashi", given_name="Kenta", birthday=date(1990, 4, 2),
                    phones=["+81 90 1234 5678"]),
    )  # fmt: skip
    cache = DuplicateCount(app)
    cache.refresh()
    assert cache.value == 1
    version = data_version(app)
    assert data_version(app) == version  # nothing changed: no recount

    pairs, total = duplicate_pairs(uow())
    assert total == 1
    (found,) = pairs
    assert (found.a.summary.id, found.b.summary.id) == (kenta, romaji)
    assert found.a.phones == ["090-1234-5678"] and found.a.emails == ["kenta@example.jp"]
    assert found.a.met[0].event == "渋谷 異業種交流会"
    assert found.differing == [
        "family_name", "given_name", "family_reading", "given_reading", "birthday",
    ]  # fmt: skip

    namesake = add_person(uow(), PersonInput(family_name="高橋", given_name="健太"))
    assert data_version(app) != version
    edit = PersonInput(family_name="高橋", given_name="健太", phones=["090-1234-5678"])
    warned = check_edited_person(uow(), namesake, edit)
    assert {c.b.id for c in warned} >= {kenta}
    assert check_edited_person(uow(), namesake, PersonInput(notes="メモ")) == []
    merging.mark_different(uow(), a=namesake, b=kenta)
    assert kenta not in {c.b.id for c in check_edited_person(uow(), namesake, edit)}
    cache.refresh()
    assert cache.value is not None


def test_the_count_thread_counts_at_start_and_when_woken(core: App, pair: dict[str, int]) -> None:
    cache = DuplicateCount(core, interval=600)  # only a wake-up makes it count again

    def settles_at(expected: int) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if cache.value == expected:
                return True
            time.sleep(0.02)
        return False

    cache.start()
    try:
        assert settles_at(1)
        merging.mark_different(core.uow(), a=pair["kenta"], b=pair["variant"])
        cache.changed()
        assert settles_at(0)
    finally:
        cache.stop()
    assert cache.refresh() == 0.0  # nothing changed since: no count
