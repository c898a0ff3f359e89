"""A person's other names (``person_aliases``) are search terms of the person: after a
merge, until its undo, after an import that joins a record under another name, and no
longer once the person is deleted (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, insert, select

from kinmyaku.bootstrap import App
from kinmyaku.domain.search_keys import AliasKeys, Field, PersonKeys, person_index
from kinmyaku.services import backup
from kinmyaku.services import people as svc
from kinmyaku.services.identity import merging
from kinmyaku.services.importing import import_files, undo_import
from kinmyaku.services.people import PersonInput
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import person_aliases, search_names, search_terms
from kinmyaku.storage.search import TIER_EXACT, matched_aliases, search_people
from kinmyaku.storage.search_index import reindex_aliased

WATANABE_QUERIES = (
    "渡辺",
    "わたなべ",
    "ワタナベ",
    "ﾜﾀﾅﾍﾞ",
    "watanabe",
    "Watanabe",
    "渡邊",
    "渡辺 香織",
)


def _add(app: App, family: str, given: str, family_r: str, given_r: str, **kw: object) -> int:
    data = PersonInput(
        family_name=family,
        given_name=given,
        family_reading=family_r,
        given_reading=given_r,
        **kw,  # type: ignore[arg-type]
    )
    return svc.add_person(app.uow(), data)


def _found(app: App, query: str) -> dict[int, int]:
    with app.uow() as conn:
        return dict(search_people(conn, query, limit=None))


def _ids(app: App, query: str) -> list[int]:
    """The ids the people search use case shows, in order (a person once)."""
    return [s.id for s in svc.search_people(app.uow(), query)]


def _index_size(app: App, person_id: int) -> tuple[int, int]:
    with app.uow() as conn:
        terms = conn.execute(
            select(func.count()).where(search_terms.c.person_id == person_id)
        ).scalar_one()
        names = conn.execute(
            select(func.count()).where(search_names.c.person_id == person_id)
        ).scalar_one()
    return int(terms), int(names)


def test_alias_terms_are_name_terms_of_the_person() -> None:
    own = PersonKeys("石井", "香織", "いしい", "かおり")
    both = PersonKeys("石井", "香織", "いしい", "かおり", aliases=(AliasKeys("渡辺", "香織"),))
    terms, inside = person_index(both)
    keys = {(t.term, t.field) for t in terms}
    assert set(person_index(own)[0]) <= set(terms)
    # The alias had no reading: inferred, as a person's is, with its romaji.
    assert {("渡辺香織", Field.NAME), ("ワタナベカオリ", Field.READING)} <= keys
    assert ("watanabekaori", Field.ROMAJI) in keys
    assert "渡辺香織" in inside and "石井香織" in inside
    assert len({(t.term, t.field, t.pos) for t in terms}) == len(terms)


def test_an_alias_equal_to_a_word_of_the_name_makes_it_whole() -> None:
    keys = PersonKeys("Van Dyke", "Mary", aliases=(AliasKeys("Dyke", ""),))
    (dyke,) = [t for t in person_index(keys)[0] if t.term == "dyke" and t.field == Field.NAME]
    assert dyke.whole and dyke.pos == 0


def test_merged_name_is_found_until_the_merge_is_undone(app: App) -> None:
    ishii = _add(app, "石井", "香織", "いしい", "かおり", emails=["kaori@example.jp"])
    watanabe = _add(app, "渡辺", "香織", "わたなべ", "かおり", phones=["090-1234-5678"])
    other = _add(app, "渡辺", "健", "わたなべ", "けん")
    before = {q: _found(app, q) for q in WATANABE_QUERIES}
    for query, found in before.items():
        assert watanabe in found and ishii not in found, query

    merge_id = merging.merge_people(app.uow(), keep=ishii, other=watanabe)
    for query in WATANABE_QUERIES:
        found = _found(app, query)
        assert ishii in found and watanabe not in found, query
        if query != "渡辺 香織":
            assert other in found, query  # the namesake is still found by her own name
    assert _found(app, "渡辺 香織")[ishii] == TIER_EXACT
    assert _found(app, "石井")[ishii] == TIER_EXACT
    assert set(_found(app, "ishii")) == {ishii}
    assert set(_found(app, "5678")) == {ishii}  # her phone moved to the kept record
    assert _found(app, "なべか") == {ishii: _found(app, "なべか")[ishii]}  # a substring
    # The list shows her own name, once.
    (shown,) = svc.search_people(app.uow(), "渡辺 香織")
    assert (shown.id, shown.name) == (ishii, "石井 香織")

    merging.undo_merge(app.uow(), merge_id=merge_id)
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(person_aliases)).scalar_one() == 0
    for query in WATANABE_QUERIES:
        found = _found(app, query)
        assert watanabe in found and ishii not in found, query
    assert set(_found(app, "石井")) == {ishii}
    assert set(_found(app, "ishii")) == {ishii}
    assert set(_found(app, "なべか")) == {watanabe}
    assert set(_found(app, "5678")) == {watanabe}
    assert set(_found(app, "kaori@example.jp")) == {ishii}
    assert _found(app, "渡辺 香織") == before["渡辺 香織"]


def test_undo_rebuilds_the_index_exactly(app: App) -> None:
    a = _add(app, "石井", "香織", "いしい", "かおり")
    b = _add(app, "渡辺", "香織", "わたなべ", "かおり", tags=["大学"])

    def index() -> list[tuple[object, ...]]:
        with app.uow() as conn:
            terms = conn.execute(select(search_terms).order_by(*search_terms.c)).all()
            names = conn.execute(select(search_names).order_by(search_names.c.person_id)).all()
        return [tuple(r) for r in [*terms, *names]]

    start = index()
    merge_id = merging.merge_people(app.uow(), keep=a, other=b)
    assert index() != start
    merging.undo_merge(app.uow(), merge_id=merge_id)
    assert index() == start


def test_import_joining_a_romaji_name_finds_the_person_once(app: App, tmp_path: Path) -> None:
    kenta = _add(app, "高橋", "健太", "たかはし", "けんた", emails=["kenta@sample.example"])
    other = _add(app, "佐藤", "健太", "さとう", "けんた")
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Kenta,Takahashi,https://www.linkedin.com/in/kenta-t,kenta@sample.example,"
        "Sample Inc.,Manager,01 Dec 2024\n",
        encoding="utf-8",
    )
    report = import_files(app.uow(), paths=[linkedin])
    assert report.counts["created"] == 0
    with app.uow() as conn:
        aliases = conn.execute(
            select(person_aliases.c.person_id, person_aliases.c.family_name)
        ).all()
    assert [tuple(a) for a in aliases] == [(kenta, "Takahashi")]
    assert _ids(app, "Kenta").count(kenta) == 1
    assert set(_ids(app, "Kenta")) == {kenta, other}
    assert _ids(app, "Kenta Takahashi") == [kenta]
    assert _ids(app, "Takahashi Kenta") == [kenta]
    assert svc.count_people(app.uow(), "Kenta") == 2
    # The search names the person by the name they are kept under.
    assert svc.search_people(app.uow(), "Kenta Takahashi")[0].name == "高橋 健太"
    # An alias only of this import goes when it is undone, and its terms with it.
    latin = (search_terms.c.term == "takahashikenta") & (search_terms.c.field == Field.NAME)
    with app.uow() as conn:
        assert conn.execute(select(search_terms.c.person_id).where(latin)).all() == [(kenta,)]
    with_alias = _index_size(app, kenta)
    undo_import(app.uow(), import_id=report.import_id or 0)
    assert _index_size(app, kenta)[0] < with_alias[0]
    with app.uow() as conn:
        assert conn.execute(select(search_terms.c.person_id).where(latin)).all() == []
    assert _ids(app, "Kenta Takahashi") == [kenta]  # by the romaji of her own reading


def test_import_joining_a_maiden_name_finds_her_by_it(app: App, tmp_path: Path) -> None:
    ishii = _add(app, "石井", "香織", "いしい", "かおり", emails=["kaori@example.jp"])
    card = tmp_path / "kaori.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:渡辺;香織;;;\r\nEMAIL:kaori@example.jp\r\n"
        "TEL;TYPE=CELL:090-1111-2222\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = import_files(app.uow(), paths=[card])
    assert report.counts["created"] == 0
    with app.uow() as conn:
        kept = conn.execute(select(person_aliases.c.person_id, person_aliases.c.family_name))
        assert [tuple(row) for row in kept] == [(ishii, "渡辺")]
    assert [s.name for s in svc.search_people(app.uow(), "渡辺")] == ["石井 香織"]
    for query in ("渡辺", "わたなべ", "watanabe", "渡邊", "渡辺 香織", "2222"):
        assert set(_found(app, query)) == {ishii}, query


def test_deleting_the_person_removes_the_alias_terms(app: App) -> None:
    ishii = _add(app, "石井", "香織", "いしい", "かおり")
    watanabe = _add(app, "渡辺", "香織", "わたなべ", "かおり")
    merging.merge_people(app.uow(), keep=ishii, other=watanabe)
    assert ishii in _found(app, "watanabe")
    svc.delete_person(app.uow(), ishii)
    assert _index_size(app, ishii) == (0, 0)
    for query in ("渡辺", "watanabe", "なべか", "石井"):
        assert _found(app, query) == {}, query


def test_an_alias_added_by_hand_is_found_after_a_reindex(app: App) -> None:
    """Any writer of ``person_aliases`` reindexes the person as for any other change."""
    pid = _add(app, "石井", "香織", "いしい", "かおり")
    with app.uow() as conn:
        conn.execute(
            insert(person_aliases).values(
                person_id=pid, family_name="渡邊", given_name="香織", source="manual"
            )
        )
        store.reindex_person(conn, pid)
    assert set(_found(app, "渡辺")) == {pid}
    assert set(_found(app, "watanabe")) == {pid}
    # Editing the person keeps the alias in the index.
    svc.edit_person(app.uow(), pid, PersonInput(nickname="かおりん"))
    assert set(_found(app, "わたなべ")) == {pid}


def test_the_alias_a_query_found_the_person_by(app: App) -> None:
    ishii = _add(app, "石井", "香織", "いしい", "かおり")
    watanabe = _add(app, "渡辺", "香織", "わたなべ", "かおり")
    kenta = _add(app, "高橋", "健太", "たかはし", "けんた")
    merging.merge_people(app.uow(), keep=ishii, other=watanabe)
    with app.uow() as conn:
        conn.execute(
            insert(person_aliases).values(
                person_id=kenta, family_name="Takahashi", given_name="Kenta"
            )
        )
        store.reindex_person(conn, kenta)
    everyone = [ishii, kenta]
    with app.uow() as conn:
        for query, expected in [
            ("渡辺", {ishii: "渡辺 香織"}),
            ("watanabe", {ishii: "渡辺 香織"}),
            ("渡邊 香織", {ishii: "渡辺 香織"}),
            ("石井", {}),
            ("香織", {}),  # her own given name
            ("Takahashi", {}),  # the romaji of his own reading
            ("", {}),
        ]:
            assert matched_aliases(conn, query, everyone) == expected, query
        assert matched_aliases(conn, "渡辺", []) == {}


def test_reindex_aliased_indexes_aliases_kept_before(app: App) -> None:
    """A database whose aliases were kept before they were search terms is brought up to date."""
    pid = _add(app, "石井", "香織", "いしい", "かおり")
    with app.uow() as conn:
        conn.execute(
            insert(person_aliases).values(person_id=pid, family_name="渡辺", given_name="香織")
        )
    assert _found(app, "watanabe") == {}
    with app.uow() as conn:
        assert reindex_aliased(conn) == 1
    assert set(_found(app, "watanabe")) == {pid}
    assert set(_found(app, "石井")) == {pid}


def test_a_restored_backup_indexes_the_aliases(app: App, second_app: App) -> None:
    ishii = _add(app, "石井", "香織", "いしい", "かおり")
    watanabe = _add(app, "渡辺", "香織", "わたなべ", "かおり")
    merging.merge_people(app.uow(), keep=ishii, other=watanabe)
    stream = io.BytesIO()
    backup.write_backup(app.uow(), stream=stream)
    stream.seek(0)
    backup.restore_backup(second_app.uow(), stream=stream)
    assert set(_found(second_app, "watanabe")) == {ishii}
    assert set(_found(second_app, "石井")) == {ishii}
