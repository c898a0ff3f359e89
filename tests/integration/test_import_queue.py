"""``import --review``: uncertain matches wait in the review queue; deciding one writes
exactly what an import would have; undo takes it all back (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import Connection, func, insert, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.domain.errors import NotFound
from kinmyaku.domain.identity.candidates import AUTO_MERGE, REVIEW
from kinmyaku.formats import read_path
from kinmyaku.services.identity.finding import different_pairs
from kinmyaku.services.identity.matching import Match
from kinmyaku.services.identity.merging import merge_people
from kinmyaku.services.identity.queue import (
    add_queued,
    count_queue,
    list_queue,
    merge_queued,
    record_from_json,
    record_json,
)
from kinmyaku.services.import_match import load_index
from kinmyaku.services.import_prepare import prepare_record
from kinmyaku.services.import_write import ImportWriter
from kinmyaku.services.importing import import_files, undo_import
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    import_queue,
    imports,
    organizations,
    people,
    person_aliases,
    person_tags,
    photos,
    search_terms,
)

EIGHT_HEADER = (
    "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,"
    "TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日\n"
)
BASE = EIGHT_HEADER + (
    "株式会社テスト商事,開発部,,佐藤,健,sato@test-shoji.example,,,,,,,090-5555-0001,,2024/03/15\n"
    "株式会社テスト商事,営業部,課長,山田,太郎,yamada@test-shoji.example,,,,,,,090-1111-2222,,"
    "2024/03/15\n"
    "株式会社テスト商事,総務部,,鈴木,花子,hanako@test-shoji.example,,,,,,,090-3333-4444,,"
    "2024/03/15\n"
)


def _photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def _card(lines: list[str]) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VCARD\r\n"


# 佐藤 健 and 鈴木 花子 again (same name and company, nothing shared): uncertain matches.
# 山田 太郎 with his e-mail: a sure match.  伊藤 翔: nobody stored.
SATO = _card(
    [
        "N:佐藤;健;;;",
        "FN:佐藤 健",
        "ORG:株式会社テスト商事;営業部",
        "TITLE:課長",
        "NICKNAME:ケンさん",
        "BDAY:1985-04-01",
        "NOTE:ゴルフ好き",
        "CATEGORIES:ゴルフ,営業",
        "URL:https://example.jp/sato",
        "ADR;TYPE=WORK:;;丸の内1-2-3;千代田区;東京都;100-0005;日本",
        "X-LINE:ken-sato",
        f"PHOTO;ENCODING=b;TYPE=PNG:{_photo()}",
    ]
)
SUZUKI = _card(["N:鈴木;花子;;;", "FN:鈴木 花子", "ORG:株式会社テスト商事", "NOTE:人事の相談"])
YAMADA = _card(["N:山田;太郎;;;", "FN:山田 太郎", "EMAIL:yamada@test-shoji.example", "NOTE:釣り"])
ITO = _card(["N:伊藤;翔;;;", "FN:伊藤 翔", "EMAIL:sho@example.jp"])


def _files(tmp_path: Path) -> tuple[Path, Path]:
    base = tmp_path / "base.csv"
    base.write_text(BASE, encoding="utf-8")
    new = tmp_path / "new.vcf"
    new.write_text(SATO + SUZUKI + YAMADA + ITO, encoding="utf-8")
    return base, new


def _id_of(conn: Connection, family: str, given: str) -> int:
    found = conn.execute(
        select(people.c.id).where(people.c.family_name == family, people.c.given_name == given)
    ).scalars()
    return int(min(found))


def _person(app: App, pid: int) -> dict[str, Any]:
    """Everything stored of one person, without ids and times (to compare two databases)."""
    with app.uow() as conn:
        row = dict(conn.execute(select(people).where(people.c.id == pid)).mappings().one())
        photo = row.pop("photo")
        for key in ("id", "created_at", "updated_at"):
            row.pop(key)

        def rows(table: Any, *columns: Any) -> list[tuple[Any, ...]]:
            query = select(*columns).where(table.c.person_id == pid)
            return sorted(map(tuple, conn.execute(query).all()), key=repr)

        data = conn.execute(select(photos.c.data).where(photos.c.name == photo)).scalar()
        jobs = (
            select(
                organizations.c.name,
                affiliations.c.department,
                affiliations.c.title,
                affiliations.c.is_current,
            )
            .join(organizations, organizations.c.id == affiliations.c.organization_id)
            .where(affiliations.c.person_id == pid)
        )
        return {
            "row": row,
            "photo": data,
            "points": rows(
                contact_points,
                contact_points.c.kind,
                contact_points.c.label,
                contact_points.c.value,
                contact_points.c.normalized,
            ),
            "jobs": sorted(map(tuple, conn.execute(jobs).all()), key=repr),
            "tags": rows(person_tags, person_tags.c.tag),
            "met": rows(encounters, encounters.c.date, encounters.c.channel),
            "extra": rows(extra_fields, extra_fields.c.name, extra_fields.c.value),
            "aliases": rows(
                person_aliases, person_aliases.c.family_name, person_aliases.c.given_name
            ),
            "terms": rows(search_terms, search_terms.c.term, search_terms.c.field),
        }


def _count(app: App, table: Any) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_review_queues_uncertain_records_and_imports_the_rest(app: App, tmp_path: Path) -> None:
    base, new = _files(tmp_path)
    import_files(app.uow(), paths=[base])
    with app.uow() as conn:
        sato, yamada = _id_of(conn, "佐藤", "健"), _id_of(conn, "山田", "太郎")
    before = _person(app, sato)
    report = import_files(app.uow(), paths=[new], review=True)
    # The sure match and the new person as always; the two uncertain ones wait.
    assert report.counts == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "queued": 2,
        "skipped": 0,
    }
    assert [o.name for o in report.queued] == ["佐藤 健", "鈴木 花子"]
    assert report.queued[0].person_id == sato and report.queued[0].file == "new.vcf"
    assert report.queued[0].why[0].startswith(f"#{sato} (")
    assert "Same name 佐藤 健" in report.queued[0].why
    assert report.possible == []
    assert [o.person_id for o in report.outcomes if o.action == "updated"] == [yamada]
    assert _count(app, people) == 4  # 3 + 伊藤 翔
    assert _person(app, sato) == before  # nothing written into 佐藤 健
    items = list_queue(app.uow())
    assert [(i.name, i.where, i.candidate_id, i.candidate_name) for i in items] == [
        ("佐藤 健", "new.vcf:1", sato, "佐藤 健"),
        ("鈴木 花子", f"new.vcf:{report.queued[1].line}", items[1].candidate_id, "鈴木 花子"),
    ]
    assert all(REVIEW <= i.probability < AUTO_MERGE for i in items)
    assert all(i.import_id == report.import_id for i in items)
    assert "同じ名前 佐藤 健" in items[0].reason_texts("ja")
    assert "Same company 株式会社テスト商事" in items[0].reason_texts("en")
    with app.uow() as conn:
        reasons = json.loads(conn.execute(select(import_queue.c.reasons)).scalars().first())
    assert {"msgid", "params"} == set(reasons[0])
    # The import's summary counts them.
    with app.uow() as conn:
        summary = conn.execute(
            select(imports.c.summary).where(imports.c.id == report.import_id)
        ).scalar_one()
    assert json.loads(summary)["queued"] == 2


def test_without_review_nothing_changes(app: App, tmp_path: Path) -> None:
    base, new = _files(tmp_path)
    import_files(app.uow(), paths=[base])
    report = import_files(app.uow(), paths=[new])
    assert report.counts == {"created": 3, "updated": 1, "unchanged": 0, "skipped": 0}
    assert [o.name for o in report.possible] == ["佐藤 健", "鈴木 花子"]
    assert report.queued == [] and count_queue(app.uow()) == 0


def test_a_dry_run_queues_nothing(app: App, tmp_path: Path) -> None:
    base, new = _files(tmp_path)
    import_files(app.uow(), paths=[base])
    report = import_files(app.uow(), paths=[new], review=True, dry_run=True)
    assert report.counts["queued"] == 2 and len(report.queued) == 2
    assert count_queue(app.uow()) == 0


def test_the_record_is_kept_losslessly(tmp_path: Path) -> None:
    _, new = _files(tmp_path)
    for record in read_path(new):
        prepared = prepare_record(record)
        again = record_from_json(record_json(prepared))
        assert again == dataclasses.replace(prepared, match=None, index_rows=None)
    assert prepared.source is not None
    (sato,) = [prepare_record(r) for r in read_path(new) if r.family_name == "佐藤"]
    assert sato.photo and sato.columns["birthday"] and sato.extra and sato.points


def _sure_match(app: App, new: Path, pid: int) -> None:
    """Write 佐藤 健's card into ``pid`` through an import's own sure-match path (the index an
    import loads of everyone), in an import's transaction."""
    (record,) = [r for r in read_path(new) if r.family_name == "佐藤"]
    prepared = prepare_record(record)
    with app.uow() as conn:
        import_id = int(
            conn.execute(
                insert(imports)
                .values(created_at=store.now(), format="vcard", files='["new.vcf"]')
                .returning(imports.c.id)
            ).scalar_one()
        )
        writer = ImportWriter(conn, import_id, load_index(conn))
        writer.join(pid, Match(pid, 1.0, ()), prepared)
        for touched in writer.touched:
            store.reindex_person(conn, touched)


def test_same_person_writes_what_a_sure_match_writes(
    app: App, second_app: App, tmp_path: Path
) -> None:
    base, new = _files(tmp_path)
    for each in (app, second_app):
        import_files(each.uow(), paths=[base])
    with app.uow() as conn:
        sato = _id_of(conn, "佐藤", "健")
    import_files(app.uow(), paths=[new], review=True)
    queued = next(i for i in list_queue(app.uow()) if i.name == "佐藤 健")
    outcome = merge_queued(app.uow(), queue_id=queued.id)
    assert outcome.action == "updated" and outcome.person_id == sato
    assert {"photo", "url", "address", "tag", "notes", "nickname"} <= set(outcome.why)
    _sure_match(second_app, new, sato)
    merged = _person(app, sato)
    assert merged == _person(second_app, sato)
    # Nothing of the card was dropped.
    assert merged["photo"] is not None and merged["row"]["notes"] == "ゴルフ好き"
    assert ("url", "", "https://example.jp/sato", "https://example.jp/sato") in merged["points"]
    assert ("株式会社テスト商事", "開発部", "課長", True) in merged["jobs"]
    assert ("department", "営業部") in merged["extra"] and ("X-LINE", "ken-sato") in merged["extra"]
    assert {t for (t,) in merged["tags"]} == {"ゴルフ", "営業"}
    assert [i.name for i in list_queue(app.uow())] == ["鈴木 花子"]


def test_a_new_person_is_created_as_an_import_creates_one(
    app: App, second_app: App, tmp_path: Path
) -> None:
    base, new = _files(tmp_path)
    for each in (app, second_app):
        import_files(each.uow(), paths=[base])
    import_files(app.uow(), paths=[new], review=True)
    import_files(second_app.uow(), paths=[new])  # creates 佐藤 健 as a person of their own
    queued = next(i for i in list_queue(app.uow()) if i.name == "佐藤 健")
    pid = add_queued(app.uow(), queue_id=queued.id)
    with second_app.uow() as conn:
        other = max(
            conn.execute(select(people.c.id).where(people.c.family_name == "佐藤")).scalars()
        )
    created = _person(app, pid)
    assert created == _person(second_app, other)
    # "A different person": the pair is never suggested again.
    assert queued.candidate_id is not None
    with app.uow() as conn:
        pair = (min(pid, queued.candidate_id), max(pid, queued.candidate_id))
        assert pair in different_pairs(conn)
    assert created["photo"] is not None and created["row"]["birthday"].isoformat() == "1985-04-01"
    assert count_queue(app.uow()) == 1


def test_undo_takes_back_decisions_and_drops_what_still_waits(app: App, tmp_path: Path) -> None:
    base, new = _files(tmp_path)
    import_files(app.uow(), paths=[base])
    with app.uow() as conn:
        sato = _id_of(conn, "佐藤", "健")
    before = _person(app, sato)
    organizations_before = _count(app, organizations)
    report = import_files(app.uow(), paths=[new], review=True)
    assert report.import_id is not None
    first, second = list_queue(app.uow())
    merge_queued(app.uow(), queue_id=first.id)
    added = add_queued(app.uow(), queue_id=second.id)
    assert _person(app, sato) != before
    undo_import(app.uow(), import_id=report.import_id)
    assert _person(app, sato) == before
    assert _count(app, people) == 3
    with app.uow() as conn:
        assert store.get_person_row(conn, added) is None
    assert _count(app, organizations) == organizations_before
    # A second review import, undone before any decision: its queued records go with it.
    again = import_files(app.uow(), paths=[new], review=True)
    assert again.import_id is not None and count_queue(app.uow()) == 2
    undo_import(app.uow(), import_id=again.import_id)
    assert count_queue(app.uow()) == 0 and _count(app, import_queue) == 0


def test_unknown_ids_and_a_candidate_gone(app: App, tmp_path: Path) -> None:
    base, new = _files(tmp_path)
    import_files(app.uow(), paths=[base])
    import_files(app.uow(), paths=[new], review=True)
    with pytest.raises(NotFound) as error:
        merge_queued(app.uow(), queue_id=999)
    assert error.value.msgid == "No queued record with id {id}"
    with pytest.raises(NotFound):
        add_queued(app.uow(), queue_id=999)
    first = list_queue(app.uow())[0]
    with pytest.raises(NotFound) as error:
        merge_queued(app.uow(), queue_id=first.id, into=999999)
    assert error.value.params == {"id": 999999}
    assert first.candidate_id is not None
    with app.uow() as conn:
        yamada = _id_of(conn, "山田", "太郎")
    # The candidate goes by a merge (deleting a person forgets the records queued as
    # maybe them too: tests/integration/test_forget.py).
    merge_people(app.uow(), keep=yamada, other=first.candidate_id)
    gone = list_queue(app.uow())[0]
    assert gone.candidate_id == first.candidate_id and gone.candidate_name == ""
    with pytest.raises(NotFound) as error:
        merge_queued(app.uow(), queue_id=first.id)
    assert "--into" in error.value.msgid
    outcome = merge_queued(app.uow(), queue_id=first.id, into=yamada)
    assert outcome.person_id == yamada
    assert count_queue(app.uow()) == 1


def test_the_cli(database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", database_url, "--lang", "en"]
    base, new = _files(tmp_path)
    assert runner.invoke(cli_app, [*db, "import", str(base)]).exit_code == 0
    result = runner.invoke(cli_app, [*db, "import", "--review", str(new)], terminal_width=200)
    assert result.exit_code == 0, result.output
    # The stored person it may be, by name (not only "#1 (87%)").
    assert "Queued 佐藤 健 (new.vcf:1) for review: may be 佐藤 健 (#1, " in result.output
    ja = runner.invoke(
        cli_app, ["--db", database_url, "--lang", "ja", "import", "--review", "--dry-run", str(new)]
    )
    assert "佐藤 健（#1・" in ja.output, ja.output
    assert "Queued for review: 2." in result.output
    result = runner.invoke(cli_app, [*db, "queue"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "#1 佐藤 健 (new.vcf:1) ⇔ #1 佐藤 健" in result.output
    assert "Same name 佐藤 健" in result.output
    listed = json.loads(runner.invoke(cli_app, [*db, "queue", "--json"]).output)
    assert [x["name"] for x in listed] == ["佐藤 健", "鈴木 花子"]
    assert listed[0]["candidate"] == {"id": 1, "name": "佐藤 健"}
    result = runner.invoke(cli_app, [*db, "queue", "merge", "1"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Record 1 joined #1 佐藤 健" in result.output and "photo added" in result.output
    result = runner.invoke(cli_app, [*db, "queue", "add", "#2"])
    assert result.exit_code == 0, result.output
    assert "Record 2 added as #" in result.output
    result = runner.invoke(cli_app, [*db, "--lang", "ja", "queue", "add", "2"])
    assert result.exit_code == 1 and "ID 2 の確認待ちの記録はありません" in result.output
    result = runner.invoke(cli_app, [*db, "queue", "merge", "x"])
    assert result.exit_code == 1 and "'x' is not the id of a queued record" in result.output
    result = runner.invoke(cli_app, [*db, "queue"])
    assert "No records wait for review." in result.output


def test_a_preview_names_a_possible_duplicate_made_by_the_same_import(
    app: App, tmp_path: Path
) -> None:
    """In the preview nothing is written: a record that may be a person an earlier record
    of the same import creates is shown with that record's name and place, not with an
    id nobody can look up (「#8 (83%)」); once imported, the id (the CLI and the web name it)."""
    base, new = _files(tmp_path)
    preview = import_files(app.uow(), paths=[base, new], dry_run=True, lang="ja")
    assert [o.name for o in preview.possible] == ["佐藤 健", "鈴木 花子"]
    for outcome in preview.possible:
        who = outcome.why[0]
        assert who.startswith(outcome.name + "（base.csv:"), who
        assert "#" not in who and who.endswith("%）")
    english = import_files(app.uow(), paths=[base, new], dry_run=True, lang="en")
    assert english.possible[0].why[0].startswith("佐藤 健 (base.csv:")
    done = import_files(app.uow(), paths=[base, new], lang="ja")
    with app.uow() as conn:
        sato = _id_of(conn, "佐藤", "健")
    assert done.possible[0].why[0].startswith(f"#{sato} (")


def test_the_cli_dry_run_says_what_it_would_do(sqlite_url: str, tmp_path: Path) -> None:
    """A dry run writes nothing: it says what it would create, and names a possible
    duplicate the same file creates by its card, not by an id that does not exist."""
    runner = CliRunner()
    base, new = _files(tmp_path)
    db = ["--db", sqlite_url]
    args = ["import", "--dry-run", str(base), str(new)]
    en = runner.invoke(cli_app, [*db, "--lang", "en", *args], terminal_width=200)
    assert en.exit_code == 0, en.output
    assert "Would add 佐藤 健 (new.vcf:1), who may be 佐藤 健 (base.csv:" in en.output
    assert "To create " in en.output and "Created " not in en.output
    assert "Added #" not in en.output
    ja = runner.invoke(cli_app, [*db, "--lang", "ja", *args], terminal_width=200)
    assert "佐藤 健（new.vcf:1）を追加します。佐藤 健（base.csv:" in ja.output, ja.output
    done = runner.invoke(cli_app, [*db, "--lang", "en", "import", str(base), str(new)])
    assert "Added #" in done.output and "Created " in done.output
