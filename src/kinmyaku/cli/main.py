"""The ``kinmyaku`` command: global options, then a command from one of the groups.

Every module in ``kinmyaku.cli`` that defines ``register(app)`` adds its commands, so a new
command group is one new module (then ``python -m kinmyaku.cli.lazy`` adds it to the
index).  A command's module is imported only when that command runs (``cli/lazy.py``), so
that ``kinmyaku search`` starts without the web server, the import pipeline or numpy.
User errors become a message in the user's language and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import copy
import functools
import sys
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from kinmyaku.cli.click_words import localize_error, use_headings
from kinmyaku.cli.context import CliContext
from kinmyaku.cli.lazy import lazy_commands
from kinmyaku.config import Settings, database_url, detect_language
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.i18n import translate


class KinmyakuGroup(TyperGroup):
    """Maps user errors raised anywhere below to a clean message and exit code 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = lazy_commands()
        self.lang: str | None = None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run; a usage error (a typo in a command or option) is shown in the language."""
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        from typer._click.exceptions import ClickException
        from typer.exceptions import Abort

        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except ClickException as error:
            lang = self._language(args, kwargs)
            use_headings(lang)
            localize_error(error, lang)
            from typer import rich_utils

            rich_utils.rich_format_error(error)
            sys.exit(error.exit_code)
        except Abort:
            use_headings(self._language(args, kwargs))
            from typer import rich_utils

            rich_utils.rich_abort_error()
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def _language(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """The language of this run (also when the error came before it was read)."""
        if self.lang is not None:
            return self.lang
        given = kwargs.get("args", args[0] if args else None)
        argv = list(given) if given is not None else sys.argv[1:]
        return detect_language(_lang_option(argv))

    def invoke(self, ctx: Any) -> Any:
        """Run the command, turning KinmyakuError and database errors into messages."""
        try:
            return super().invoke(ctx)
        except KinmyakuError as error:
            _context(ctx).fail(error)
        except Exception as error:
            if not _is_database_error(error):
                raise
            cli = _context(ctx)
            cli.fail(
                cli.t(
                    "Cannot use the database {url}: {reason}",
                    url=_safe_url(cli.settings.database_url),
                    reason=_reason(error),
                )
            )

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Before anything is parsed (``--help`` included), put help texts in the language."""
        if ctx.parent is None:
            lang = detect_language(_lang_option(args))
            self.lang = lang
            if not args or "--help" in args:
                use_headings(lang)  # Typer's "Options", "[required]", "Usage:"
            # The root now; each command as it loads (cli/lazy.py).
            prepare = functools.partial(_prepare, lang=lang)
            prepare(self, walk=False)
            self.commands.prepare = prepare  # type: ignore[attr-defined]
        result: list[str] = super().parse_args(ctx, args)
        return result

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in the order they were registered (not alphabetical)."""
        return list(self.commands)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The root help lists the commands from the index, importing none of them."""
        commands = self.commands
        commands.stubs = True  # type: ignore[attr-defined]
        try:
            super().format_help(ctx, formatter)
        finally:
            commands.stubs = False  # type: ignore[attr-defined]


def _prepare(command: Any, lang: str, walk: bool = True) -> None:
    """Put a command's help in the language, and drop the type tags."""
    if lang != "en":
        translate_help(command, lang, walk=walk)
    hide_type_tags(command, lang, walk=walk)


def _reason(error: Exception) -> str:
    """The driver's first line of a database error."""
    orig = getattr(error, "orig", None)
    return str(orig).splitlines()[0] if orig else str(error)


def _is_database_error(error: Exception) -> bool:
    """Whether SQLAlchemy raised this (only imported if a command used the database)."""
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, (exc.OperationalError, exc.DBAPIError))


def _context(ctx: Any) -> CliContext:
    obj = ctx.find_root().obj
    if isinstance(obj, CliContext):
        return obj
    return CliContext(settings=Settings(language=detect_language()))


def _lang_option(args: list[str]) -> str | None:
    """The value of ``--lang`` among the arguments, if given."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def translate_help(command: Any, lang: str, walk: bool = True) -> None:
    """Translate the help of a command, its options and (``walk``) its subcommands, in place.

    Typer builds a fresh click command tree for every run, so this touches one run only.
    """
    for name in ("help", "short_help"):
        text = getattr(command, name, None)
        if text:
            setattr(command, name, translate(lang, text.strip()))
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = translate(lang, param.help.strip())
    for sub in getattr(command, "commands", {}).values() if walk else ():
        translate_help(sub, lang)


def _no_metavar(*args: Any, **kwargs: Any) -> str:
    return ""


def _argument_metavar(param: Any) -> Any:
    """``make_metavar`` of an argument: QUERY in the usage line and the help alike."""

    def make_metavar(*args: Any, **kwargs: Any) -> str:
        return _usage_name(param)

    return make_metavar


def _usage_name(param: Any) -> str:
    """``QUERY``, ``[FILE]...``: the usage-line name of an argument, the Unix way."""
    name = str(param.metavar or param.name.upper())
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def hide_type_tags(command: Any, lang: str, walk: bool = True) -> None:
    """Drop the ``<str>``/``<bool>`` tags from ``--help`` (choices stay); QUERY, not {query}."""
    help_option = command.get_help_option(click.Context(command))
    if help_option is not None and help_option.help:
        help_option.help = translate(lang, help_option.help)
    for param in [*getattr(command, "params", []), help_option]:
        if param is None:
            continue
        choices = getattr(getattr(param, "type", None), "choices", None)
        if not choices:
            # The help's type column shows what the type's metavar says: nothing.
            param.type = copy.copy(param.type)
            param.type.get_metavar = _no_metavar
        if getattr(param, "param_type_name", "") == "argument":
            param.make_metavar = _argument_metavar(param)
    for sub in getattr(command, "commands", {}).values() if walk else ():
        hide_type_tags(sub, lang)


def _show_version(value: bool) -> None:
    """``--version``: print the installed version and stop."""
    if value:
        from importlib.metadata import version

        typer.echo(f"kinmyaku {version('kinmyaku')}")
        raise typer.Exit()


def _safe_url(url: str) -> str:
    """The URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


app = typer.Typer(
    cls=KinmyakuGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="kinmyaku — 人脈を金脈に: a networking manager for the people you meet.",
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="KINMYAKU_DB",
            help="SQLite file path or SQLAlchemy URL (postgresql+psycopg://...).",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the output: ja or en (default: from the locale)."),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", hidden=True, help="Pretend today is this date (YYYY-MM-DD)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """Global options come before the command: kinmyaku --db PATH search 高橋."""
    settings = Settings(database_url=database_url(db), language=detect_language(lang), today=today)
    ctx.obj = CliContext(settings=settings)
    ctx.call_on_close(lambda: ctx.obj._app.close() if ctx.obj._app else None)


def run() -> None:
    """Run the command line (the console script, or a child of the command server)."""
    app(prog_name="kinmyaku")
