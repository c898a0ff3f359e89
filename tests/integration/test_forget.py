"""Forgetting a person (APPI): after a delete, no table and no index holds them.

The person is imported, imported again (provenance keeps what was overwritten), queued by
a review import, edited, given a photo, merged with another record of theirs, met,
logged, given to, asked, linked, introduced, drilled and summarised; then deleted.  Every
column of every table (read from the database itself, so a new table is covered) and the
SQLite full-text indexes are searched for their name, readings, romaji, e-mail and phone.
"""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Connection, inspect, select, text

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights.params import DEFAULT_PARAMS
from kinmyaku.services import events, introductions, relations
from kinmyaku.services.drill import answer_drill
from kinmyaku.services.identity.merging import merge_people
from kinmyaku.services.import_undo import undo_import
from kinmyaku.services.importing import import_files, list_imports
from kinmyaku.services.insights import snooze_person
from kinmyaku.services.insights_summary import ensure_touch_summary
from kinmyaku.services.people import (
    PersonInput,
    add_person,
    delete_person,
    edit_person,
    resolve_person,
    search_people,
    tag_person,
)
from kinmyaku.services.photos import store_photo
from kinmyaku.storage.schema import (
    encounters,
    exchanges,
    import_queue,
    interaction_people,
    interactions,
    merges,
    people,
    provenance,
    touch_summary,
    touch_summary_dirty,
)
from kinmyaku.web.app import create_app

ON = date(2026, 11, 1)
NEEDLES = (
    "忘却",
    "花子夢",
    "ぼうきゃく",
    "はなこむ",
    "boukyaku",
    "forget-me.example",
    "87654321",
    "8765-4321",
    "76543210",  # the second phone
)


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


def _card(lines: list[str]) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VCARD\r\n"


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    photo = base64.b64encode(_png((10, 200, 30))).decode("ascii")
    first = tmp_path / "忘却 花子夢.vcf"  # a file named after the person (and 田中 in it)
    first.write_text(
        _card(
            [
                "N:忘却;花子夢;;;",
                "FN:忘却 花子夢",
                "X-PHONETIC-LAST-NAME:ぼうきゃく",
                "X-PHONETIC-FIRST-NAME:はなこむ",
                "ORG:忘却商事;企画部",
                "EMAIL:hanako@forget-me.example",
                "TEL;TYPE=CELL:090-8765-4321",
                "NOTE:忘却さんは猫を三匹飼っている",
                "X-LINE:boukyaku-line",
                f"PHOTO;ENCODING=b;TYPE=PNG:{photo}",
            ]
        )
        + _card(["N:田中;一郎;;;", "FN:田中 一郎", "EMAIL:ichiro@example.jp"]),
        encoding="utf-8",
    )
    again = tmp_path / "boukyaku-again.vcf"
    again.write_text(
        _card(
            [
                "N:忘却;花子夢;;;",
                "EMAIL:hanako@forget-me.example",
                "NICKNAME:忘却ちゃん",
                "CATEGORIES:忘却の会",
                "BDAY:1990-02-03",
                "URL:https://forget-me.example/hanako",
            ]
        ),
        encoding="utf-8",
    )
    review = tmp_path / "忘却の名刺.vcf"
    review.write_text(
        _card(["N:忘却;花子夢;;;", "FN:忘却 花子夢", "ORG:忘却商事", "NOTE:忘却の名刺"]),
        encoding="utf-8",
    )
    return first, again, review


def _build(app: App, tmp_path: Path) -> dict[str, int]:
    """The person and everything that can hold them; returns the ids of the others too."""
    uow = app.uow
    first, again, review = _files(tmp_path)
    import_files(uow(), paths=[first])
    pid = resolve_person(uow(), "忘却 花子夢")
    import_files(uow(), paths=[again])
    report = import_files(uow(), paths=[review], review=True)
    assert report.counts.get("queued") == 1
    photo = store_photo(uow(), data=_png((200, 10, 10)))
    edit_person(
        uow(),
        pid,
        PersonInput(romaji="Boukyaku Hanakomu", phones=["03-7654-3210"], photo=photo),
    )
    tag_person(uow(), pid, add=["忘却ファン"])
    dup = add_person(
        uow(),
        PersonInput(
            family_name="忘却", given_name="花子", emails=["old@forget-me.example"], notes="旧姓"
        ),
    )
    merge_people(uow(), keep=pid, other=dup)
    sato = add_person(uow(), PersonInput(family_name="佐藤", given_name="美咲"))
    ito = add_person(uow(), PersonInput(family_name="伊藤", given_name="翔"))
    event = events.add_event(uow(), name="秋の交流会", on=ON)
    relations.record_encounter(
        uow(), person_id=pid, on=ON, event_id=event, introducer_id=sato, memory_cue="忘却の傘"
    )
    relations.record_encounter(uow(), person_id=ito, on=ON, introducer_id=pid, memory_cue="釣り")
    relations.log_interaction(uow(), person_ids=[pid], on=ON, summary="忘却さんとランチ")
    relations.log_interaction(uow(), person_ids=[pid, sato], on=ON, summary="三人で会議")
    relations.record_exchange(
        uow(), person_id=pid, on=ON, direction="received", kind="advice", note="忘却流の助言"
    )
    relations.open_request(uow(), person_id=pid, side="theirs", what="忘却商事の紹介", asked_on=ON)
    relations.set_purpose(uow(), person_id=pid, category="mentor", goal="忘却に学ぶ")
    relations.link_people(uow(), person_a=pid, person_b=sato, note="忘却と佐藤は同期")
    intro = introductions.propose_introduction(
        uow(), person_a=ito, person_b=pid, on=ON, why="忘却さんと伊藤さんは釣り仲間"
    )
    introductions.move_introduction(uow(), introduction_id=intro, state="introduced", on=ON)
    answer_drill(uow(), person_id=pid, name="忘却 花子夢", company="忘却商事", place="", today=ON)
    snooze_person(uow(), person_id=pid, days=7, today=ON)
    ensure_touch_summary(uow(), today=ON, params=DEFAULT_PARAMS)
    return {"pid": pid, "sato": sato, "ito": ito, "event": event}


def _values(conn: Connection, table: str) -> list[Any]:
    quoted = conn.dialect.identifier_preparer.quote(table)
    return [v for row in conn.execute(text(f"SELECT * FROM {quoted}")) for v in row]


def _holds(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return needle.lower() in value.lower()
    if isinstance(value, bytes | memoryview):
        return needle.encode() in bytes(value)
    return False


def _found(conn: Connection, needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(table, needle) for every table (as the database lists them) holding a needle."""
    tables = inspect(conn).get_table_names()
    assert "people" in tables and len(tables) >= 30
    hits = []
    for table in tables:
        values = _values(conn, table)
        hits += [(table, n) for n in needles if any(_holds(v, n) for v in values)]
    return hits


def _fts_terms(conn: Connection) -> list[str]:
    """Every term in the SQLite FTS5 indexes (their vocabulary, deleted words included)."""
    terms = []
    for name in ("notes_fts", "search_names_fts"):
        vocab = f"temp.vocab_{name}"
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, {name}, row)"
        )
        found = conn.exec_driver_sql(f"SELECT term FROM {vocab}").scalars()
        terms += [str(t) for t in found]
    return terms


def test_a_deleted_person_is_nowhere(app: App, tmp_path: Path) -> None:
    ids = _build(app, tmp_path)
    pid = ids["pid"]
    with app.uow() as conn:
        before = _found(conn, NEEDLES)
        assert {t for t, _ in before} >= {
            "people",
            "contact_points",
            "provenance",
            "merges",
            "import_queue",
            "search_terms",
            "touch_summary",
            "organizations",
        }, before
        if conn.dialect.name == "sqlite":
            assert any("忘却" in term for term in _fts_terms(conn))
    delete_person(app.uow(), pid)
    with app.uow() as conn:
        assert _found(conn, NEEDLES) == []
        if conn.dialect.name == "sqlite":
            assert not [t for t in _fts_terms(conn) if any(n in t for n in ("忘却", "花子夢"))]
            for name in ("notes_fts", "search_names_fts"):
                conn.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # No row points at the id any more either.
        assert conn.execute(select(people.c.id).where(people.c.id == pid)).first() is None
        assert not conn.execute(
            select(provenance.c.id).where(
                provenance.c.entity.in_(("person", "tag", "photo")), provenance.c.entity_id == pid
            )
        ).all()
        assert not conn.execute(select(merges.c.id)).all()
        assert not conn.execute(
            select(import_queue.c.id).where(import_queue.c.candidate_id == pid)
        ).all()
        dirty = select(touch_summary_dirty.c.person_id).where(
            touch_summary_dirty.c.person_id == pid
        )
        assert not conn.execute(dirty).all()
    # The import with 田中 stays, its file name without hers; the others brought only her.
    assert [i.files for i in list_imports(app.uow())] == [["***.vcf"]]
    assert search_people(app.uow(), "忘却") == []
    assert search_people(app.uow(), "hanako@forget-me.example") == []


def test_shared_records_keep_the_others_and_imports_still_undo(app: App, tmp_path: Path) -> None:
    ids = _build(app, tmp_path)
    delete_person(app.uow(), ids["pid"])
    with app.uow() as conn:
        left = set(conn.execute(select(people.c.id)).scalars())
        assert {ids["sato"], ids["ito"]} <= left
        # The meeting with 佐藤 stays (with 佐藤 alone); the lunch with the person alone goes.
        shared = conn.execute(
            select(interactions.c.summary, interaction_people.c.person_id).join(
                interaction_people, interaction_people.c.interaction_id == interactions.c.id
            )
        ).all()
        assert [tuple(r) for r in shared] == [("三人で会議", ids["sato"])]
        assert conn.execute(select(interactions.c.summary)).scalars().all() == ["三人で会議"]
        # 伊藤, whom the person introduced to me: still met, the introducer unknown.
        met = conn.execute(
            select(encounters.c.introducer_id, encounters.c.memory_cue).where(
                encounters.c.person_id == ids["ito"]
            )
        ).all()
        assert [tuple(r) for r in met] == [(None, "釣り")]
        # The introduction I made between 伊藤 and the person: what I gave 伊藤 stays, unlinked.
        gave = conn.execute(
            select(exchanges.c.kind, exchanges.c.introduction_id, exchanges.c.note).where(
                exchanges.c.person_id == ids["ito"]
            )
        ).all()
        assert [tuple(r) for r in gave] == [("introduction", None, "")]
        summary = conn.execute(
            select(touch_summary.c.first_introducer_id).where(
                touch_summary.c.person_id == ids["ito"]
            )
        ).all()
        assert [tuple(r) for r in summary] in ([], [(None,)])
    # The import that brought the person in can still be undone for the others in it.
    undo_import(app.uow(), import_id=min(i.id for i in list_imports(app.uow())))
    with app.uow() as conn:
        names = set(conn.execute(select(people.c.family_name)).scalars())
    assert "田中" not in names and {"佐藤", "伊藤"} <= names


def test_the_person_page_says_what_delete_removes_and_deletes_it(sqlite_app: App) -> None:
    app = sqlite_app
    pid = add_person(
        app.uow(),
        PersonInput(family_name="忘却", given_name="花子夢", emails=["h@forget-me.example"]),
    )
    client = TestClient(create_app(app), base_url="http://127.0.0.1")
    japanese = client.get(f"/people/{pid}", headers={"Accept-Language": "ja"}).text
    assert "すべての場所から消します" in japanese and "元に戻すことはできません" in japanese
    assert f"kinmyaku export-person {pid}" in japanese
    english = client.get(f"/people/{pid}", headers={"Accept-Language": "en"}).text
    assert "Deleting removes 忘却 花子夢 everywhere" in english
    assert "the import and merge history that hold them" in english
    token = client.get("/api/session").json()["csrf_token"]
    gone = client.post(f"/people/{pid}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303
    with app.uow() as conn:
        assert _found(conn, NEEDLES) == []
