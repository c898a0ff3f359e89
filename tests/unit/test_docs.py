"""docs/cli.md documents every command of ``kinmyaku`` and every long option of each command.

Each command has a heading holding ``kinmyaku PATH`` in backticks (e.g. ``### `kinmyaku request
add```); its section runs to the next such heading and must name each of the command's long
options (``--json``, ``--no-recent`` ...).  Hidden commands and options are exempt.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from kinmyaku.cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
HEADING = re.compile(r"^#{2,6} .*?`kinmyaku(?P<path>(?: [a-z][a-z0-9-]*)*)`", re.MULTILINE)


def command_tree() -> dict[str, Any]:
    """Every visible command by path ("" for the root, "request add" ...)."""
    found: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        found[path] = command
        for name, sub in getattr(command, "commands", {}).items():
            if not getattr(sub, "hidden", False):
                walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def long_options(command: Any) -> list[str]:
    """The visible long option names of a command (both sides of --flag/--no-flag)."""
    names: list[str] = []
    for param in command.params:
        if param.param_type_name != "option" or getattr(param, "hidden", False):
            continue
        for name in [*param.opts, *param.secondary_opts]:
            if name.startswith("--") and name != "--help":
                names.append(name)
    return names


def doc_sections() -> dict[str, str]:
    """The text of docs/cli.md under each ``kinmyaku PATH`` heading, by path."""
    text = DOCS.read_text(encoding="utf-8")
    matches = list(HEADING.finditer(text))
    sections: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        path = match.group("path").strip()
        sections[path] = sections.get(path, "") + text[match.start() : end]
    return sections


COMMANDS = command_tree()


def test_the_tree_is_walked() -> None:
    """The walk sees groups and their subcommands, and options on both sides of a flag."""
    assert {"", "add", "request", "request add", "event show"} <= set(COMMANDS)
    assert "--no-recent" in long_options(COMMANDS["list"])
    assert "--mine" in long_options(COMMANDS["request add"])
    assert "--today" not in long_options(COMMANDS[""])  # hidden


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: p or "kinmyaku")
def test_command_is_documented(path: str) -> None:
    sections = doc_sections()
    assert path in sections, f"docs/cli.md needs a heading with `kinmyaku {path}`"
    section = sections[path]
    missing = [
        name
        for name in long_options(COMMANDS[path])
        if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", section)
    ]
    assert missing == [], f"document these options of `kinmyaku {path}`: {missing}"


def test_documented_commands_exist() -> None:
    """No heading documents a command that is gone."""
    stale = sorted(set(doc_sections()) - set(COMMANDS))
    assert stale == []


def test_environment_variables_are_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for variable in ("KINMYAKU_DB", "KINMYAKU_LANG", "KINMYAKU_DATA_DIR"):
        assert f"`{variable}`" in text


def test_person_argument_rules_are_documented() -> None:
    section = DOCS.read_text(encoding="utf-8").split("## PERSON arguments", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "#12" in section
    assert "writes nothing" in section
