"""The words Typer and Click print themselves (help headings, usage errors), in Japanese.

Typer's help headings ("Options", "[required]", "Usage:") and Click's usage errors
("Missing argument 'QUERY'.", "No such command 'serch'.") are English literals in those
libraries, with no catalog of their own.  Here the headings are set from our catalog
before a help page or an error is drawn, and an error's message is rewritten from the
known English shapes (``ERRORS``).  A message of another shape stays as Click wrote it;
``tests/unit/cli/test_click_words.py`` provokes each shape for real, so a change of wording
in a new Typer or Click is caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kinmyaku.i18n import translate

#: Typer's help and error headings: module constant -> its English text.
HEADINGS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
USAGE = "Usage: "


def _q(name: str) -> str:
    """A quoted name as Click writes it: 'x' or "x"."""
    return rf"(?P<{name}>'[^']*'|\"[^\"]*\")"


#: Click's and Typer's error messages: pattern -> message id (its {names} are the groups).
ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^No such command {_q('name')}\. Did you mean (?P<options>.+)\?$"),
     "No such command {name}. Did you mean {options}?"),
    (re.compile(rf"^No such command {_q('name')}\.$"), "No such command {name}."),
    (re.compile(r"^Missing command\.$"), "Missing command."),
    (re.compile(rf"^Missing argument {_q('name')}\.(?P<rest>.*)$"), "Missing argument {name}."),
    (re.compile(rf"^Missing option {_q('name')}\.(?P<rest>.*)$"), "Missing option {name}."),
    (re.compile(r"^No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)$"),
     "No such option: {name} (possible options: {options})"),
    (re.compile(r"^No such option: (?P<name>\S+) Did you mean (?P<options>.+)\?$"),
     "No such option: {name}. Did you mean {options}?"),
    (re.compile(r"^No such option: (?P<name>\S+)$"), "No such option: {name}"),
    (re.compile(rf"^Option {_q('name')} requires an argument\.$"),
     "Option {name} requires an argument."),
    (re.compile(rf"^Option {_q('name')} requires (?P<count>\d+) arguments\.$"),
     "Option {name} requires {count} arguments."),
    (re.compile(rf"^Option {_q('name')} does not take a value\.$"),
     "Option {name} does not take a value."),
    (re.compile(r"^Got unexpected extra (?:arguments?|argument\(s\)) \((?P<args>.*)\)$"),
     "Unexpected extra arguments: {args}"),
    (re.compile(rf"^Invalid value for {_q('name')}: (?P<reason>.+)$"),
     "Invalid value for {name}: {reason}"),
    (re.compile(r"^Invalid value: (?P<reason>.+)$"), "Invalid value: {reason}"),
]  # fmt: skip

#: The reasons inside "Invalid value for X: REASON".
REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<value>.+) is not a valid (?:int|integer)\.$"),
     "{value} is not a whole number."),
    (re.compile(r"^(?P<value>.+) is not a valid float\.$"), "{value} is not a number."),
    (re.compile(r"^(?P<value>.+) is not a valid boolean\..*$"),
     "{value} is not yes or no (use true or false)."),
    (re.compile(r"^(?P<value>.+) is not in the range x>=(?P<least>[-\d.]+)\.$"),
     "{value} is less than {least}."),
    (re.compile(r"^(?P<value>.+) is not in the range (?P<range>.+)\.$"),
     "{value} is not in the range {range}."),
    (re.compile(r"^(?P<value>.+) is not one of (?P<choices>.+)\.$"),
     "{value} is not one of {choices}."),
    (re.compile(r"^(?P<kind>File|Path|Directory) (?P<value>.+) does not exist\.$"),
     "{value} does not exist."),
    (re.compile(r"^(?P<kind>File|Path|Directory) (?P<value>.+) is a directory\.$"),
     "{value} is a folder."),
]  # fmt: skip


def _reword(text: str, table: list[tuple[re.Pattern[str], str]], lang: str) -> str | None:
    """``text`` in ``lang`` when it has one of the table's shapes, else None."""
    for pattern, msgid in table:
        found = pattern.match(text)
        if found is None:
            continue
        params = {k: v for k, v in found.groupdict().items() if v is not None}
        if "reason" in params:
            params["reason"] = _reword(params["reason"], REASONS, lang) or params["reason"]
        rest = params.pop("rest", "")
        if msgid.startswith("Missing argument"):
            params["name"] = params["name"].upper()  # as the usage line writes it: QUERY
        return translate(lang, msgid, **params) + rest
    return None


def error_message(text: str, lang: str) -> str:
    """A Click or Typer error message in ``lang`` (as written when its shape is unknown)."""
    if lang == "en":
        return text
    return _reword(text.strip(), ERRORS, lang) or text


def use_headings(lang: str) -> None:
    """Set Typer's help and error headings, and the usage prefix, to ``lang``."""
    from typer import rich_utils
    from typer._click import formatting

    for name, english in HEADINGS.items():
        setattr(rich_utils, name, translate(lang, english))
    write_usage: Callable[..., Any] = _ORIGINAL_WRITE_USAGE.setdefault(
        "write_usage", formatting.HelpFormatter.write_usage
    )
    usage = translate(lang, USAGE)

    def localized(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, usage if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = localized  # type: ignore[method-assign]


_ORIGINAL_WRITE_USAGE: dict[str, Callable[..., Any]] = {}


def localize_error(error: Any, lang: str) -> None:
    """Make a Click error print its message in ``lang`` (in place)."""
    english = error.format_message()
    wording = error_message(english, lang)
    error.format_message = lambda: wording
