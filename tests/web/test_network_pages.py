"""The network pages: the map data (graph.json), warm paths, matchmaking, the ledger, brokers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from kinmyaku.bootstrap import App
from kinmyaku.i18n import catalog
from kinmyaku.services import events, introductions, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_network, routers

# build_network's cache fingerprint alone runs 10 statements; a path search resolves the
# target (2-4) and builds (fingerprints) the graph again.  Nothing grows with the people.
PAGE_BUDGET = 10
GRAPH_BUDGET = 16
PATH_BUDGET = 32
BASE = "http://127.0.0.1"


@contextmanager
def count_queries(core: App) -> Iterator[list[str]]:
    """The SQL statements run on the app's engine inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(core.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(core.engine, "before_cursor_execute", record)


@pytest.fixture
def web(sqlite_app: App) -> FastAPI:
    """The web app on the shared ``sqlite_app`` (today 2026-11-26), with the network pages."""
    app = create_app(sqlite_app)
    if pages_network.router not in routers():
        app.include_router(pages_network.router)
    return app


@pytest.fixture
def client(web: FastAPI) -> Iterator[TestClient]:
    """A browser-like client, English."""
    with TestClient(web, base_url=BASE, headers={"Accept-Language": "en"}) as test_client:
        yield test_client


@pytest.fixture
def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session."""
    return str(client.get("/api/session").json()["csrf_token"])


def person(core: App, family: str, given: str, **extra: Any) -> int:
    """Add a person."""
    return add_person(core.uow(), PersonInput(family_name=family, given_name=given, **extra))


@pytest.fixture
def net(sqlite_app: App) -> dict[str, int]:
    """Me -> 佐藤 (met, touched) -> 鈴木 at 東西商事 (trading); 田中 offers what 伊藤 needs."""
    core = sqlite_app
    on = date(2026, 11, 1)
    meetup = events.add_event(core.uow(), name="渋谷 異業種交流会", on=on)
    sato = person(core, "佐藤", "翔", tags=["ゴルフ"], company="さくら銀行", industry="finance")
    suzuki = person(core, "鈴木", "優子", company="東西商事", industry="trading")
    tanaka = person(core, "田中", "大輔", offers="採用, 資金調達")
    ito = person(core, "伊藤", "愛", needs="採用")
    relations.record_encounter(core.uow(), person_id=sato, on=on, event_id=meetup)
    relations.record_encounter(core.uow(), person_id=tanaka, on=on, event_id=meetup)
    relations.record_encounter(core.uow(), person_id=ito, on=on)  # not linked to 田中 yet
    relations.log_interaction(core.uow(), person_ids=[sato], on=date(2026, 11, 20), summary="昼食")
    relations.link_people(core.uow(), person_a=sato, person_b=suzuki, kind="knows", on=on)
    with core.uow() as conn:  # 鈴木: known only through 佐藤
        from kinmyaku.storage.schema import people

        conn.execute(people.update().where(people.c.id == suzuki).values(met=False))
    return {"event": meetup, "sato": sato, "suzuki": suzuki, "tanaka": tanaka, "ito": ito}


def test_graph_json_shape(client: TestClient, net: dict[str, int]) -> None:
    data = client.get("/network/graph.json").json()
    assert set(data) >= {"nodes", "edges", "paths", "matching", "shown", "target", "error"}
    ids = {n["id"] for n in data["nodes"]}
    assert "me" in ids and f"p{net['sato']}" in ids
    assert f"p{net['suzuki']}" not in ids  # not a tie of mine, not on a path
    assert data["matching"] == data["shown"] == 3
    me = next(n for n in data["nodes"] if n["id"] == "me")
    assert me["person"] is None and me["label"] == "Me" and me["major"]
    sato = next(n for n in data["nodes"] if n["person"] == net["sato"])
    assert sato["label"] == "佐藤 翔" and 0 < sato["strength"] <= 100
    for edge in data["edges"]:
        assert {edge["source"], edge["target"]} <= ids
        assert edge["kind"] in pages_network.KIND_TEXT and 0 < edge["weight"] <= 1
    kinds = {(e["source"], e["target"], e["kind"]) for e in data["edges"]}
    assert ("me", f"p{net['sato']}", "tie") in kinds
    assert (f"p{net['sato']}", f"p{net['tanaka']}", "same_event") in kinds


def test_graph_json_filters(client: TestClient, net: dict[str, int]) -> None:
    def people(query: str) -> set[int]:
        data = client.get("/network/graph.json?" + query).json()
        return {n["person"] for n in data["nodes"] if n["person"] is not None}

    assert people("tag=ゴルフ") == {net["sato"]}
    assert people("industry=finance") == {net["sato"]}
    assert people(f"event={net['event']}") == {net["sato"], net["tanaka"]}
    # Only 佐藤 has been touched since we met: the others keep the default tie weight 0.5.
    assert net["sato"] in people("strength=20")
    assert people("people=1") == {next(iter(people("people=1")))}
    assert people("industry=nonsense&strength=7&people=abc") == people("")  # ignored, not 500


def test_path_search_lists_and_draws_the_paths(client: TestClient, net: dict[str, int]) -> None:
    page = client.get("/network", params={"target": "商社"})
    assert page.status_code == 200
    assert "Ask 佐藤 翔 first" in page.text
    assert f'href="/people/{net["suzuki"]}"' in page.text
    assert "Knows" in page.text and "Direct tie" in page.text
    assert "score" in page.text and "0.9^1" in page.text
    data = client.get("/network/graph.json", params={"target": "商社"}).json()
    best = data["paths"][0]
    assert best["first_to_ask"]["id"] == net["sato"]
    assert best["ids"] == ["me", f"p{net['sato']}", f"p{net['suzuki']}"]
    assert [h["kind"] for h in best["hops"]] == ["tie", "link"]
    shown = {n["id"] for n in data["nodes"]}
    assert set(best["ids"]) <= shown  # path people are drawn even when not my ties
    assert data["target"] == "Trading (industry)"


def test_path_search_in_japanese_and_unknown_targets(
    client: TestClient, net: dict[str, int]
) -> None:
    client.cookies.set("kinmyaku_lang", "ja")
    page = client.get("/network", params={"target": "鈴木 優子"})
    assert "まず佐藤 翔さんに相談" in page.text and "知り合い" in page.text
    page = client.get("/network", params={"target": "zzz-nobody"})
    assert page.status_code == 200
    assert "「zzz-nobody」に当てはまる人物・組織・業種・スキルはありません" in page.text
    data = client.get("/network/graph.json", params={"target": "zzz-nobody"}).json()
    assert data["paths"] == [] and "zzz-nobody" in data["error"]


def test_matchmaking_starts_an_introduction(
    client: TestClient, csrf: str, net: dict[str, int], sqlite_app: App
) -> None:
    page = client.get("/network/matches")
    assert "田中 大輔" in page.text and "伊藤 愛" in page.text and "採用" in page.text
    form = {"person_a": str(net["tanaka"]), "person_b": str(net["ito"]), "why": "採用"}
    refused = client.post("/network/matches", data=form, follow_redirects=False)
    assert refused.status_code == 403
    assert introductions.list_introductions(sqlite_app.uow()) == []
    done = client.post(
        "/network/matches", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    [intro] = introductions.list_introductions(sqlite_app.uow())
    assert (intro["a"]["id"], intro["b"]["id"], intro["why"], intro["state"]) == (
        net["tanaka"], net["ito"], "採用", "proposed",
    )  # fmt: skip
    ledger = client.get(done.headers["location"])
    assert f"Proposed introduction #{intro['id']}" in ledger.text
    assert "Asked 田中 大輔" in ledger.text and "Both agreed" in ledger.text


def test_ledger_moves_through_the_double_opt_in(
    client: TestClient, csrf: str, net: dict[str, int], sqlite_app: App
) -> None:
    intro = introductions.propose_introduction(
        sqlite_app.uow(), person_a=net["tanaka"], person_b=net["ito"], on=date(2026, 11, 25)
    )
    url = f"/network/introductions/{intro}"
    assert client.post(url, data={"state": "asked_a"}).status_code == 403
    for state in ("asked_a", "asked_b", "agreed", "introduced"):
        moved = client.post(url, data={"state": state, "csrf_token": csrf}, follow_redirects=False)
        assert moved.status_code == 303, moved.text
    assert introductions.list_introductions(sqlite_app.uow()) == []  # closed
    [done] = introductions.list_introductions(sqlite_app.uow(), include_closed=True)
    assert done["state"] == "introduced"
    back = client.post(url, data={"state": "declined", "csrf_token": csrf})
    assert back.status_code == 422 and "cannot change" in back.text
    page = client.get("/network/introductions?all=1")
    assert f'id="intro-{intro}"' in page.text and 'name="state"' not in page.text
    # Made, they now know each other: the map links them.
    edges = client.get("/network/graph.json").json()["edges"]
    assert {"source": f"p{net['tanaka']}", "target": f"p{net['ito']}", "kind": "link",
            "weight": 0.4} in edges  # fmt: skip


def test_brokers_page(client: TestClient, net: dict[str, int]) -> None:
    page = client.get("/network/brokers")
    assert page.status_code == 200
    assert "Connectors:" in page.text and "Clusters:" in page.text
    assert "佐藤 翔" in page.text  # the only bridge to 鈴木


def test_pages_stay_within_the_query_budget(
    client: TestClient, net: dict[str, int], sqlite_app: App
) -> None:
    for i in range(40):  # more people: the counts must not grow with them
        pid = person(sqlite_app, f"山田{i}", "", tags=["多数"], company=f"会社{i % 5}")
        relations.record_encounter(
            sqlite_app.uow(), person_id=pid, on=date(2026, 11, 1), event_id=net["event"]
        )
    budgets = {
        "/network": PAGE_BUDGET,
        "/network/graph.json": GRAPH_BUDGET,
        "/network/graph.json?tag=多数&strength=20": GRAPH_BUDGET,
        "/network?target=商社": PATH_BUDGET,
        "/network/graph.json?target=商社": PATH_BUDGET,
        "/network/matches": GRAPH_BUDGET,
        "/network/introductions": PAGE_BUDGET,
        "/network/brokers": GRAPH_BUDGET,
    }
    client.get("/network/graph.json")  # warm the password check and the graph cache
    for path, budget in budgets.items():
        with count_queries(sqlite_app) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        statements = [q for q in seen if q.strip().upper() not in ("BEGIN", "COMMIT")]
        assert len(statements) <= budget, (path, len(statements))


def test_every_network_text_has_japanese() -> None:
    ja = catalog("ja")
    shown = [*pages_network.KIND_TEXT.values(), *pages_network.MOVES.values(), "Network", "Me"]
    shown += ["proposed", "asked_a", "asked_b", "agreed", "introduced", "declined"]
    for msgid in shown:
        assert ja.get(msgid), msgid
    assert set(re.findall(r"\{(\w+)\}", ja["Asked {name}"])) == {"name"}


def test_the_map_page_loads_its_own_scripts_only(client: TestClient) -> None:
    page = client.get("/network")
    assert "<script>" not in page.text and " on" + "click=" not in page.text
    assert '<script src="/static/vendor/cytoscape.min.js" defer></script>' in page.text
    assert 'data-src="/network/graph.json"' in page.text
    for asset in ("/static/vendor/cytoscape.min.js", "/static/js/network-map.js",
                  "/static/css/network.css", "/static/vendor/cytoscape.LICENSE"):  # fmt: skip
        assert client.get(asset).status_code == 200, asset
