"""The person page: every section is shown and editable in place (htmx partials)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services.people import show_person

HX = {"HX-Request": "true"}


def test_person_page_shows_every_part(client: TestClient, network: dict[str, int]) -> None:
    page = client.get(f"/people/{network['sato']}")
    assert page.status_code == 200
    text = page.text
    assert "<h1" in text and "佐藤 美咲" in text and "さとう みさき" in text
    assert "さくら銀行" in text and "金融・保険" in text
    assert "渋谷 異業種交流会" in text and "「猫の話」" in text  # how we met + memory cue
    assert "エンジニアを紹介してほしい" in text  # a request
    assert "2024年3月1日" in text  # Japanese date
    ito = client.get(f"/people/{network['ito']}").text
    assert f'<a href="/people/{network["sato"]}">佐藤 美咲</a>' in ito  # introduced by


def test_missing_person_is_404_in_the_users_language(client: TestClient) -> None:
    page = client.get("/people/4040")
    assert page.status_code == 404
    assert "<html" in page.text


def test_log_interaction_swaps_the_timeline(
    client: TestClient, core: App, csrf: str, takahashi: int
) -> None:
    done = client.post(
        f"/people/{takahashi}/interactions",
        data={"csrf_token": csrf, "on": "2024-03-12", "kind": "meal", "summary": "寿司",
              "follow_up_on": "2024-03-20"},
        headers=HX,
    )  # fmt: skip
    assert done.status_code == 200
    assert done.text.lstrip().startswith('<section id="sec-timeline"')
    assert "寿司" in done.text and "2024年3月20日までにフォロー" in done.text
    interaction = show_person(core.uow(), takahashi).interactions[0]
    assert interaction["kind"] == "meal"
    finished = client.post(
        f"/people/{takahashi}/interactions/{interaction['id']}/done",
        data={"csrf_token": csrf},
        headers=HX,
    )
    assert "フォロー済み" in finished.text
    assert show_person(core.uow(), takahashi).interactions[0]["follow_up_done"] is True


def test_interaction_errors_map_to_fields(client: TestClient, csrf: str, takahashi: int) -> None:
    bad = client.post(
        f"/people/{takahashi}/interactions",
        data={"csrf_token": csrf, "on": "2024-03-12", "follow_up_on": "2024-03-01"},
        headers=HX,
    )
    assert bad.status_code == 422
    assert 'id="e-log-follow_up_on"' in bad.text  # the message sits under the follow-up field
    assert '<details class="edit" open>' in bad.text
    wrong_date = client.post(
        f"/people/{takahashi}/interactions", data={"csrf_token": csrf, "on": "2024-02-30"}
    )
    assert wrong_date.status_code == 422  # without htmx: the whole page, with the message
    assert "<html" in wrong_date.text and 'id="e-log-on"' in wrong_date.text


def test_give_and_take_ledger_and_balance(
    client: TestClient, core: App, csrf: str, takahashi: int
) -> None:
    for direction, weight in (("gave", "3"), ("received", "1"), ("gave", "2")):
        response = client.post(
            f"/people/{takahashi}/exchanges",
            data={"csrf_token": csrf, "direction": direction, "kind": "advice",
                  "weight": weight, "note": "転職相談"},
            headers=HX,
        )  # fmt: skip
        assert response.status_code == 200
    assert "ギブ <strong>5</strong>" in response.text
    assert "テイク <strong>1</strong>" in response.text
    assert 'value="83"' in response.text  # 5 of 6 weights given
    bad = client.post(
        f"/people/{takahashi}/exchanges",
        data={"csrf_token": csrf, "direction": "gave", "weight": "9"},
        headers=HX,
    )
    assert bad.status_code == 422 and 'id="e-gt-weight"' in bad.text
    assert len(show_person(core.uow(), takahashi).exchanges) == 3


def test_without_htmx_a_post_redirects_to_the_section(
    client: TestClient, csrf: str, takahashi: int
) -> None:
    done = client.post(
        f"/people/{takahashi}/exchanges",
        data={"csrf_token": csrf, "direction": "received", "kind": "lead"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/people/{takahashi}#sec-ledger"


def test_encounter_with_introducer_by_name(
    client: TestClient, core: App, csrf: str, network: dict[str, int]
) -> None:
    ok = client.post(
        f"/people/{network['takahashi']}/encounters",
        data={"csrf_token": csrf, "on": "2024-03-14", "channel": "introduction",
              "introducer": "さとう", "place": "新宿", "memory_cue": "登山"},
        headers=HX,
    )  # fmt: skip
    assert ok.status_code == 200 and "「登山」" in ok.text
    met = show_person(core.uow(), network["takahashi"]).encounters
    assert met[-1]["introducer_id"] == network["sato"]
    nobody = client.post(
        f"/people/{network['takahashi']}/encounters",
        data={"csrf_token": csrf, "introducer": "存在しない"},
        headers=HX,
    )
    assert nobody.status_code == 422 and 'id="e-met-introducer"' in nobody.text


def test_profile_tags_contacts_purpose_links_requests(
    client: TestClient, core: App, csrf: str, network: dict[str, int]
) -> None:
    pid = network["takahashi"]
    profile = client.post(
        f"/people/{pid}/profile",
        data={"csrf_token": csrf, "family_name": "高橋", "given_name": "健太",
              "title": "CTO", "company": "株式会社みらい", "phone": "03-1234-5678",
              "notes": "<script>alert(1)</script>", "met_shown": "1", "met": "on"},
        headers=HX,
    )  # fmt: skip
    assert profile.status_code == 200
    assert "CTO" in profile.text and "03-1234-5678" in profile.text
    assert "<script>alert(1)</script>" not in profile.text  # autoescaped
    assert "&lt;script&gt;" in profile.text
    bad_mail = client.post(
        f"/people/{pid}/profile", data={"csrf_token": csrf, "email": "not-an-email"}, headers=HX
    )
    assert bad_mail.status_code == 422 and 'id="e-email"' in bad_mail.text
    tags = client.post(
        f"/people/{pid}/tags", data={"csrf_token": csrf, "tags": "起業、 登山 ゴルフ"}, headers=HX
    )
    assert tags.status_code == 200
    assert sorted(show_person(core.uow(), pid).tags) == sorted(["ゴルフ", "登山", "起業"])
    client.post(f"/people/{pid}/tags", data={"csrf_token": csrf, "tags": "登山"}, headers=HX)
    assert show_person(core.uow(), pid).tags == ["登山"]
    removed = client.post(
        f"/people/{pid}/contacts/remove",
        data={"csrf_token": csrf, "kind": "email", "value": "kenta@example.jp"},
        headers=HX,
    )
    assert removed.status_code == 200 and "kenta@example.jp" not in removed.text
    purpose = client.post(
        f"/people/{pid}/purpose",
        data={"csrf_token": csrf, "category": "mentor", "goal": "技術の相談",
              "cadence_days": "30"},
        headers=HX,
    )  # fmt: skip
    assert "30日ごと" in purpose.text.replace(" ", "")
    bad_cadence = client.post(
        f"/people/{pid}/purpose",
        data={"csrf_token": csrf, "category": "mentor", "cadence_days": "0"},
        headers=HX,
    )
    assert bad_cadence.status_code == 422 and 'id="e-pur-cadence_days"' in bad_cadence.text
    link = client.post(
        f"/people/{pid}/links",
        data={"csrf_token": csrf, "person": f"#{network['ito']}", "kind": "colleague"},
        headers=HX,
    )
    assert "伊藤 翔" in link.text
    request = client.post(
        f"/people/{pid}/requests",
        data={"csrf_token": csrf, "side": "mine", "what": "資料の共有", "due_on": "2024-03-30"},
        headers=HX,
    )
    assert "資料の共有" in request.text
    request_id = show_person(core.uow(), pid).requests[0]["id"]
    moved = client.post(
        f"/people/{pid}/requests/{request_id}",
        data={"csrf_token": csrf, "status": "done"},
        headers=HX,
    )
    assert '<option value="done" selected>' in moved.text
    empty = client.post(f"/people/{pid}/requests", data={"csrf_token": csrf, "side": "mine"})
    assert empty.status_code == 422 and 'id="e-req-what"' in empty.text


def test_delete_person(client: TestClient, core: App, csrf: str, takahashi: int) -> None:
    gone = client.post(
        f"/people/{takahashi}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/people"
    assert client.get(f"/people/{takahashi}").status_code == 404
