"""Search by what you remember (cue, place, event, title, department, notes) and by Kunrei
romaji; the memory index kept in step with every write (migration 0009)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, func, inspect, select, text

from kinmyaku.bootstrap import App
from kinmyaku.services import events, relations
from kinmyaku.services import people as svc
from kinmyaku.services.importing import import_files
from kinmyaku.services.people import PersonInput
from kinmyaku.storage.bulk_index import BULK_MEMORY, merging_paused
from kinmyaku.storage.migrate import alembic_config, head_revision
from kinmyaku.storage.schema import search_memory, search_memory_dirty
from kinmyaku.storage.search import TIER_NOTES, count_matches_capped, search_people
from kinmyaku.storage.search_memory import memory_people, rebuild_memory

MET_ON = date(2026, 11, 20)


def _add(
    app: App, family: str, given: str, family_r: str = "", given_r: str = "", **kw: object
) -> int:
    data = PersonInput(
        family_name=family,
        given_name=given,
        family_reading=family_r or None,
        given_reading=given_r or None,
        **kw,  # type: ignore[arg-type]
    )
    return svc.add_person(app.uow(), data)


def _found(app: App, query: str) -> dict[int, int]:
    with app.uow() as conn:
        return dict(search_people(conn, query, limit=None))


def _people(app: App) -> dict[str, int]:
    kenta = _add(
        app,
        "高橋",
        "健太",
        "たかはし",
        "けんた",
        company="株式会社サンプル",
        title="営業部長",
        department="第一営業部",
    )
    shota = _add(app, "高橋", "翔太", "たかはし", "しょうた")
    cho = _add(app, "張", "偉", "ちょう", "い", notes="週末は釣りに行くらしい。Golf も好き")
    party = events.add_event(app.uow(), name="FinTech読書会", on=MET_ON, place="日本橋")
    relations.record_encounter(
        app.uow(), person_id=kenta, on=MET_ON, event_id=party, memory_cue="赤いメガネ、釣りの話"
    )
    relations.record_encounter(
        app.uow(), person_id=shota, on=date(2026, 10, 1), place="渋谷", memory_cue="青いシャツ"
    )
    return {"kenta": kenta, "shota": shota, "cho": cho, "party": party}


def test_cues_places_events_titles_departments_and_notes_are_found(app: App) -> None:
    p = _people(app)
    for query, expected in [
        ("赤いメガネ", {p["kenta"]}),
        ("メガネ", {p["kenta"]}),  # Japanese has no spaces: any part of the cue
        ("赤い", {p["kenta"]}),  # two characters
        ("めがね", {p["kenta"]}),  # kana folded as names are
        ("釣り", {p["kenta"], p["cho"]}),  # a cue and a note
        ("営業部長", {p["kenta"]}),
        ("部長", {p["kenta"]}),
        ("第一営業", {p["kenta"]}),  # the department
        ("FinTech", {p["kenta"]}),  # the event's name
        ("読書会", {p["kenta"]}),
        ("日本橋", {p["kenta"]}),  # the event's place
        ("渋谷", {p["shota"]}),  # the encounter's place
        ("golf", {p["cho"]}),  # case folded
        ("赤い 釣り", {p["kenta"]}),  # every word must match
        ("青い 釣り", set()),
        ("紫の帽子", set()),
    ]:
        assert set(_found(app, query)) == expected, query
    assert _found(app, "メガネ")[p["kenta"]] == TIER_NOTES
    with app.uow() as conn:
        assert count_matches_capped(conn, "釣り", cap=10) == (2, True)
        # One letter of kana or Latin is too little to look for in what is remembered ...
        assert conn.execute(memory_people(conn, "メ")).all() != []  # (in the index)
    assert _found(app, "メ") == {}
    assert set(_found(app, "赤")) == {p["kenta"]}  # ... one kanji is enough


def test_a_name_still_ranks_above_a_memory_match(app: App) -> None:
    p = _people(app)
    shibuya = _add(app, "渋谷", "誠", "しぶや", "まこと")  # a name, and where we met 翔太
    found = _found(app, "渋谷")
    assert found[shibuya] < found[p["shota"]] == TIER_NOTES
    with app.uow() as conn:
        assert [pid for pid, _ in search_people(conn, "渋谷", limit=2)] == [shibuya, p["shota"]]


def test_kunrei_and_nihon_shiki_romaji_find_the_hepburn_names(app: App) -> None:
    p = _people(app)
    others = {
        "sinji": _add(app, "佐藤", "真司", "さとう", "しんじ"),
        "tuyosi": _add(app, "山本", "剛", "やまもと", "つよし"),
        "hukuda": _add(app, "福田", "明", "ふくだ", "あきら"),
        "zyun": _add(app, "木村", "純", "きむら", "じゅん"),
    }
    both = {p["kenta"], p["shota"]}
    for query, expected in [
        ("takahasi", both),
        ("Takahasi", both),
        ("takahashi", both),
        ("syouta", {p["shota"]}),
        ("syoota", {p["shota"]}),  # long vowels as ou, oo, o or ō
        ("syota", {p["shota"]}),
        ("syōta", {p["shota"]}),
        ("tyou", {p["cho"]}),
        ("tyo", {p["cho"]}),
        ("takahasi syouta", {p["shota"]}),
        *((query, {pid}) for query, pid in others.items()),
    ]:
        assert set(_found(app, query)) == expected, query


def test_the_index_follows_every_write(app: App) -> None:
    p = _people(app)
    kenta, cho = p["kenta"], p["cho"]
    # A cue corrected, an encounter deleted.
    enc = relations.record_encounter(app.uow(), person_id=cho, on=MET_ON, memory_cue="白い帽子")
    assert set(_found(app, "帽子")) == {cho}
    relations.update_encounter(app.uow(), encounter_id=enc, memory_cue="黒い帽子")
    assert set(_found(app, "黒い")) == {cho} and _found(app, "白い") == {}
    relations.delete_encounter(app.uow(), encounter_id=enc)
    assert _found(app, "帽子") == {}
    # An event renamed, then deleted: its attendees follow.
    events.update_event(app.uow(), event_id=p["party"], name="ブロックチェーン勉強会")
    assert set(_found(app, "勉強会")) == {kenta} and _found(app, "読書会") == {}
    events.delete_event(app.uow(), event_id=p["party"])
    assert _found(app, "勉強会") == {}
    # A note and a title edited.
    svc.edit_person(app.uow(), cho, PersonInput(notes="ワインに詳しい"))
    assert set(_found(app, "ワイン")) == {cho} and set(_found(app, "釣り")) == {kenta}
    svc.edit_person(app.uow(), kenta, PersonInput(company="株式会社サンプル", title="取締役"))
    assert kenta in set(_found(app, "取締役"))
    # A deleted person leaves nothing behind, nor any mark.
    svc.delete_person(app.uow(), cho)
    assert _found(app, "ワイン") == {}
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(search_memory_dirty)).scalar() == 0
        ids = set(conn.execute(select(search_memory.c.person_id)).scalars())
        assert cho not in ids and kenta in ids


def test_rebuilding_writes_what_the_writes_wrote(app: App) -> None:
    _people(app)
    with app.uow() as conn:
        before = sorted(conn.execute(select(search_memory)).all())
        assert rebuild_memory(conn) == 3
        assert sorted(conn.execute(select(search_memory)).all()) == before
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "INSERT INTO search_memory_fts(search_memory_fts) VALUES ('integrity-check')"
            )


def test_results_say_where_and_when_we_met_and_what_matched(app: App) -> None:
    p = _people(app)
    by_id = {r.id: r for r in svc.search_people(app.uow(), "高橋")}
    kenta, shota = by_id[p["kenta"]].hint, by_id[p["shota"]].hint
    assert kenta is not None and shota is not None
    assert (kenta.met_on, kenta.met_at, kenta.cue) == (
        MET_ON,
        "FinTech読書会",
        "赤いメガネ、釣りの話",
    )
    assert (shota.met_at, shota.cue, shota.field) == ("渋谷", "青いシャツ", "")  # the name matched
    cho = svc.search_people(app.uow(), "釣り")
    hints = {r.id: r.hint for r in cho}
    assert hints[p["cho"]] is not None and hints[p["cho"]].field == "notes"
    assert "釣り" in hints[p["cho"]].excerpt and hints[p["cho"]].met_on is None
    assert hints[p["kenta"]] is not None and hints[p["kenta"]].field == "cue"
    department = svc.search_people(app.uow(), "第一営業")[0].hint
    assert department is not None and department.field == "department"
    assert department.to_json()["met_on"] == "2026-11-20"


def test_migration_0009_builds_the_index_and_goes_back_down(app: App) -> None:
    p = _people(app)
    config = alembic_config()
    with app.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    with app.engine.connect() as conn:
        assert "search_memory" not in _tables(conn)
    with app.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, head_revision())
    assert set(_found(app, "メガネ")) == {p["kenta"]}
    assert set(_found(app, "釣り")) == {p["kenta"], p["cho"]}
    # The triggers are back too.
    svc.edit_person(app.uow(), p["shota"], PersonInput(notes="釣り仲間"))
    assert set(_found(app, "釣り")) == {p["kenta"], p["cho"], p["shota"]}


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def test_a_bulk_import_indexes_what_it_brings(app: App, tmp_path: Path) -> None:
    folder = tmp_path
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;花子;;;\r\nFN:山田 花子\r\n"
        "ORG:株式会社テスト;人事部\r\nTITLE:採用担当マネージャー\r\nNOTE:ヨガの先生でもある\r\n"
        "END:VCARD\r\n"
    )
    path = folder / "one.vcf"
    path.write_text(card, encoding="utf-8")
    import_files(app.uow(), paths=[path])
    found = set(_found(app, "ヨガ"))
    assert len(found) == 1
    assert found == set(_found(app, "採用担当")) == set(_found(app, "人事"))
    with app.uow() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_memory_dirty")).scalar() == 0


def _memory_rows(conn: Connection) -> list[tuple[int, str]]:
    rows = conn.execute(select(search_memory.c.person_id, search_memory.c.memory_keys))
    return sorted((int(pid), str(keys)) for pid, keys in rows)


def test_an_import_writes_its_new_people_memory_as_a_rebuild_would(
    app: App, tmp_path: Path
) -> None:
    """An import writes its new people's memory rows from their records (made in its helper
    processes) instead of reading them back: the rows must be what reading them back
    makes, for people created, people a later record of the file changed, and a stored
    person the file joined."""
    kenta = _add(app, "高橋", "健太", "たかはし", "けんた", emails=["kenta@example.jp"])

    def card(family: str, given: str, *lines: str) -> str:
        body = "".join(line + "\r\n" for line in lines)
        return (
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{family};{given};;;\r\n"
            f"FN:{family} {given}\r\n{body}END:VCARD\r\n"
        )

    cards = [
        card("山田", "花子", "ORG:株式会社テスト;人事部", "TITLE:採用担当", "NOTE:ヨガの先生"),
        card("佐藤", "健", "ORG:株式会社サンプル", "EMAIL:ken.sato@example.jp"),
        card("鈴木", "一郎", "TITLE:フリーランスの翻訳者"),  # a title without a company
        card("伊藤", "美咲", "NOTE:猫が好き", "TEL;TYPE=CELL:090-1111-2222"),
        # namesakes at one company with nothing else in common: two people
        card("田中", "誠", "ORG:合同会社ミライ;開発部", "TITLE:エンジニア"),
        card("田中", "誠", "ORG:合同会社ミライ;開発部", "TITLE:エンジニア"),
        # later records of the file joining a person it created: a note appended, a job
        card("伊藤", "美咲", "NOTE:釣りにも行く", "TEL;TYPE=CELL:090-1111-2222"),
        card("佐藤", "健", "ORG:株式会社ネクスト", "TITLE:部長", "EMAIL:ken.sato@example.jp"),
        # a stored person joined by the file
        card("高橋", "健太", "ORG:株式会社サンプル", "TITLE:営業部長", "EMAIL:kenta@example.jp"),
    ]
    path = tmp_path / "people.vcf"
    path.write_text("".join(cards), encoding="utf-8")
    report = import_files(app.uow(), paths=[path])
    assert report.counts["created"] == 6, report.counts
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(search_memory_dirty)).scalar() == 0
        written = _memory_rows(conn)
        assert rebuild_memory(conn) == 7
        assert written == _memory_rows(conn)
    assert len(written) == 6  # 鈴木 has no job (no company) and no notes: nothing remembered
    assert set(_found(app, "釣り")) == set(_found(app, "猫"))  # the appended note as well
    assert kenta in _found(app, "営業部長")
    assert len(_found(app, "部長")) == 2  # 高橋's job and 佐藤's new one
    assert len(_found(app, "エンジニア")) == 2


def test_many_people_are_written_without_merging_the_index_segments(sqlite_app: App) -> None:
    automerge = "SELECT v FROM search_memory_fts_config WHERE k = 'automerge'"
    with sqlite_app.uow() as conn:
        with merging_paused(conn, "search_memory_fts", BULK_MEMORY - 1):
            assert conn.exec_driver_sql(automerge).first() is None  # a few: as always
        with merging_paused(conn, "search_memory_fts", BULK_MEMORY):
            assert conn.exec_driver_sql(automerge).scalar() == 0
        assert conn.exec_driver_sql(automerge).scalar() == 4  # FTS5's default, as before
        with (
            pytest.raises(ValueError, match="not a search index"),
            merging_paused(conn, "people", BULK_MEMORY),
        ):
            pass


@pytest.mark.parametrize("word", ["部長", "営業", "釣り", "メガネ", "猫", "赤いメガネ"])
def test_a_common_word_is_paged_the_dense_way_with_the_same_people(
    app: App, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    """A word many people are remembered by is read in reading order (SQLite); the page holds
    exactly the people the trigram index finds, in the same order, past people already seen."""
    import kinmyaku.storage.search as search_module

    titles = ["営業部長", "部長", "課長", "営業部 主任"]
    cues = ["赤いメガネ", "釣りの話", "猫好き", "メガネと釣り"]
    given = ["あおい", "あかり", "いつき", "えま", "かいと", "かなで", "けんた", "こはる"]
    for n in range(24):  # 佐藤 あおい, 佐藤 あかり ...: namesakes, sorted by reading
        name = given[n % 8] + "あいう"[n // 8]
        pid = _add(
            app, "佐藤", name, "さとう", name, company="株式会社テスト商事", title=titles[n % 4]
        )
        relations.record_encounter(app.uow(), person_id=pid, on=MET_ON, memory_cue=cues[n % 4])
    with app.uow() as conn:
        by_index = search_people(conn, word, limit=10)
        later_by_index = search_people(conn, word, limit=5, offset=10)
    monkeypatch.setattr(search_module, "DENSE_PROBE", 3)
    with app.uow() as conn:
        dense = search_people(conn, word, limit=10)
        later_dense = search_people(conn, word, limit=5, offset=10)
    assert by_index and dense == by_index
    assert later_dense == later_by_index
