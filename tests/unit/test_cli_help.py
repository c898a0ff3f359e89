"""CLI help in Japanese: every command and option help has a translation, and --lang ja uses it."""

from __future__ import annotations

from typing import Any

import typer.main
from typer.testing import CliRunner

from kinmyaku.cli.main import app
from kinmyaku.i18n import catalog, translate


def help_texts(command: Any) -> set[str]:
    found = {t.strip() for t in (command.help, getattr(command, "short_help", None)) if t}
    found |= {p.help.strip() for p in command.params if getattr(p, "help", None)}
    for sub in getattr(command, "commands", {}).values():
        found |= help_texts(sub)
    return found


def test_every_help_text_has_a_japanese_translation() -> None:
    texts = help_texts(typer.main.get_command(app))
    assert len(texts) > 100
    missing = sorted(t for t in texts if not catalog("ja").get(t))
    assert missing == []


def test_help_follows_the_language() -> None:
    runner = CliRunner()
    add_help = typer.main.get_command(app).commands["add"].help  # type: ignore[attr-defined]
    japanese = translate("ja", add_help.strip())
    assert japanese != add_help.strip()
    shown = runner.invoke(app, ["--lang", "ja", "add", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    assert japanese.splitlines()[0] in shown.output
    english = runner.invoke(app, ["--lang", "en", "add", "--help"], terminal_width=200)
    assert add_help.strip().splitlines()[0] in english.output
