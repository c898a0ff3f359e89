"""``kinmyaku list --json`` prints everyone a page at a time, exactly as one JSON array."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kinmyaku.cli.context import print_json, print_json_items
from kinmyaku.cli.main import app
from kinmyaku.services import people as svc


def test_printing_items_one_by_one_is_printing_the_list(capsys: object) -> None:
    for items in ([], [{"a": 1}], [{"名": "高橋", "n": [1, 2]}, {"x": None}, "s", 3]):
        print_json(items)
        whole = capsys.readouterr().out  # type: ignore[attr-defined]
        print_json_items(iter(items))
        assert capsys.readouterr().out == whole  # type: ignore[attr-defined]


def test_list_json_streams_everyone_in_order(tmp_path: Path) -> None:
    db = str(tmp_path / "k.sqlite3")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "demo", "--people", "120"]).exit_code == 0
    out = runner.invoke(app, ["--db", db, "list", "--json"]).output
    listed = json.loads(out)
    assert len(listed) == 120
    from kinmyaku.bootstrap import open_app
    from kinmyaku.config import Settings

    kin = open_app(Settings(database_url=f"sqlite:///{db}"))
    try:
        whole = [p.to_json() for p in svc.list_people(kin.uow())]
        # Pages of 7: the same people, in the same order, as one list.
        paged = [p.to_json() for p in svc.iter_people(kin.uow(), chunk=7)]
    finally:
        kin.close()
    assert json.loads(json.dumps(whole, default=str)) == listed
    assert json.loads(json.dumps(paged, default=str)) == listed
    page = json.loads(
        runner.invoke(app, ["--db", db, "list", "--json", "--limit", "9", "--offset", "3"]).output
    )
    assert page == listed[3:12]
    recent = json.loads(runner.invoke(app, ["--db", db, "list", "--json", "--recent"]).output)
    assert [p["id"] for p in recent] != [p["id"] for p in listed]
    assert sorted(p["id"] for p in recent) == sorted(p["id"] for p in listed)


def test_due_lists_the_most_overdue_and_says_how_many_in_all(tmp_path: Path) -> None:
    db = str(tmp_path / "k.sqlite3")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "demo", "--people", "150"]).exit_code == 0
    base = ["--db", db, "--today", "2026-11-26", "--lang", "en"]
    everyone = json.loads(runner.invoke(app, [*base, "due", "--json", "--limit", "100000"]).output)
    some = json.loads(runner.invoke(app, [*base, "due", "--json", "--limit", "5"]).output)
    total = everyone["overdue_total"]
    assert total > 50
    assert some["overdue_total"] == total
    listed = {f["person_id"] for f in everyone["followups"] if f.get("source") == "cadence"}
    # Every overdue person is in the keep-in-touch list or, due now, among the follow-ups.
    assert len(everyone["overdue"]) + len(listed) == total
    assert len(some["overdue"]) <= 5
    assert len(some["requests"]) == min(5, some["requests_total"])
    assert some["requests_total"] == everyone["requests_total"] == len(everyone["requests"])
    # The first five are the five most overdue of the whole list (listed follow-ups aside).
    first = [o["person"]["person_id"] for o in some["overdue"]]
    assert first == [o["person"]["person_id"] for o in everyone["overdue"]][: len(first)]
    default = json.loads(runner.invoke(app, [*base, "due", "--json"]).output)
    assert len(default["overdue"]) <= 50 < total
    text = runner.invoke(app, [*base, "due", "--limit", "5"]).output
    assert f"and {total - 5} more: kinmyaku due --limit 10" in text
