"""The map's bounded views and warm paths in words, on SQLite and PostgreSQL.

Me and 14 ties: 松田 (部長, the strongest) and five more at 株式会社東都不動産, four at two
small IT firms (two each), three with no company; 山本 (課長) at 東都, not met, known by 松田.
"""

from __future__ import annotations

from datetime import date

import pytest

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import NotFound
from kinmyaku.services import network as net
from kinmyaku.services import network_map as view
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import link_people, log_interaction, record_encounter
from kinmyaku.storage.schema import organizations, people

TODAY = date(2026, 11, 26)
MET = date(2026, 11, 1)


@pytest.fixture
def firms(app: App) -> dict[str, int]:
    """The network above; returns ids by name (and the organisation id of 東都)."""
    ids: dict[str, int] = {}

    def add(key: str, family: str, given: str, **extra: object) -> int:
        ids[key] = add_person(
            app.uow(),
            PersonInput(family_name=family, given_name=given, **extra),  # type: ignore[arg-type]
        )
        record_encounter(app.uow(), person_id=ids[key], on=MET)
        return ids[key]

    add("matsuda", "松田", "亮太", company="株式会社東都不動産", industry="real_estate",
        title="部長")  # fmt: skip
    for n in range(5):
        add(f"tohto{n}", "東都", f"社員{n}", company="株式会社東都不動産")
    for n in range(4):
        add(f"it{n}", "開発", f"者{n}", company=f"小さなIT{n % 2}", industry="it")
    for n in range(3):
        add(f"solo{n}", "個人", f"{n}")
    for day in (10, 15, 20, 24):
        log_interaction(app.uow(), person_ids=[ids["matsuda"]], on=date(2026, 11, day))
    ids["yamamoto"] = add_person(
        app.uow(),
        PersonInput(family_name="山本", given_name="花子", company="株式会社東都不動産",
                    title="課長"),
    )  # fmt: skip
    link_people(app.uow(), person_a=ids["matsuda"], person_b=ids["yamamoto"], on=MET)
    with app.uow() as conn:
        conn.execute(people.update().where(people.c.id == ids["yamamoto"]).values(met=False))
        ids["tohto"] = conn.execute(
            organizations.select().where(organizations.c.name == "株式会社東都不動産")
        ).one()[0]
    return ids


def test_overview_groups_and_focus(app: App, firms: dict[str, int]) -> None:
    filters = view.MapFilters(people=2, groups=8)
    data = view.overview(app.uow(), today=TODAY, filters=filters, paths=[], lang="ja")
    singles = [n["person"] for n in data["nodes"] if n["kind"] == "person"]
    assert singles[0] == firms["matsuda"] or firms["matsuda"] in singles
    assert len(singles) == 2 and data["matching"] == 13
    groups = {n["group"]: n["label"] for n in data["nodes"] if n["kind"] == "group"}
    assert groups[f"org:{firms['tohto']}"].startswith("株式会社東都不動産 · ")
    assert groups["industry:it"] == "IT・通信の各社 · 4人"
    assert groups["other"] == "その他の人 · 3人"
    opened = view.group_members(
        app.uow(), today=TODAY, filters=filters, key="industry:it", lang="en"
    )
    assert sorted(n["person"] for n in opened["nodes"]) == sorted(firms[f"it{n}"] for n in range(4))
    with pytest.raises(NotFound):
        view.group_members(app.uow(), today=TODAY, filters=filters, key="org:0", lang="en")
    focus = view.focus(app.uow(), today=TODAY, person_id=firms["yamamoto"], lang="ja")
    assert focus["focus"]["role"] == "株式会社東都不動産・課長"
    assert focus["paths"][0]["advice"] == "松田 亮太さん（株式会社東都不動産・部長）に紹介を頼む"


def test_paths_in_plain_words(app: App, firms: dict[str, int]) -> None:
    _, paths = net.find_paths(app.uow(), target="org:株式会社東都不動産", today=TODAY, lang="ja")
    best = paths[0]
    assert best.people[0] == (firms["matsuda"], "松田 亮太") and len(best.people) == 1
    assert best.advice("ja") == "松田 亮太さん（株式会社東都不動産・部長）に紹介を頼む"
    assert best.advice("en") == "Ask 松田 亮太 (株式会社東都不動産, 部長) to introduce you"
    assert best.works_at("ja") == "松田 亮太さんは株式会社東都不動産にお勤めです"
    assert best.strength in ("Strong", "Fair", "Weak")
    _, [to_yamamoto, *_] = net.find_paths(app.uow(), target="山本 花子", today=TODAY)
    assert [p for p, _ in to_yamamoto.people] == [firms["matsuda"], firms["yamamoto"]]
    assert to_yamamoto.works_at("en") == ""  # a person target: nothing to add
    assert to_yamamoto.role(1, "en") == "株式会社東都不動産, 課長"
    data = to_yamamoto.to_json("en")
    assert data["advice"].startswith("Ask 松田 亮太") and data["strength"] in ("Fair", "Weak")
