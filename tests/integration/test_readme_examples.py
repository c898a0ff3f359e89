"""The README's command-line examples run as written, in order, on a new database, today."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kinmyaku.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"```sh\n(.*?)```", re.S)


def readme_commands() -> list[list[str]]:
    """Every `kinmyaku ...` command of the README's sh blocks, comments and continuations joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands: list[list[str]] = []
    for block in FENCE.findall(text):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "kinmyaku":
                commands.append(words[1:])
    return commands


def test_the_readme_has_the_examples_this_test_runs() -> None:
    commands = readme_commands()
    names = [c[0] for c in commands]
    for expected in ("add", "met", "log", "import", "merge", "duplicates", "path", "due"):
        assert expected in names, expected
    assert len(commands) >= 18


def test_every_readme_example_runs_in_order(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in readme_commands():
        if args[0] in ("serve", "password"):
            continue  # a server and a password prompt are not one-shot commands
        result = runner.invoke(app, ["--db", database_url, "--lang", "en", *args])
        shown = " ".join(args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            shown,
            result.output,
        )
        assert result.exit_code == 0, (shown, result.output)
        assert "Traceback" not in result.output, shown
    assert (tmp_path / "backup.json").stat().st_size > 0
