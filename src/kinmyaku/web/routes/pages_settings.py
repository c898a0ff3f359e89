"""Settings: language, where the data is, how to export, who is logged in; photos."""

from __future__ import annotations

import importlib.util

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.engine import make_url

from kinmyaku.config import LANGUAGES
from kinmyaku.services import insights_people, photos, sessions
from kinmyaku.web import forms
from kinmyaku.web.deps import (
    CoreDep,
    FormDep,
    LangDep,
    RecordId,
    SessionDep,
    render,
    safe_next,
    see_other,
)
from kinmyaku.web.i18n import LANG_COOKIE
from kinmyaku.web.routes.pages_auth import store_of
from kinmyaku.web.routes.pages_carddav import carddav_settings

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
def settings_page(request: Request, core: CoreDep, lang: LangDep, session: SessionDep) -> Response:
    """Language, where the data is kept, the commands that export or back it up, sessions."""
    url = core.settings.database_url
    has_export = importlib.util.find_spec("kinmyaku.cli.transfer") is not None
    context = {
        "database": safe_url(url),
        "data_dir": str(core.settings.data_dir),
        "backup": backup_command(url),
        "export": export_commands(url) if has_export else None,
        "host": request.app.state.host,
        "sessions": session_rows(core, lang, session.stored_id),
        "me": insights_people.my_profile(core.uow()),
        "carddav": carddav_settings(request, core, lang),
    }
    return render(request, "settings.html", context)


def session_rows(core: CoreDep, lang: str, current: int | None) -> list[dict[str, object]]:
    """The logged-in browsers as the settings page lists them, this one first."""
    rows: list[dict[str, object]] = [
        {
            "id": found.id,
            "device": sessions.device_text(lang, found.device),
            "ip": found.ip,
            "seen": sessions.seen_text(lang, found.last_seen),
            "seen_at": found.last_seen.isoformat(timespec="minutes") + "Z",
            "since": found.created_at.date().isoformat(),
            "current": found.id == current,
        }
        for found in sessions.list_sessions(core.uow())
    ]
    return sorted(rows, key=lambda row: not row["current"])


@router.post("/settings/sessions/{session_id}/logout")
def end_one_session(
    request: Request, core: CoreDep, session: SessionDep, session_id: RecordId
) -> Response:
    """Log one browser out (this one: back to the login page)."""
    sessions.end_session(core.uow(), session_id=session_id)
    store_of(request).forget()
    if session_id == session.stored_id:
        session.rotate(auth=False)
        return see_other("/login")
    return see_other("/settings#sessions")


@router.post("/settings/sessions/logout")
def end_every_session(request: Request, core: CoreDep, session: SessionDep) -> Response:
    """Log every browser out, this one too."""
    sessions.end_all_sessions(core.uow())
    store_of(request).forget()
    session.rotate(auth=False)
    return see_other("/login")


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
