"""Read commands of the review print JSON too: review --json, due --json --limit."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services.demo import generate_demo


def test_review_and_due_as_json(sqlite_app: App) -> None:
    generate_demo(sqlite_app.uow(), people=150, seed=2, today=sqlite_app.today())
    url = sqlite_app.settings.database_url
    runner = CliRunner()
    base = ["--db", url, "--today", "2026-11-26"]
    review = runner.invoke(cli_app, [*base, "review", "--json"])
    assert review.exit_code == 0, review.output
    data = json.loads(review.output)
    assert data["stats"]["people"] == 150
    assert len(data["timeline"]) >= 12 and data["strength_histogram"]
    due = runner.invoke(cli_app, [*base, "due", "--json", "--limit", "2"])
    assert due.exit_code == 0, due.output
    found = json.loads(due.output)
    assert set(found) >= {"overdue", "followups", "requests"}
    assert len(found["overdue"]) <= 2
    assert all(isinstance(o["status"]["explanation"]["params"], dict) for o in found["overdue"])
