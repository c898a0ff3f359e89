"""Every user-visible message of the core has a Japanese translation with the same placeholders.

Message ids are found with Babel's Python extractor (``t``, ``say``, ``translate``, ``fail``,
the error classes, ``ValidationError``'s 2nd argument ...).  Babel's tokenizer cannot see calls
inside f-strings (Python 3.11) nor field names, which ``error_text`` translates too, so a
small ``ast`` pass adds those.  Enum values are shown translated, so they are checked as well.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from kinmyaku.cli.main import app
from kinmyaku.domain import errors, model
from kinmyaku.i18n import LOCALES, catalog, translate

PACKAGE = LOCALES.parent

# The core: its owner writes core.po.  Other areas (web, formats, insights, network, demo)
# have their own catalogs and their own checks.
CORE_MODULES = [
    "cli/people.py",
    "cli/relations.py",
    "cli/events.py",
    "cli/render.py",
    "cli/context.py",
    "cli/main.py",
    "domain/errors.py",
    "domain/validate.py",
    "services/people.py",
    "services/relations.py",
    "services/events.py",
    *sorted(str(p.relative_to(PACKAGE)) for p in (PACKAGE / "storage").glob("*.py")),
]

# Enumerations whose values the CLI and web show through translate().
SHOWN_ENUMS: list[type[StrEnum]] = [
    model.Channel,
    model.EventKind,
    model.InteractionKind,
    model.Direction,
    model.ExchangeKind,
    model.RequestSide,
    model.RequestStatus,
    model.PurposeCategory,
    model.LinkKind,
    model.ContactKind,
]


def _error_classes() -> list[str]:
    found: list[type[errors.KinmyakuError]] = [errors.KinmyakuError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return sorted({cls.__name__ for cls in found})


def babel_keywords() -> dict[str, tuple[int, ...] | None]:
    """Babel keyword specs: the function names whose string argument is a message id."""
    keywords: dict[str, tuple[int, ...] | None] = {name: None for name in _error_classes()}
    keywords.update(
        {
            "t": None,
            "say": None,
            "fail": None,
            "translate": (2,),  # translate(lang, msgid)
            "ValidationError": (2,),  # ValidationError(field, msgid)
            "section": (2,),  # section(cli, title, lines) in cli/render.py and cli/privacy.py
        }
    )
    return keywords


# The n-th positional argument (0-based) of these calls is a field name shown translated.
FIELD_ARGS = {"ValidationError": 0, "choice": 2, "date_arg": 1, "_check_reading": 1}
FIELD_PARAMS = {"field", "field_name"}


def _strings(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _callee(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _message_arg(call: ast.Call, keywords: dict[str, tuple[int, ...] | None]) -> Iterator[str]:
    name = _callee(call)
    if name == "__init__":  # super().__init__("literal id", ...) in an error class
        spec: tuple[int, ...] | None = (1,)
    elif name in keywords:
        spec = keywords[name]
    else:
        return
    index = (spec or (1,))[0] - 1
    if len(call.args) > index:
        yield from _strings(call.args[index])


def ast_msgids(path: Path, keywords: dict[str, tuple[int, ...] | None]) -> set[str]:
    """What Babel cannot see: calls inside f-strings, field names, literal super().__init__."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    found.update(_message_arg(inner, keywords))
        elif isinstance(node, ast.Call):
            if _callee(node) == "__init__":
                found.update(_message_arg(node, keywords))
            position = FIELD_ARGS.get(_callee(node))
            if position is not None and len(node.args) > position:
                found.update(_strings(node.args[position]))
            for keyword in node.keywords:
                if keyword.arg in FIELD_PARAMS:
                    found.update(_strings(keyword.value))
        elif isinstance(node, ast.FunctionDef):  # def parse_date(value, *, field="date")
            positional = node.args.args[len(node.args.args) - len(node.args.defaults) :]
            pairs = [
                *zip(positional, node.args.defaults, strict=True),
                *zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True),
            ]
            for param, default in pairs:
                if param.arg in FIELD_PARAMS and default is not None:
                    found.update(_strings(default))
    return found


def babel_msgids(path: Path, keywords: dict[str, tuple[int, ...] | None]) -> set[str]:
    """Message ids Babel's Python extractor finds in one file."""
    found: set[str] = set()
    for _line, message, _comments, _context in extract_from_file(
        "python", str(path), keywords=keywords, comment_tags=(), options={}
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.add(text)
    return found


def enum_msgids() -> set[str]:
    """Every enum value shown translated, and the request sides as the CLI shows them."""
    values = {member.value for enum in SHOWN_ENUMS for member in enum}
    values.update(f"{side.value} request" for side in model.RequestSide)
    return values


def core_msgids() -> set[str]:
    """All message ids of the core modules, enum values and field names included."""
    keywords = babel_keywords()
    found = enum_msgids()
    for module in CORE_MODULES:
        path = PACKAGE / module
        found |= babel_msgids(path, keywords) | ast_msgids(path, keywords)
    return found


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a message (format specs and conversions ignored)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_core_modules_exist() -> None:
    missing = [m for m in CORE_MODULES if not (PACKAGE / m).is_file()]
    assert missing == []


def test_extraction_finds_known_messages() -> None:
    """The extractor itself works: a sample of ids from every kind of call site."""
    found = core_msgids()
    expected = {
        "Nobody matches '{query}'",  # NotFound(...) in services
        "'{query}' matches {count} people; use an id: {choices}",  # super().__init__
        "Invalid date '{value}' for {field}: write it as YYYY-MM-DD (e.g. 2024-03-15)",  # 2nd arg
        "How we met",  # section(cli, title, ...)
        "introduced by {name}",  # cli.t inside an f-string
        "Cannot use the database {url}: {reason}",  # cli.t in main
        "Delete {name} (#{id})?",  # cli.t in typer.confirm
        "family_reading",  # field name
        "birthday",  # field name given to cli.date_arg
        "cadence",  # field default of check_cadence
        "theirs request",  # enum value as shown
        "in_progress",
    }
    assert expected <= found, sorted(expected - found)


def test_every_core_message_has_a_japanese_translation() -> None:
    ja = catalog("ja")
    missing = sorted(m for m in core_msgids() if not ja.get(m, "").strip())
    assert missing == [], "add these to src/kinmyaku/locales/ja/core.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("msgid", sorted(core_msgids()))
def test_translation_keeps_placeholders(msgid: str) -> None:
    translated = catalog("ja").get(msgid)
    if translated is None:
        pytest.skip("untranslated (reported by the completeness test)")
    assert placeholders(translated) == placeholders(msgid)


def _po_files() -> list[Path]:
    return sorted(LOCALES.glob("*/*.po"))


def test_core_catalog_exists() -> None:
    assert LOCALES / "ja" / "core.po" in _po_files()


@pytest.mark.parametrize("po_file", _po_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_po_file_parses(po_file: Path) -> None:
    """Each catalog parses with Babel, declares its language and has no duplicate or fuzzy id."""
    with po_file.open("rb") as handle:
        parsed = read_po(handle, locale=po_file.parent.name, abort_invalid=True)
    assert str(parsed.locale) == po_file.parent.name
    text = po_file.read_text(encoding="utf-8")
    assert f'"Language: {po_file.parent.name}\\n"' in text
    assert "charset=utf-8" in text.lower()
    ids = [m.id for m in parsed if m.id]
    assert ids, "empty catalog"
    fuzzy = [m.id for m in parsed if m.id and m.fuzzy]
    assert fuzzy == []
    for message in parsed:
        if message.id and message.string and isinstance(message.id, str):
            assert placeholders(str(message.string)) == placeholders(message.id), message.id


def test_po_ids_are_unique_within_a_file() -> None:
    for po_file in _po_files():
        lines = po_file.read_text(encoding="utf-8").splitlines()
        ids = [line for line in lines if line.startswith("msgid ") and line != 'msgid ""']
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert duplicates == set(), po_file


def test_catalogs_agree_on_shared_ids() -> None:
    """A message id in several files of one language has one translation (the last file wins)."""
    for folder in sorted({p.parent for p in _po_files()}):
        seen: dict[str, tuple[str, str]] = {}
        conflicts: list[str] = []
        for po_file in sorted(folder.glob("*.po")):
            with po_file.open("rb") as handle:
                for message in read_po(handle, locale=folder.name):
                    if not (message.id and message.string and isinstance(message.id, str)):
                        continue
                    text = str(message.string)
                    earlier = seen.setdefault(message.id, (po_file.name, text))
                    if earlier[1] != text:
                        conflicts.append(
                            f"{message.id!r}: {earlier[0]} {earlier[1]!r} "
                            f"!= {po_file.name} {text!r}"
                        )
        assert conflicts == [], f"{folder.name}: " + "; ".join(conflicts)


def test_translate_fills_placeholders_in_japanese() -> None:
    msgid = "Nobody matches '{query}'"
    assert translate("ja", msgid, query="高橋") == "「高橋」に一致する人はいません"
    assert translate("en", msgid, query="高橋") == "Nobody matches '高橋'"


def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "i18n.sqlite3"), *args], env={"COLUMNS": "200"}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_prints_a_user_error_in_japanese(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "--lang", "ja", "show", "999")
    assert code == 1
    expected = translate("ja", "No person with id {id}", id=999)
    assert expected != "No person with id 999"
    assert f"エラー: {expected}" in err
    assert "Traceback" not in out + err


def test_cli_prints_a_user_error_in_english(tmp_path: Path) -> None:
    code, _out, err = _run(tmp_path, "--lang", "en", "show", "999")
    assert code == 1
    assert "Error: No person with id 999" in err


def test_cli_translates_field_names_in_validation_errors(tmp_path: Path) -> None:
    code, _out, err = _run(tmp_path, "--lang", "ja", "event", "add", " ")
    assert code == 1
    assert "エラー: 「名前」を入力してください" in err
    code, _out, err = _run(tmp_path, "--lang", "ja", "add", "高橋", "--birthday", "きのうの夜")
    assert code == 1
    assert "日付「きのうの夜」が正しくありません" in err


def test_cli_success_messages_in_japanese(tmp_path: Path) -> None:
    code, out, _err = _run(tmp_path, "--lang", "ja", "add", "高橋", "健太", "--sei", "たかはし")
    assert code == 0
    assert "#1 高橋 健太（たかはし" in out
    assert "を追加しました" in out
    code, out, _err = _run(tmp_path, "--lang", "ja", "request", "add", "高橋", "資料を送る")
    assert code == 0
    assert "依頼 #1 を記録しました" in out
    code, out, _err = _run(tmp_path, "--lang", "ja", "request", "list")
    assert code == 0
    assert "#1 [未着手] 相手からの依頼 高橋 健太: 資料を送る" in out
