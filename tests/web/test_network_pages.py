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


@pytest.fixture
def firms(sqlite_app: App) -> dict[str, int]:
    """Me and 20 ties: 松田 (部長, the strongest) and 11 more at 株式会社東都不動産, five at three
    small IT firms, three with no company; 山本 at 東都 whom I have not met, known by 松田."""
    core = sqlite_app
    on = date(2026, 11, 1)
    ids: dict[str, int] = {}

    def met(key: str, family: str, given: str, **extra: Any) -> int:
        ids[key] = person(core, family, given, **extra)
        relations.record_encounter(core.uow(), person_id=ids[key], on=on)
        return ids[key]

    met("matsuda", "松田", "亮太", company="株式会社東都不動産", industry="real_estate",
        title="部長")  # fmt: skip
    for n in range(11):
        met(f"tohto{n}", "東都", f"社員{n}", company="株式会社東都不動産")
    for n in range(5):
        met(f"it{n}", "開発", f"者{n}", company=f"小さなIT{n % 3}", industry="it")
    for n in range(3):
        met(f"solo{n}", "個人", f"{n}")
    for day in (10, 15, 20, 24):  # 松田 is my strongest tie
        relations.log_interaction(core.uow(), person_ids=[ids["matsuda"]], on=date(2026, 11, day))
    ids["yamamoto"] = person(core, "山本", "花子", company="株式会社東都不動産", title="課長")
    relations.link_people(core.uow(), person_a=ids["matsuda"], person_b=ids["yamamoto"], on=on)
    with core.uow() as conn:
        from kinmyaku.storage.schema import organizations, people

        conn.execute(people.update().where(people.c.id == ids["yamamoto"]).values(met=False))
        ids["tohto"] = conn.execute(
            organizations.select().where(organizations.c.name == "株式会社東都不動産")
        ).one()[0]
    return ids


def test_the_map_opens_on_my_strongest_ties_and_labelled_groups(
    client: TestClient, firms: dict[str, int]
) -> None:
    response = client.get("/network/graph.json?people=3")
    data = response.json()
    assert data["view"] == "overview"
    people = [n for n in data["nodes"] if n["kind"] == "person"]
    assert people[0]["person"] == firms["matsuda"] or firms["matsuda"] in {
        n["person"] for n in people
    }
    assert len(people) == 3 and data["shown"] == 3
    me = next(n for n in data["nodes"] if n["kind"] == "me")
    assert me["label"] == "Me" and me["ring"] == 0
    groups = {n["group"]: n for n in data["nodes"] if n["kind"] == "group"}
    tohto = groups[f"org:{firms['tohto']}"]
    assert tohto["label"] == f"株式会社東都不動産 · {tohto['count']} people"
    assert tohto["count"] >= 9 and tohto["list"].startswith("/people?company=")
    assert groups["industry:it"]["label"] == "IT & telecom firms · 5 people"
    assert groups["other"]["label"] == "Everyone else · 3 people"
    assert data["grouped"] == sum(g["count"] for g in groups.values()) == 20 - 3
    assert {("me", g["id"], "group") for g in groups.values()} <= {
        (e["source"], e["target"], e["kind"]) for e in data["edges"]
    }
    # Japanese: 株式会社東都不動産 · 9人
    client.cookies.set("kinmyaku_lang", "ja")
    ja = client.get("/network/graph.json?people=3").json()
    labels = {n["label"] for n in ja["nodes"]}
    assert f"株式会社東都不動産 · {tohto['count']}人" in labels and "その他の人 · 3人" in labels
    word = next(n["word"] for n in ja["nodes"] if n["person"] == firms["matsuda"])
    assert word in ("強い", "ふつう", "弱い")


def test_a_group_opens_to_its_members(client: TestClient, firms: dict[str, int]) -> None:
    key = f"org:{firms['tohto']}"
    data = client.get("/network/graph.json", params={"people": "3", "group": key}).json()
    assert data["view"] == "group" and data["group"] == f"g-org-{firms['tohto']}"
    assert len(data["nodes"]) == data["count"] >= 9 and data["more"] == 0
    assert {n["parent"] for n in data["nodes"]} == {data["group"]}
    assert all(n["role"].startswith("株式会社東都不動産") for n in data["nodes"])
    for bad in ("org:999999", "nonsense", "org:1; drop"):
        missing = client.get("/network/graph.json", params={"group": bad})
        assert missing.status_code == 404, bad


def test_focus_on_a_person(client: TestClient, firms: dict[str, int]) -> None:
    data = client.get(f"/network/graph.json?focus={firms['yamamoto']}").json()
    assert data["view"] == "focus"
    assert data["focus"]["label"] == "山本 花子" and data["focus"]["centre"]
    assert data["focus"]["role"] == "株式会社東都不動産, 課長"
    assert data["focus"]["word"] == ""  # not a tie of mine
    shown = {n["id"] for n in data["nodes"]}
    assert {"me", f"p{firms['matsuda']}", f"p{firms['yamamoto']}"} <= shown
    [best] = data["paths"]
    assert best["ids"] == ["me", f"p{firms['matsuda']}", f"p{firms['yamamoto']}"]
    assert best["advice"] == "Ask 松田 亮太 (株式会社東都不動産, 部長) to introduce you"
    assert client.get("/network/graph.json?focus=999999").status_code == 404
    # The search box above the map: a name, or #id.
    page = client.get("/network", params={"focus": "山本 花子"})
    assert f"focus={firms['yamamoto']}" in page.text
    page = client.get("/network", params={"focus": "zzz-nobody"})
    assert page.status_code == 200 and "Nobody matches &#39;zzz-nobody&#39;" in page.text


def test_a_warm_path_reads_in_plain_words(client: TestClient, firms: dict[str, int]) -> None:
    page = client.get("/network", params={"target": "org:株式会社東都不動産"})
    first = page.text[page.text.index('id="path-0"') :]
    first = first[: first.index("</li>\n      \n")] if "</li>\n      \n" in first else first
    visible = first[: first.index("<details")]
    assert "Ask 松田 亮太 (株式会社東都不動産, 部長) to introduce you" in visible
    assert "松田 亮太 works at 株式会社東都不動産" in visible
    assert "Strength: Strong" in visible or "Strength: Fair" in visible
    assert "score" not in visible and "0." not in visible  # the number only in the details
    assert "score" in first[first.index("<details") :]
    client.cookies.set("kinmyaku_lang", "ja")
    page = client.get("/network", params={"target": "org:株式会社東都不動産"})
    assert "松田 亮太さん（株式会社東都不動産・部長）に紹介を頼む" in page.text
    assert "松田 亮太さんは株式会社東都不動産にお勤めです" in page.text
    assert "つながりの強さ：" in page.text
    # A person I know myself: contact them directly.
    page = client.get("/network", params={"target": f"person:#{firms['matsuda']}"})
    assert "松田 亮太さん（株式会社東都不動産・部長）に直接連絡する" in page.text
    # Two hops: ask 松田 to introduce 山本; each hop with its strength in words.
    page = client.get("/network", params={"target": "山本 花子"})
    assert "松田 亮太さん（株式会社東都不動産・部長）に紹介を頼む" in page.text
    assert "知り合い · ふつう" in page.text  # 松田 knows 山本 (0.4)


def test_the_map_stays_bounded_and_cheap(
    client: TestClient, firms: dict[str, int], sqlite_app: App
) -> None:
    client.get("/network/graph.json")  # warm the password check and the graph cache
    for path in (
        "/network/graph.json",
        f"/network/graph.json?people=3&group=org:{firms['tohto']}",
        f"/network/graph.json?focus={firms['yamamoto']}",
        "/network?focus=山本",
    ):
        with count_queries(sqlite_app) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        statements = [q for q in seen if q.strip().upper() not in ("BEGIN", "COMMIT")]
        assert len(statements) <= GRAPH_BUDGET, (path, len(statements))
    data = client.get("/network/graph.json?people=100&groups=99").json()
    assert len(data["nodes"]) <= 1 + 100 + pages_network.MAX_GROUPS


def test_the_server_builds_the_graph_as_it_starts(sqlite_app: App, firms: dict[str, int]) -> None:
    from kinmyaku.services import network
    from kinmyaku.web.upkeep import NetworkWarmup

    small = NetworkWarmup(sqlite_app)  # 21 people: built on the first request, no thread
    small.start()
    assert small.ready.is_set() and small._thread is None and small.builds == 0
    warm = NetworkWarmup(sqlite_app, min_people=1)
    warm.start()
    try:
        assert warm.ready.wait(30) and warm.builds == 1
        built = network.build_network(sqlite_app.uow(), today=sqlite_app.today())
        assert network.build_network(sqlite_app.uow(), today=sqlite_app.today()) is built
        person(sqlite_app, "新人", "一郎")  # a change: the next look builds it again
        warm.build()
        assert warm.builds == 2
        assert network.build_network(sqlite_app.uow(), today=sqlite_app.today()) is not built
        warm.build()  # nothing changed: nothing built
        assert warm.builds == 2
    finally:
        warm.stop()
    assert warm._thread is not None and not warm._thread.is_alive()
    web = create_app(sqlite_app)
    assert web.state.upkeep.network.min_people == 2000


def test_only_writes_to_what_the_graph_reads_count_as_changes() -> None:
    from kinmyaku.services.network import _WriteCounter

    counter = _WriteCounter()
    for statement, counted in (
        ("SELECT count(*) FROM people", 0),
        ("INSERT INTO sessions (id) VALUES (?)", 0),  # every request may write its session
        ("UPDATE touch_summary SET day = ?", 0),
        ("INSERT INTO people (family_name) VALUES (?)", 1),
        ('UPDATE "links" SET kind = ?', 1),
        ("DELETE FROM encounters WHERE id = ?", 1),
        ("INSERT OR REPLACE INTO affiliations VALUES (?)", 1),
        ("WITH moved AS (SELECT 1) INSERT INTO anything SELECT * FROM moved", 1),  # unsure: yes
    ):
        before = counter.count
        counter(None, None, statement, None, None, False)
        assert counter.count - before == counted, statement
