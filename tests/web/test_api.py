"""The JSON API: CRUD through the same services as the CLI, errors as {"error": {...}}."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services.people import PersonInput, add_person


def test_people_create_read_update_delete(api: TestClient) -> None:
    created = api.post(
        "/api/people",
        json={"family_name": "高橋", "given_name": "健太", "company": "株式会社みらい",
              "industry": "it", "emails": ["kenta@example.jp"], "tags": ["ゴルフ"]},
    )  # fmt: skip
    assert created.status_code == 201
    person = created.json()
    assert person["name"] == "高橋 健太"
    assert person["reading"] == "たかはし けんた" and person["reading_inferred"] is True
    assert person["contacts"][0]["value"] == "kenta@example.jp"
    pid = person["id"]
    assert api.get(f"/api/people/{pid}").json()["tags"] == ["ゴルフ"]
    changed = api.patch(
        f"/api/people/{pid}",
        json={"title": "CTO", "company": "株式会社みらい", "add_tags": ["起業"],
              "remove_tags": ["ゴルフ"]},
    )  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["title"] == "CTO" and changed.json()["tags"] == ["起業"]
    assert api.delete(f"/api/people/{pid}").status_code == 204
    gone = api.get(f"/api/people/{pid}")
    assert gone.status_code == 404
    assert gone.json()["error"]["field"] is None
    assert str(pid) in gone.json()["error"]["message"]


def test_errors_are_json_with_status_and_field(api: TestClient, core: App) -> None:
    bad_mail = api.post("/api/people", json={"family_name": "林", "emails": ["nope"]})
    assert bad_mail.status_code == 422
    assert bad_mail.json()["error"]["field"] == "email"
    missing = api.post("/api/people", json={"given_name": "太郎"})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "family_name"
    unknown = api.post("/api/people", json={"family_name": "林", "colour": "red"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "colour"
    for name in ("佐藤", "佐藤"):
        add_person(core.uow(), PersonInput(family_name=name, family_reading="さとう"))
    ambiguous = api.get("/api/resolve", params={"ref": "佐藤"})
    assert ambiguous.status_code == 409 and "#1" in ambiguous.json()["error"]["message"]
    assert api.get("/api/resolve", params={"ref": "#2"}).json() == {"id": 2}
    assert api.get("/api/resolve", params={"ref": "誰も"}).status_code == 404
    english = api.get("/api/people/99", headers={"Accept-Language": "en"})
    assert english.json()["error"]["message"] == "No person with id 99"


def test_list_search_and_filters(api: TestClient, network: dict[str, int]) -> None:
    everyone = api.get("/api/people").json()
    assert everyone["total"] == 3 and everyone["page"] == 1
    assert [p["name"] for p in everyone["people"]] == ["伊藤 翔", "佐藤 美咲", "高橋 健太"]
    assert [p["id"] for p in api.get("/api/people?industry=finance").json()["people"]] == [
        network["sato"]
    ]
    found = api.get("/api/search", params={"q": "ﾀｶﾊｼ"}).json()
    assert [p["id"] for p in found] == [network["takahashi"]]
    assert api.get("/api/people?sort=bogus").status_code == 422
    assert api.get("/api/people?per_page=1000").status_code == 422


def test_relations_events_and_requests(api: TestClient, network: dict[str, int]) -> None:
    sato, ito = network["sato"], network["ito"]
    event = api.post(
        "/api/events", json={"name": "勉強会", "on": "2024-03-15", "kind": "study", "goal_count": 5}
    )
    assert event.status_code == 201
    event_id = event.json()["id"]
    met = api.post(
        "/api/encounters",
        json={"person_id": ito, "on": "2024-03-15", "event_id": event_id, "memory_cue": "眼鏡"},
    )
    assert met.status_code == 201 and met.json()["channel"] == "event"
    assert api.get(f"/api/encounters/{met.json()['id']}").json()["memory_cue"] == "眼鏡"
    assert api.get(f"/api/events/{event_id}").json()["met_count"] == 1
    assert any(e["id"] == event_id for e in api.get("/api/events").json())
    touch = api.post(
        "/api/interactions",
        json={"person_ids": [sato, ito], "on": "2024-03-15", "kind": "meal",
              "follow_up_on": "2024-03-22"},
    )  # fmt: skip
    assert touch.status_code == 201 and touch.json()["person_ids"] == sorted([sato, ito])
    done = api.patch(f"/api/interactions/{touch.json()['id']}", json={"follow_up_done": True})
    assert done.json()["follow_up_done"] is True
    assert (
        api.patch(
            f"/api/interactions/{touch.json()['id']}", json={"follow_up_done": False}
        ).status_code
        == 422
    )
    gift = api.post(
        "/api/exchanges",
        json={"person_id": sato, "on": "2024-03-15", "direction": "gave", "kind": "referral",
              "weight": 4},
    )  # fmt: skip
    assert gift.status_code == 201 and gift.json()["weight"] == 4
    assert api.get(f"/api/exchanges/{gift.json()['id']}").json()["direction"] == "gave"
    too_heavy = api.post(
        "/api/exchanges",
        json={"person_id": sato, "on": "2024-03-15", "direction": "gave", "weight": 6},
    )
    assert too_heavy.status_code == 422 and too_heavy.json()["error"]["field"] == "weight"
    asked = api.post(
        "/api/requests",
        json={"person_id": ito, "side": "mine", "what": "紹介", "asked_on": "2024-03-15",
              "due_on": "2024-03-01"},
    )  # fmt: skip
    assert asked.status_code == 422 and asked.json()["error"]["field"] == "due"
    asked = api.post(
        "/api/requests",
        json={"person_id": ito, "side": "mine", "what": "紹介", "asked_on": "2024-03-15"},
    )
    request_id = asked.json()["id"]
    closed = api.patch(f"/api/requests/{request_id}", json={"status": "done", "outcome": "成約"})
    assert closed.json()["status"] == "done" and closed.json()["closed_on"] == "2024-03-15"
    listed = api.get("/api/requests?status=done").json()
    assert [r["id"] for r in listed["requests"]] == [request_id]
    link = api.post("/api/links", json={"person_a": sato, "person_b": ito, "kind": "colleague"})
    assert link.status_code == 201
    purpose = api.put(f"/api/people/{ito}/purpose", json={"category": "peer", "cadence_days": 14})
    assert purpose.json()["purpose"]["cadence_days"] == 14
    assert api.get(f"/api/people/{ito}").json()["links"][0]["person_id"] == sato
    for path in ("/api/encounters/999", "/api/interactions/999", "/api/exchanges/999",
                 "/api/requests/999", "/api/events/999"):  # fmt: skip
        assert api.get(path).status_code == 404, path


def test_api_needs_json_content_type_and_csrf(client: TestClient, csrf: str) -> None:
    text = client.post(
        "/api/people",
        content=b'{"family_name": "x"}',
        headers={"content-type": "text/plain", "X-CSRF-Token": csrf},
    )
    assert text.status_code == 422
    no_token = client.post("/api/people", json={"family_name": "x"})
    assert no_token.status_code == 403 and no_token.json()["error"]["message"]


def test_openapi_names_the_schemas(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    names = set(schema["components"]["schemas"])
    for noun in ("Person", "Encounter", "Interaction", "Exchange", "Request", "Event"):
        assert f"{noun}Create" in names and f"{noun}Public" in names
    assert {"PersonUpdate", "RequestUpdate", "InteractionUpdate", "ErrorPublic"} <= names
    docs = client.get("/api/docs")
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
