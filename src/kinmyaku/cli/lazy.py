"""Commands loaded on demand: ``kinmyaku search`` imports the search, not the web server.

Importing every command module (and through them the services, SQLAlchemy, the import
pipeline, numpy ...) took about a second before any command ran.  The root group now knows
its commands from a static index (``cli/commands.py``: name, module, help, hidden), and a
command's module is imported only when that command is looked up.  ``--help`` lists the
commands from the index alone.  ``tests/unit/cli/test_command_index.py`` keeps the index
equal to what the modules register; ``python -m kinmyaku.cli.lazy`` rewrites it.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from kinmyaku.cli.commands import COMMANDS, CommandEntry

#: Modules of kinmyaku.cli that hold no commands.
NOT_COMMANDS = frozenset({"main", "context", "render", "lazy", "commands"})


#: Groups built ahead by the command server (cli/command_server.py): each used once.
PREBUILT: dict[str, TyperGroup] = {}


def module_group(module: str) -> TyperGroup:
    """The click group of every command that ``kinmyaku.cli.<module>`` registers."""
    prebuilt = PREBUILT.pop(module, None)
    if prebuilt is not None:
        return prebuilt
    holder = typer.Typer()
    imported = importlib.import_module(f"kinmyaku.cli.{module}")
    imported.register(holder)
    return typer.main.get_group(holder)


class LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: each loaded from its module the first time it is asked for.

    ``stubs`` is set while the root help is drawn: then a command not yet loaded is a
    placeholder carrying its help line from the index, so ``--help`` imports nothing.
    ``prepare`` is applied to each command as it loads (its help put in the language).
    """

    def __init__(self, index: dict[str, CommandEntry]) -> None:
        self.index = index
        self.loaded: dict[str, Any] = {}
        self.stubs = False
        self.prepare: Callable[[Any], None] | None = None

    def _load(self, name: str) -> Any:
        if name not in self.loaded:
            entry = self.index[name]
            command = module_group(entry.module).commands[name]
            if self.prepare is not None:
                self.prepare(command)
            self.loaded[name] = command
        return self.loaded[name]

    def _stub(self, name: str) -> Any:
        entry = self.index[name]
        stub = TyperCommand(name, help=entry.help, hidden=entry.hidden)
        if self.prepare is not None:
            self.prepare(stub)
        return stub

    def __getitem__(self, name: str) -> Any:
        if name in self.loaded:
            return self.loaded[name]
        if name not in self.index:
            raise KeyError(name)
        return self._stub(name) if self.stubs else self._load(name)

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.loaded.pop(name, None)
        self.index = {k: v for k, v in self.index.items() if k != name}

    def __iter__(self) -> Iterator[str]:
        yield from self.index
        yield from (name for name in self.loaded if name not in self.index)

    def __len__(self) -> int:
        return len(set(self.index) | set(self.loaded))


def build_index() -> dict[str, CommandEntry]:
    """The index as the modules register it today (imports every command module)."""
    import pkgutil

    import kinmyaku.cli as package

    preferred = ["people", "relations", "events"]
    names = [m.name for m in pkgutil.iter_modules(package.__path__)]
    ordered = [n for n in preferred if n in names] + sorted(set(names) - set(preferred))
    index: dict[str, CommandEntry] = {}
    groups: dict[str, CommandEntry] = {}
    for module in ordered:
        if module in NOT_COMMANDS:
            continue
        imported = importlib.import_module(f"kinmyaku.cli.{module}")
        if not callable(getattr(imported, "register", None)):
            continue
        for name, command in module_group(module).commands.items():
            entry = CommandEntry(module, (command.help or "").strip(), command.hidden)
            # Typer lists plain commands first, then groups: keep that order.
            (groups if hasattr(command, "commands") else index)[name] = entry
    return {**index, **groups}


def write_index(path: Path) -> None:
    """Write ``cli/commands.py`` from the modules."""
    lines = [
        '"""The index of commands: name -> module, help, hidden (written by',
        "``python -m kinmyaku.cli.lazy``; a test keeps it equal to the modules).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import NamedTuple",
        "",
        "",
        "class CommandEntry(NamedTuple):",
        '    """Where a command lives and what the root help says of it."""',
        "",
        "    module: str",
        "    help: str",
        "    hidden: bool",
        "",
        "",
        "COMMANDS: dict[str, CommandEntry] = {",
    ]

    def text(value: str) -> str:  # a Python string as ruff format writes it
        return json.dumps(value, ensure_ascii=False)

    for name, entry in build_index().items():
        lines.append(f"    {text(name)}: CommandEntry(")
        lines.append(f"        {text(entry.module)},")
        lines.append(f"        {text(entry.help)},")
        lines.append(f"        {entry.hidden!r},")
        lines.append("    ),")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def lazy_commands() -> LazyCommands:
    """A fresh lazy mapping over the index."""
    return LazyCommands(dict(COMMANDS))


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    write_index(Path(__file__).with_name("commands.py"))
    sys.stdout.write("cli/commands.py written\n")
