"""The CLI loads a command's module only when that command runs (cli/lazy.py).

The index in cli/commands.py must say what the modules register, and a read command must
not drag in the web server, the import pipeline, numpy, Babel or Pillow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from kinmyaku.cli.commands import COMMANDS
from kinmyaku.cli.lazy import build_index
from kinmyaku.cli.main import app

#: What ``kinmyaku search`` must never import (each costs start-up time and memory).
DENIED = (
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "numpy",
    "alembic",
    "babel",
    "PIL",
    "pydantic",
    "pykakasi",
    "phonenumbers",
    "email_validator",
    "networkx",
    "kinmyaku.web",
    "kinmyaku.formats",
    "kinmyaku.services.import_pipeline",
    "kinmyaku.services.identity",
    "kinmyaku.services.insights",
    "pytesseract",
    "cv2",
)

#: What ``kinmyaku --help`` must not import on top of that: it touches no database.
DENIED_FOR_HELP = (*DENIED, "sqlalchemy", "kinmyaku.services", "kinmyaku.storage")

PROBE = """
import json, sys
sys.argv = ["kinmyaku", *json.loads(sys.argv[1])]
from kinmyaku.cli.main import run
try:
    run()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules a fresh process holds after running ``kinmyaku ARGS``.

    The command runs twice with a cache folder of its own and the second run is measured:
    the very first command after an install reads the .po catalogs with Babel and caches
    them (i18n.catalog); every later command reads the cache, whatever ran before the test.
    """
    env = {**os.environ, "XDG_CACHE_HOME": str(cwd / "cache")}
    env.pop("KINMYAKU_NO_CATALOG_CACHE", None)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, json.dumps(args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            check=False,
            timeout=120,
        )
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    assert done.returncode == 0, done.stderr
    return set(json.loads(line.removeprefix("MODULES ")))


def loaded(modules: set[str], denied: tuple[str, ...]) -> list[str]:
    """The denied packages among the modules."""
    return sorted(d for d in denied if any(m == d or m.startswith(d + ".") for m in modules))


def test_the_index_says_what_the_modules_register() -> None:
    assert build_index() == COMMANDS, "run: python -m kinmyaku.cli.lazy"


def test_every_command_is_reachable_and_the_tree_is_whole() -> None:
    root = typer.main.get_command(app)
    names = list(root.commands)  # type: ignore[attr-defined]
    assert names == list(COMMANDS)
    for name in names:
        command = root.commands[name]  # type: ignore[attr-defined]
        assert command.name == name
        assert command.callback is not None or getattr(command, "commands", None)


def test_search_imports_nothing_on_the_deny_list(tmp_path: Path) -> None:
    db = str(tmp_path / "k.sqlite3")
    CliRunner().invoke(app, ["--db", db, "add", "高橋", "健太"], catch_exceptions=False)
    modules = modules_after(["--db", db, "--lang", "ja", "search", "高橋", "--json"], tmp_path)
    assert "kinmyaku.storage.search" in modules  # it did search
    assert loaded(modules, DENIED) == []


def test_show_and_list_import_nothing_on_the_deny_list(tmp_path: Path) -> None:
    db = str(tmp_path / "k.sqlite3")
    CliRunner().invoke(app, ["--db", db, "add", "佐藤", "健", "--phone", "090-1234-5678"])
    # A phone shown the Japanese way (090-1234-5678) needs phonenumbers' tables.
    allowed = {"phonenumbers"}
    for args in (["show", "1"], ["list", "--json"]):
        modules = modules_after(["--db", db, *args], tmp_path)
        assert "sqlalchemy" in modules
        assert [m for m in loaded(modules, DENIED) if m not in allowed] == [], args


def test_help_imports_no_database_code(tmp_path: Path) -> None:
    for args in (["--help"], ["--lang", "en", "--help"], ["--version"]):
        modules = modules_after(args, tmp_path)
        assert loaded(modules, DENIED_FOR_HELP) == [], args


def test_root_help_lists_every_visible_command_in_both_languages() -> None:
    runner = CliRunner()
    for lang in ("ja", "en"):
        shown = runner.invoke(app, ["--lang", lang, "--help"], terminal_width=200)
        assert shown.exit_code == 0
        for name, entry in COMMANDS.items():
            if not entry.hidden:
                assert f" {name} " in shown.output, (lang, name)
    english = runner.invoke(app, ["--lang", "en", "--help"], terminal_width=200).output
    japanese = runner.invoke(app, ["--lang", "ja", "--help"], terminal_width=200).output
    assert "Find people by name in any spelling" in english
    assert "Find people by name in any spelling" not in japanese
    assert "名前" in japanese


def test_an_unknown_command_still_says_so() -> None:
    shown = CliRunner().invoke(app, ["--lang", "en", "serch", "高橋"])
    assert shown.exit_code == 2
    assert "serch" in shown.output
