"""``kinmyaku export-person``: everything held about one person (a disclosure request)."""

from __future__ import annotations

import ast
import base64
import io
import json
from datetime import date
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli import privacy
from kinmyaku.cli.main import app as cli_app
from kinmyaku.i18n import catalog
from kinmyaku.services import introductions, relations
from kinmyaku.services.drill import answer_drill
from kinmyaku.services.identity.merging import merge_people
from kinmyaku.services.importing import import_files
from kinmyaku.services.people import PersonInput, add_person, delete_person, edit_person
from kinmyaku.services.photos import store_photo

ON = date(2026, 11, 1)
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:開示;真理;;;\r\nFN:開示 真理\r\nORG:株式会社サンプル\r\n"
    "EMAIL:mari@disclose.example\r\nTEL:090-1111-0000\r\nNOTE:カメラ好き\r\nEND:VCARD\r\n"
)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


def _build(app: App, tmp_path: Path) -> dict[str, int]:
    uow = app.uow
    card = tmp_path / "cards.vcf"
    card.write_text(CARD, encoding="utf-8")
    report = import_files(uow(), paths=[card])
    pid = report.outcomes[0].person_id
    assert pid is not None
    photo = store_photo(uow(), data=_png())
    edit_person(uow(), pid, PersonInput(photo=photo))
    old = add_person(
        uow(), PersonInput(family_name="開示", given_name="まり", emails=["m@old.example"])
    )
    merge_people(uow(), keep=pid, other=old)
    friend = add_person(uow(), PersonInput(family_name="友田", given_name="一"))
    relations.record_encounter(uow(), person_id=friend, on=ON, introducer_id=pid)
    intro = introductions.propose_introduction(
        uow(), person_a=pid, person_b=friend, on=ON, why="写真仲間"
    )
    answer_drill(uow(), person_id=pid, name="開示 真理", company="", place="", today=ON)
    return {"pid": pid, "friend": friend, "intro": intro}


def _run(app: App, *args: str) -> tuple[int, str]:
    base = ["--db", app.settings.database_url, "--today", "2026-11-26"]
    result = CliRunner().invoke(cli_app, [*base, *args])
    return result.exit_code, result.output


def test_export_person_json_holds_everything(app: App, tmp_path: Path) -> None:
    ids = _build(app, tmp_path)
    code, output = _run(app, "export-person", str(ids["pid"]), "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["person_id"] == ids["pid"] and data["disclosed_on"] == "2026-11-26"
    person = data["person"]
    assert person["name"] == "開示 真理" and person["notes"] == "カメラ好き"
    values = {c["value"] for c in person["contacts"]}
    assert {"mari@disclose.example", "m@old.example"} <= values
    assert any(c["kind"] == "phone" for c in person["contacts"])
    assert ("開示", "まり") in {(n["family_name"], n["given_name"]) for n in data["other_names"]}
    assert base64.b64decode(data["photo"]["data_base64"]) == _png_stored(app, data["photo"])
    assert data["photo"]["mime"].startswith("image/")
    assert [i["with"]["id"] for i in data["introductions"]] == [ids["friend"]]
    assert data["introductions"][0]["why"] == "写真仲間"
    assert [i["person"]["id"] for i in data["introduced_by_them"]] == [ids["friend"]]
    assert data["drill_card"]["due_on"]
    history = data["import_history"]
    assert {h["file"] for h in history} == {"cards.vcf"}
    assert [(h["entity"], h["action"], h["line"]) for h in history] == [("person", "create", 1)]
    assert [m["kind"] for m in data["merges"]] == ["manual"]
    assert data["merges"][0]["pairs"][0]["keep"] == ids["pid"]
    assert data["review_queue"] == []


def _png_stored(app: App, photo: dict[str, str]) -> bytes:
    from kinmyaku.services.photos import get_photo

    return get_photo(app.uow(), name=photo["name"]).data


def test_export_person_text_in_both_languages(app: App, tmp_path: Path) -> None:
    ids = _build(app, tmp_path)
    code, english = _run(app, "--lang", "en", "export-person", "開示")
    assert code == 0, english
    for part in ("Everything held about 開示 真理", "mari@disclose.example", "Other names",
                 "Import history", "cards.vcf", "Merges", "Introductions I made", "写真仲間",
                 "People they introduced to me", "Name drill"):  # fmt: skip
        assert part in english, part
    code, japanese = _run(app, "--lang", "ja", "export-person", str(ids["pid"]))
    assert code == 0, japanese
    for part in (
        "保有しているすべての情報",
        "別の名前",
        "取り込み履歴",
        "統合履歴",
        "自分がした紹介",
    ):
        assert part in japanese, part


def test_export_person_of_nobody_is_a_clear_error(app: App, tmp_path: Path) -> None:
    ids = _build(app, tmp_path)
    delete_person(app.uow(), ids["pid"])
    code, output = _run(app, "--lang", "en", "export-person", str(ids["pid"]))
    assert code == 1
    assert f"No person with id {ids['pid']}" in output and "Traceback" not in output


def _msgids(path: str) -> set[str]:
    """The literal message ids of ``t``/``say`` (1st argument) and ``section`` (2nd) calls."""
    found = set()
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            index = {"t": 0, "say": 0, "section": 1}.get(name)
            if index is not None and len(node.args) > index:
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def test_every_message_of_export_person_is_translated() -> None:
    found = _msgids(privacy.__file__)
    assert {"Name drill", "undone", "{mime}, {size} bytes", "next on {date}"} <= found
    missing = sorted(m for m in found if not catalog("ja").get(m))
    assert missing == []
