"""The JSON API corrects and deletes encounters, interactions, exchanges, requests and events."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_encounters_exchanges_events_are_corrected_and_deleted(
    api: TestClient, takahashi: int
) -> None:
    event = api.post("/api/events", json={"name": "交流会", "on": "2026-11-20"}).json()
    met = api.post(
        "/api/encounters",
        json={"person_id": takahashi, "on": "2026-11-20", "memory_cue": "名刺交換"},
    ).json()
    fixed = api.patch(
        f"/api/encounters/{met['id']}",
        json={"event_id": event["id"], "channel": "event", "memory_cue": "赤いメガネ"},
    )
    assert fixed.status_code == 200
    assert fixed.json()["event_id"] == event["id"] and fixed.json()["memory_cue"] == "赤いメガネ"
    assert fixed.json()["date"] == "2026-11-20"  # untouched fields stay

    gave = api.post(
        "/api/exchanges",
        json={"person_id": takahashi, "on": "2026-11-21", "direction": "gave", "weight": 2},
    ).json()
    changed = api.patch(f"/api/exchanges/{gave['id']}", json={"weight": 4, "kind": "advice"})
    assert changed.json()["weight"] == 4 and changed.json()["kind"] == "advice"
    bad = api.patch(f"/api/exchanges/{gave['id']}", json={"weight": 9})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "weight"

    renamed = api.patch(f"/api/events/{event['id']}", json={"name": "渋谷 異業種交流会"})
    assert renamed.json()["name"] == "渋谷 異業種交流会" and renamed.json()["met_count"] == 1

    assert api.delete(f"/api/events/{event['id']}").status_code == 204
    assert api.get(f"/api/encounters/{met['id']}").json()["event_id"] is None
    assert api.delete(f"/api/encounters/{met['id']}").status_code == 204
    assert api.get(f"/api/encounters/{met['id']}").status_code == 404
    assert api.delete(f"/api/exchanges/{gave['id']}").status_code == 204
    assert api.delete(f"/api/exchanges/{gave['id']}").status_code == 404


def test_interactions_and_requests_are_deleted(api: TestClient, takahashi: int) -> None:
    touch = api.post(
        "/api/interactions", json={"person_ids": [takahashi], "on": "2026-11-22"}
    ).json()
    ask = api.post(
        "/api/requests",
        json={"person_id": takahashi, "side": "theirs", "what": "資料", "asked_on": "2026-11-22"},
    ).json()
    assert api.delete(f"/api/interactions/{touch['id']}").status_code == 204
    assert api.get(f"/api/interactions/{touch['id']}").status_code == 404
    assert api.delete(f"/api/requests/{ask['id']}").status_code == 204
    missing = api.delete(f"/api/requests/{ask['id']}")
    assert missing.status_code == 404 and str(ask["id"]) in missing.json()["error"]["message"]
    person = api.get(f"/api/people/{takahashi}").json()
    assert person["interactions"] == [] and person["requests"] == []


def test_changes_need_the_csrf_token(client: TestClient, takahashi: int) -> None:
    assert client.delete("/api/requests/1").status_code == 403
    assert client.patch("/api/events/1", json={"name": "x"}).status_code == 403
