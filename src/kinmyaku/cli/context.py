"""What every CLI command shares: settings, the app (opened lazily), language, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from kinmyaku.config import Settings
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.i18n import error_text, translate

if TYPE_CHECKING:  # opened on first use: ``--help`` and ``--version`` need no database
    from kinmyaku.bootstrap import App


@dataclass
class CliContext:
    """Settings from the global options, and the app once a command needs it."""

    settings: Settings
    console: Console = field(default_factory=Console)
    _app: App | None = None

    @property
    def lang(self) -> str:
        """``ja`` or ``en``."""
        return self.settings.language

    @property
    def app(self) -> App:
        """The app, opened (and the schema created or upgraded) on first use."""
        if self._app is None:
            from kinmyaku.bootstrap import open_app

            self._app = open_app(self.settings)
        return self._app

    def t(self, msgid: str, **params: Any) -> str:
        """A message in the user's language."""
        return translate(self.lang, msgid, **params)

    def say(self, msgid: str, **params: Any) -> None:
        """Print a message in the user's language."""
        self.console.print(self.t(msgid, **params), highlight=False)

    def fail(self, error: KinmyakuError | str, code: int = 1) -> NoReturn:
        """Print a user error to stderr and exit non-zero (never a traceback)."""
        # Several fields wrong at once (ValidationErrors): one line each, all of them.
        every = getattr(error, "errors", None) or [error]
        prefix = self.t("Error")
        # soft_wrap: a long path or URL in the message stays whole, so it can be copied.
        stderr = Console(stderr=True, soft_wrap=True)
        for one in every:
            text = error_text(self.lang, one) if isinstance(one, KinmyakuError) else str(one)
            stderr.print(f"[red]{prefix}:[/red] {escape(text)}", highlight=False)
        raise typer.Exit(code)

    def date_arg(self, value: str | None, field_name: str) -> date | None:
        """Parse an optional date option (2024-03-15, 2024年3月15日, today, +7, +2w, 3日後)."""
        if value is None:
            return None
        from kinmyaku.domain.relative_dates import relative_date
        from kinmyaku.domain.validate import parse_date

        relative = relative_date(value, self.app.today())
        if relative is not None:
            return relative
        return parse_date(value, field=field_name)

    def person(self, ref: str) -> int:
        """Resolve a PERSON argument (id or any spelling of a name)."""
        from kinmyaku.services.people import resolve_person

        return resolve_person(self.app.uow(), ref)


def ctx_of(ctx: typer.Context) -> CliContext:
    """The CliContext stored by the global callback."""
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext)
    return obj


def print_json(data: Any) -> None:
    """Print JSON (UTF-8, Japanese kept readable) to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_json_items(items: Iterable[Any]) -> None:
    """Print a JSON array item by item: what ``print_json(list(items))`` prints, in little
    memory (``kinmyaku list --json`` of 100,000 people)."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(("[\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
        first = False
    sys.stdout.write("[]\n" if first else "\n]\n")
