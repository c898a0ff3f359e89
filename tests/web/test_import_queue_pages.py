"""Cards an import with review left waiting, on the duplicates page: listed beside the
person each may be, "Same person" and "A different person" (with CSRF), counted on Today."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.services.identity.queue import count_queue, list_queue
from kinmyaku.services.importing import import_files
from kinmyaku.storage.schema import contact_points, people

HTMX = {"HX-Request": "true"}
EIGHT = (
    "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日\n"
    "株式会社テスト商事,開発部,,佐藤,健,sato@test-shoji.example,,,,,,,090-5555-0001,,2024/03/15\n"
    "株式会社テスト商事,総務部,,鈴木,花子,hanako@test-shoji.example,,,,,,,090-3333-4444,,"
    "2024/03/15\n"
)
CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;健;;;\r\nFN:佐藤 健\r\nORG:株式会社テスト商事\r\n"
    "URL:https://example.jp/sato\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:鈴木;花子;;;\r\nFN:鈴木 花子\r\nORG:株式会社テスト商事\r\n"
    "EMAIL:hana.suzuki@example.jp\r\nEND:VCARD\r\n"
)


@pytest.fixture
def queued(core: App, tmp_path: Path) -> dict[str, int]:
    """Two stored people, and a review import that left a card of each waiting."""
    base, new = tmp_path / "base.csv", tmp_path / "new.vcf"
    base.write_text(EIGHT, encoding="utf-8")
    new.write_text(CARDS, encoding="utf-8")
    import_files(core.uow(), paths=[base])
    report = import_files(core.uow(), paths=[new], review=True)
    assert report.counts["queued"] == 2
    sato, suzuki = list_queue(core.uow())
    assert sato.candidate_id is not None and suzuki.candidate_id is not None
    return {
        "sato": sato.id,
        "suzuki": suzuki.id,
        "sato_person": sato.candidate_id,
        "suzuki_person": suzuki.candidate_id,
    }


def test_the_page_lists_each_card_beside_its_candidate(
    client: TestClient, queued: dict[str, int]
) -> None:
    html = client.get("/duplicates").text
    assert "取り込みから確認待ちの名刺" in html and "確認待ち：2 件" in html
    assert "<code>new.vcf:1</code>" in html and "鈴木 花子" in html
    assert f'href="/people/{queued["sato_person"]}"' in html
    assert "同じ名前 佐藤 健" in html  # the reasons, in Japanese
    assert "hana.suzuki@example.jp" in html  # the card's own values
    for key in ("sato", "suzuki"):
        for action in ("merge", "add"):
            assert f'action="/duplicates/queue/{queued[key]}/{action}"' in html
    assert html.count('name="csrf_token"') >= 4
    assert "同じ人" in html and "別の人" in html
    client.cookies.set("kinmyaku_lang", "en")
    english = client.get("/duplicates").text
    assert "Cards waiting from imports" in english and "Same name 佐藤 健" in english
    assert "Same person" in english and "A different person" in english


def test_posts_without_the_csrf_token_are_refused(
    client: TestClient, core: App, queued: dict[str, int]
) -> None:
    for action in ("merge", "add"):
        assert client.post(f"/duplicates/queue/{queued['sato']}/{action}").status_code == 403
    assert count_queue(core.uow()) == 2


def test_same_person_joins_the_card_to_the_candidate(
    client: TestClient, csrf: str, core: App, queued: dict[str, int]
) -> None:
    answer = client.post(
        f"/duplicates/queue/{queued['sato']}/merge", data={"csrf_token": csrf}, headers=HTMX
    )
    assert answer.status_code == 200
    assert "佐藤 健 に追加しました。" in answer.text
    assert f"/duplicates/queue/{queued['sato']}/" not in answer.text  # decided: gone
    assert f"/duplicates/queue/{queued['suzuki']}/" in answer.text  # the other still waits
    with core.uow() as conn:
        urls = conn.execute(
            select(contact_points.c.value).where(
                contact_points.c.person_id == queued["sato_person"], contact_points.c.kind == "url"
            )
        ).scalars()
        assert list(urls) == ["https://example.jp/sato"]
    # Without JavaScript: a redirect, then the page with the notice.
    plain = client.post(
        f"/duplicates/queue/{queued['suzuki']}/merge",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == (
        f"/duplicates?queued=merged&person={queued['suzuki_person']}"
    )
    page = client.get(plain.headers["location"]).text
    assert "鈴木 花子 に追加しました。" in page
    assert "取り込みから確認待ちの名刺" not in page and count_queue(core.uow()) == 0


def test_a_different_person_is_added_as_new(
    client: TestClient, csrf: str, core: App, queued: dict[str, int]
) -> None:
    plain = client.post(
        f"/duplicates/queue/{queued['sato']}/add", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert plain.status_code == 303
    location = plain.headers["location"]
    new_id = int(re.search(r"person=(\d+)", location).group(1))  # type: ignore[union-attr]
    assert new_id not in (queued["sato_person"], queued["suzuki_person"])
    page = client.get(location).text
    assert "新しい人として追加しました：佐藤 健。" in page and f'href="/people/{new_id}"' in page
    with core.uow() as conn:
        assert conn.execute(select(people.c.family_name).where(people.c.id == new_id)).scalar() == (
            "佐藤"
        )
    # The pair is remembered as different people: not suggested as duplicates.
    assert f'name="b" value="{new_id}"' not in page
    answer = client.post(
        f"/duplicates/queue/{queued['suzuki']}/add", data={"csrf_token": csrf}, headers=HTMX
    )
    assert answer.status_code == 200 and "新しい人として追加しました：鈴木 花子。" in answer.text
    assert count_queue(core.uow()) == 0


def test_an_unknown_card_is_an_error(client: TestClient, csrf: str, queued: dict[str, int]) -> None:
    answer = client.post("/duplicates/queue/999/merge", data={"csrf_token": csrf}, headers=HTMX)
    assert answer.status_code == 422
    assert "ID 999 の確認待ちの記録はありません" in answer.text
    plain = client.post("/duplicates/queue/999/add", data={"csrf_token": csrf})
    assert plain.status_code == 404
    assert "ID 999 の確認待ちの記録はありません" in plain.text


def test_today_counts_the_waiting_cards(
    client: TestClient, csrf: str, queued: dict[str, int]
) -> None:
    cache = client.app.state.duplicates  # type: ignore[attr-defined]
    cache.refresh(force=True)
    assert cache.value == 2  # no duplicate pairs, two cards waiting
    assert "確認する重複の候補：2件" in client.get("/").text
    client.post(f"/duplicates/queue/{queued['sato']}/merge", data={"csrf_token": csrf})
    cache.wait()
    cache.refresh()  # the data changed: it counts again
    assert cache.value == 1
    client.get("/duplicates")  # the page hands its count over too
    assert cache.value == 1


def test_the_import_form_sends_uncertain_cards_to_review(
    client: TestClient, csrf: str, core: App, tmp_path: Path
) -> None:
    core.settings = dataclasses.replace(core.settings, data_dir=tmp_path / "data")
    base = tmp_path / "base.csv"
    base.write_text(EIGHT, encoding="utf-8")
    import_files(core.uow(), paths=[base])
    assert 'name="review"' in client.get("/import").text

    def preview(**fields: str) -> str:
        files = [("files", ("new.vcf", CARDS.encode(), "application/octet-stream"))]
        answer = client.post("/import/preview", data={"csrf_token": csrf, **fields}, files=files)
        assert answer.status_code == 200
        return answer.text

    assert "確認待ち" not in preview()  # without review: nothing changes
    page = preview(review="on")
    assert "確認待ち 2 件。" in page and "と同じ人かもしれません" in page
    assert count_queue(core.uow()) == 0  # a preview writes nothing
    token = re.search(r'name="upload" value="([^"]+)"', page)
    assert token is not None
    done = client.post(
        "/import/confirm",
        data={"csrf_token": csrf, "upload": token.group(1)},
        follow_redirects=True,
    )
    assert done.status_code == 200 and "確認待ち 2 件。" in done.text
    assert count_queue(core.uow()) == 2


def test_past_imports_say_how_many_cards_wait(client: TestClient, queued: dict[str, int]) -> None:
    html = client.get("/import").text
    past = html[html.index('id="h-past"') :]
    assert "確認待ち 2 件。" in past
