"""People use cases on SQLite and PostgreSQL: add, edit, resolve, search, list, delete."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import AmbiguousPerson, NotFound, ValidationError
from kinmyaku.services import people as svc
from kinmyaku.services.people import PersonInput
from kinmyaku.storage.schema import affiliations, contact_points, people


def add(app: App, family: str, given: str = "", **kw: object) -> int:
    return svc.add_person(app.uow(), PersonInput(family_name=family, given_name=given, **kw))  # type: ignore[arg-type]


def test_add_person_stores_readings_contacts_job(app: App) -> None:
    pid = add(
        app,
        "髙橋",
        "健太",
        family_reading="タカハシ",
        given_reading="けんた",
        emails=["Kenta@Example.co.jp"],
        phones=["090-1234-5678"],
        tags=["ゴルフ"],
        company="株式会社サンプル",
        title="部長",
        industry="it",
    )
    found = svc.show_person(app.uow(), pid)
    assert found.summary.name == "髙橋 健太"
    assert found.summary.reading == "たかはし けんた"
    assert not found.summary.reading_inferred
    assert found.romaji == "Takahashi Kenta"
    assert found.summary.company == "株式会社サンプル" and found.summary.title == "部長"
    assert [c["normalized"] for c in found.contacts] == ["Kenta@example.co.jp", "+819012345678"]
    assert [c["display"] for c in found.contacts][1] == "090-1234-5678"
    assert found.tags == ["ゴルフ"]


def test_reading_is_inferred_and_marked(app: App) -> None:
    pid = add(app, "佐藤", "翔太")
    summary = svc.show_person(app.uow(), pid).summary
    assert summary.reading == "さとう しょうた" and summary.reading_inferred


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("email", {"emails": ["not-an-email"]}),
        ("phone", {"phones": ["12"]}),
        ("family_reading", {"family_reading": "高橋"}),
        ("industry", {"industry": "space"}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    app: App, field: str, kwargs: dict[str, object]
) -> None:
    with pytest.raises(ValidationError) as info:
        add(app, "高橋", "健太", **kwargs)
    assert info.value.field == field
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(contact_points)).scalar_one() == 0


def test_job_change_keeps_history(app: App) -> None:
    pid = add(app, "田中", "一郎", company="旧社", title="主任")
    svc.edit_person(app.uow(), pid, PersonInput(company="新社", title="課長"))
    jobs = svc.show_person(app.uow(), pid).affiliations
    assert [(j["organization"], j["is_current"]) for j in jobs] == [("新社", True), ("旧社", False)]
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(affiliations)).scalar_one() == 2


def test_edit_renames_and_reindexes(app: App) -> None:
    pid = add(app, "山田", "太郎")
    svc.edit_person(app.uow(), pid, PersonInput(family_name="山崎"))
    assert [p.id for p in svc.search_people(app.uow(), "山﨑")] == [pid]
    assert svc.search_people(app.uow(), "山田") == []
    assert svc.show_person(app.uow(), pid).summary.reading == "やまざき たろう"


def test_search_every_spelling_and_ranking(app: App) -> None:
    kenta = add(
        app,
        "髙橋",
        "健太",
        family_reading="たかはし",
        given_reading="けんた",
        company="ソニー",
        company_reading="そにー",
    )
    misaki = add(
        app,
        "高橋",
        "美咲",
        family_reading="たかはし",
        given_reading="みさき",
        notes="ゴルフ好き。箱根で会った",
    )
    ishibashi = add(app, "石橋", "誠", family_reading="いしばし", given_reading="まこと")
    sato = add(
        app,
        "佐藤",
        "",
        family_reading="さとう",
        emails=["sato@example.jp"],
        phones=["03-1234-5678"],
        tags=["起業家"],
    )
    for q in [
        "高橋",
        "髙橋",
        "たかはし",
        "タカハシ",
        "ﾀｶﾊｼ",
        "takahashi",
        "Takahashi",
        "TAKAHASHI",
    ]:
        assert {p.id for p in svc.search_people(app.uow(), q)} == {kenta, misaki}, q
    for q in [
        "Satō",
        "Sato",
        "Satou",
        "Satoh",
        "さとう",
        "sato@example.jp",
        "0312345678",
        "03-1234-5678",
        "+81 3 1234 5678",
        "起業家",
    ]:
        assert [p.id for p in svc.search_people(app.uow(), q)] == [sato], q
    assert [p.id for p in svc.search_people(app.uow(), "高橋 健太")] == [kenta]
    assert [p.id for p in svc.search_people(app.uow(), "Kenta Takahashi")] == [kenta]
    assert [p.id for p in svc.search_people(app.uow(), "そにー")] == [kenta]
    assert [p.id for p in svc.search_people(app.uow(), "箱根で会")] == [misaki]
    # exact name first, then reading prefix, then substring ("橋" is inside 石橋 and 高橋)
    ranked = [p.id for p in svc.search_people(app.uow(), "橋")]
    assert set(ranked) == {kenta, misaki, ishibashi}
    assert svc.count_people(app.uow(), "たかはし") == 2
    assert svc.search_people(app.uow(), "存在しない名前") == []


def test_resolve_person_by_id_name_or_ambiguity(app: App) -> None:
    a = add(app, "高橋", "健太")
    b = add(app, "高橋", "美咲")
    assert svc.resolve_person(app.uow(), str(a)) == a
    assert svc.resolve_person(app.uow(), f"#{b}") == b
    assert svc.resolve_person(app.uow(), "美咲") == b
    with pytest.raises(AmbiguousPerson) as info:
        svc.resolve_person(app.uow(), "高橋")
    assert {c[0] for c in info.value.candidates} == {a, b}
    with pytest.raises(NotFound):
        svc.resolve_person(app.uow(), "9999")
    with pytest.raises(NotFound):
        svc.resolve_person(app.uow(), "誰も")


def test_list_follows_gojuon_order(app: App) -> None:
    for family, reading in [
        ("渡辺", "わたなべ"),
        ("阿部", "あべ"),
        ("加藤", "かとう"),
        ("伊藤", "いとう"),
    ]:
        add(app, family, family_reading=reading)
    names = [p.name for p in svc.list_people(app.uow())]
    assert names == ["阿部", "伊藤", "加藤", "渡辺"]
    assert len(svc.list_people(app.uow(), limit=2, offset=1)) == 2


def test_tags_and_delete(app: App) -> None:
    pid = add(app, "小林", "誠")
    assert svc.tag_person(app.uow(), pid, add=["IT", "ゴルフ"]) == ["IT", "ゴルフ"]
    assert svc.tag_person(app.uow(), pid, remove=["IT"]) == ["ゴルフ"]
    assert [p.id for p in svc.search_people(app.uow(), "ゴルフ")] == [pid]
    svc.delete_person(app.uow(), pid)
    assert svc.search_people(app.uow(), "小林") == []
    with pytest.raises(NotFound):
        svc.delete_person(app.uow(), pid)


def test_exact_fast_path_gives_the_same_first_page(app: App) -> None:
    """A page filled by exact matches equals the head of the fully ranked list."""
    givens = [
        ("健太", "けんた"),
        ("愛", "あい"),
        ("翔", "しょう"),
        ("美咲", "みさき"),
        ("蓮", "れん"),
    ]
    for given, reading in givens:
        add(app, "高橋", given, family_reading="たかはし", given_reading=reading)
    add(app, "高橋本", "誠", family_reading="たかはしもと", given_reading="まこと")
    for query in ("高橋", "たかはし", "Takahashi"):
        full = [p.id for p in svc.search_people(app.uow(), query, limit=None)]
        assert len(full) == 6
        for offset in (0, 2):
            page = [p.id for p in svc.search_people(app.uow(), query, limit=2, offset=offset)]
            assert page == full[offset : offset + 2], (query, offset)
        names = [p.name for p in svc.search_people(app.uow(), query, limit=5)]
        assert names == ["高橋 愛", "高橋 健太", "高橋 翔", "高橋 美咲", "高橋 蓮"]
