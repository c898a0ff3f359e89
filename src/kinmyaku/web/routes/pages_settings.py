"""Settings: language, where the data is, how to export; the language switch; photos."""

from __future__ import annotations

import importlib.util

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.engine import make_url

from kinmyaku.config import LANGUAGES
from kinmyaku.services import photos
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, render, safe_next, see_other
from kinmyaku.web.i18n import LANG_COOKIE

router = APIRouter(include_in_schema=False)
YEAR = 365 * 86400


def safe_url(url: str) -> str:
    """The database URL with any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def backup_command(url: str) -> str:
    """A terminal command that copies the whole database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f'sqlite3 "{parsed.database}" ".backup kinmyaku-backup.sqlite3"'
    shown = parsed.set(drivername="postgresql").render_as_string(hide_password=True)
    return f'pg_dump "{shown}" > kinmyaku-backup.sql'


def export_commands(url: str) -> str:
    """The terminal commands that export everyone (JSON backup, vCard, CSV)."""
    parsed = make_url(url)
    where = parsed.database if parsed.get_backend_name() == "sqlite" else safe_url(url)
    return "\n".join(
        f'kinmyaku --db "{where}" export --format {fmt} -o kinmyaku.{ext}'
        for fmt, ext in (("json", "json"), ("vcard", "vcf"), ("csv", "csv"))
    )


@router.get("/settings")
def settings_page(request: Request, core: CoreDep) -> Response:
    """Language, where the data is kept, and the commands that export or back it up."""
    url = core.settings.database_url
    has_export = importlib.util.find_spec("kinmyaku.cli.transfer") is not None
    context = {
        "database": safe_url(url),
        "data_dir": str(core.settings.data_dir),
        "backup": backup_command(url),
        "export": export_commands(url) if has_export else None,
        "host": request.app.state.host,
    }
    return render(request, "settings.html", context)


@router.post("/language")
def switch_language(form: FormDep) -> Response:
    """Remember the chosen language in a cookie and go back."""
    lang = forms.text(form, "lang")
    response = see_other(safe_next(forms.text(form, "next"), "/"))
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, httponly=True, samesite="lax")
    return response


@router.get("/photos/{name}")
def photo(name: str, core: CoreDep) -> Response:
    """A stored photo (never a file from disk)."""
    found = photos.get_photo(core.uow(), name=name)
    return Response(
        found.data,
        media_type=found.mime,
        headers={"cache-control": "private, max-age=31536000, immutable"},
    )
