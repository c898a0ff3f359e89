"""Warm paths, targets and matchmaking on a hand-built network (SQLite and PostgreSQL).

The network (weights from domain/network/graph.py; nobody is touched, so ties are 0.5)::

    me -0.5- 朝倉(A) -link 0.4- 田中(T)          A offers 税務相談
    me -0.5- 馬場(B) -link 0.4- 千葉(C) -link 0.4- T   B needs 税務相談
    me -0.5- 土井(D) -colleague 0.3- T   (both at テスト商事, industry trading)
    B -introduced 0.6-> 福田(F)   (an encounter with F, introducer B; F not met)

Paths to T: A,T = 0.5*0.4*0.9 = 0.18; D,T = 0.5*0.3*0.9 = 0.135;
B,C,T = 0.5*0.4*0.4*0.81 = 0.0648.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.domain.errors import NotFound
from kinmyaku.services import network as net
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import link_people, log_interaction, record_encounter

TODAY = date(2026, 11, 26)


def person(app: App, family: str, reading: str, **kw: object) -> int:
    return add_person(
        app.uow(),
        PersonInput(family_name=family, given_name="太郎", family_reading=reading, **kw),  # type: ignore[arg-type]
    )


@pytest.fixture
def people(app: App) -> dict[str, int]:
    ids = {
        "A": person(app, "朝倉", "あさくら", offers="税務相談、経理"),
        "B": person(app, "馬場", "ばば", needs="税務相談"),
        "C": person(app, "千葉", "ちば", met=False),
        "D": person(app, "土井", "どい", company="テスト商事", industry="trading"),
        "T": person(app, "田中", "たなか", met=False, company="テスト商事", offers="ウェブ制作"),
        "F": person(app, "福田", "ふくだ", met=False),
    }
    link_people(app.uow(), person_a=ids["A"], person_b=ids["T"])
    link_people(app.uow(), person_a=ids["B"], person_b=ids["C"])
    link_people(app.uow(), person_a=ids["C"], person_b=ids["T"])
    record_encounter(app.uow(), person_id=ids["F"], on=date(2026, 1, 10), introducer_id=ids["B"])
    return ids


def paths_to(app: App, target: str, k: int = 3) -> tuple[net.Target, list[net.PathView]]:
    return net.find_paths(app.uow(), target=target, today=TODAY, limit=k)


def ids_of(path: net.PathView) -> list[int]:
    return [pid for pid, _ in path.people]


def test_best_paths_to_a_person_ranked_by_hand_computed_score(
    app: App, people: dict[str, int]
) -> None:
    target, paths = paths_to(app, "田中")
    assert target.kind == "person" and target.people == (people["T"],)
    assert [ids_of(p) for p in paths] == [
        [people["A"], people["T"]],
        [people["D"], people["T"]],
        [people["B"], people["C"], people["T"]],
    ]
    assert [p.score for p in paths] == pytest.approx([0.18, 0.135, 0.0648])
    assert [k for k, _ in paths[1].hops] == ["tie", "colleague"]
    data = paths[0].to_json("en")
    assert data["first_to_ask"] == {"id": people["A"], "name": "朝倉 太郎"}
    assert "Ask 朝倉 太郎 first" in data["explanation"] and "0.180" in data["explanation"]


def test_introducer_edge_from_an_encounter(app: App, people: dict[str, int]) -> None:
    _, paths = paths_to(app, f"person:{people['F']}", k=1)
    assert ids_of(paths[0]) == [people["B"], people["F"]]
    assert paths[0].hops[1] == ("introduced", 0.6)
    assert paths[0].score == pytest.approx(0.5 * 0.6 * 0.9)


def test_org_industry_and_skill_targets(app: App, people: dict[str, int]) -> None:
    org, paths = paths_to(app, "テスト商事")
    assert org.kind == "org" and set(org.people) == {people["D"], people["T"]}
    assert ids_of(paths[0]) == [people["D"]] and paths[0].score == pytest.approx(0.5)
    for text in ("industry:trading", "商社", "Trading"):
        industry, paths = paths_to(app, text)
        assert industry.kind == "industry"
        assert set(industry.people) == {people["D"], people["T"]}  # industry is the org's
    skill, paths = paths_to(app, "skill:うぇぶ制作")
    assert skill.kind == "skill" and skill.people == (people["T"],)
    assert paths[0].score == pytest.approx(0.18)
    prefix, _ = paths_to(app, "ﾃｽﾄ")  # half-width prefix of テスト商事
    assert prefix.kind == "org" and set(prefix.people) == {people["D"], people["T"]}
    detected, _ = paths_to(app, "ウェブ")
    assert detected.kind == "skill"
    with pytest.raises(NotFound):
        paths_to(app, "存在しない何か")
    with pytest.raises(NotFound):
        paths_to(app, "org:存在しない会社")


def test_a_person_wins_over_an_organisation_prefix(app: App, people: dict[str, int]) -> None:
    person(app, "岡", "おか", company="田中商店")
    target, _ = paths_to(app, "田中")
    assert target.kind == "person" and target.people == (people["T"],)
    shop, _ = paths_to(app, "田中商店")
    assert shop.kind == "org"


def test_tie_weight_follows_relationship_strength(app: App, people: dict[str, int]) -> None:
    log_interaction(app.uow(), person_ids=[people["A"]], on=TODAY, kind="meeting")
    strength = 100 * (0.3 * 1 + 0.2 / 12 + 0.3 * (1 - math.exp(-math.log(2) / 4)))
    with app.uow() as conn:
        assert net.tie_strengths(conn, TODAY)[people["A"]] == pytest.approx(strength)
    _, paths = paths_to(app, "田中")
    # 0.364 * 0.4 * 0.9 = 0.131 now ranks below D's colleague path (0.135).
    assert [ids_of(p)[0] for p in paths] == [people["D"], people["A"], people["B"]]
    assert paths[1].hops[0][1] == pytest.approx(strength / 100, abs=1e-6)
    assert paths[1].score == pytest.approx(strength / 100 * 0.4 * 0.9, abs=1e-6)


def test_graph_cache_follows_database_changes(app: App, people: dict[str, int]) -> None:
    first = net.build_network(app.uow(), today=TODAY)
    assert net.build_network(app.uow(), today=TODAY) is first
    link_people(app.uow(), person_a=people["A"], person_b=people["F"])
    second = net.build_network(app.uow(), today=TODAY)
    assert second is not first
    a, f = second.index_of(people["A"]), second.index_of(people["F"])
    assert a is not None and f is not None and second.edge(a, f) is not None


def test_matchmaking_pairs_offer_with_need(app: App, people: dict[str, int]) -> None:
    matches = net.find_introduction_matches(app.uow(), today=TODAY)
    assert len(matches) == 1
    m = matches[0]
    assert {m["a"]["id"], m["b"]["id"]} == {people["A"], people["B"]}
    assert m["a_gives_b"] + m["b_gives_a"] == ["税務相談"]
    assert m["score"] == pytest.approx(0.5)
    link_people(app.uow(), person_a=people["A"], person_b=people["B"])
    assert net.find_introduction_matches(app.uow(), today=TODAY) == []


def test_brokers_name_the_connector(app: App, people: dict[str, int]) -> None:
    found = net.find_brokers(app.uow(), today=TODAY)
    # T joins A, C and D; C joins B's side to T: T bridges the most shortest paths.
    assert found["connectors"][0]["id"] == people["T"]
    assert sum(c["size"] for c in found["clusters"]) <= len(people)
    result = CliRunner().invoke(
        cli_app, ["--db", app.settings.database_url, "--lang", "ja", "brokers", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["connectors"][0]["name"] == "田中 太郎"
