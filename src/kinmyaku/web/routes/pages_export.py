"""Export downloads (vCard, CSV, JSON backup, iCalendar) and the secret calendar URL."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from kinmyaku.bootstrap import App
from kinmyaku.services import backup, calendar_token, exporting
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, render, see_other

router = APIRouter(include_in_schema=False)
CHUNK = 256 * 1024
SPOOL = 8 * 1024 * 1024  # exports up to this size stay in memory, bigger ones go to disk

Writer = Callable[[App, str, IO[bytes]], object]
EXPORTS: dict[str, tuple[str, str, Writer]] = {
    "vcard": (
        "text/vcard; charset=utf-8",
        "vcf",
        lambda core, _lang, out: exporting.export_vcard(core.uow(), stream=out),
    ),
    "csv": (
        "text/csv; charset=utf-8",
        "csv",
        lambda core, lang, out: exporting.export_csv(core.uow(), stream=out, lang=lang),
    ),
    "json": (
        "application/json",
        "json",
        lambda core, _lang, out: backup.write_backup(core.uow(), stream=out),
    ),
    "ical": (
        "text/calendar; charset=utf-8",
        "ics",
        lambda core, lang, out: out.write(
            exporting.calendar_feed(core.uow(), today=core.today(), lang=lang)
        ),
    ),
}
"""Download format -> (Content-Type, file extension, how to write it)."""


def calendar_url(request: Request, token: str) -> str:
    """The absolute address of the calendar feed for a token."""
    return str(request.url_for("calendar_feed", token=token))


@router.get("/export")
def export_page(request: Request, core: CoreDep) -> Response:
    """The downloads and the calendar subscription."""
    token = calendar_token.get_calendar_token(core.uow())
    url = calendar_url(request, token) if token else None
    return render(request, "export.html", {"calendar_url": url})


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


@router.get("/export/{fmt}")
def download(fmt: str, core: CoreDep, lang: LangDep) -> Response:
    """Everyone as vCard 4.0, CSV for Excel, the full JSON backup or the calendar (.ics)."""
    if fmt not in EXPORTS:
        raise HTTPException(status_code=404, detail="Not found")
    media_type, extension, write = EXPORTS[fmt]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed by _chunks)
    try:
        write(core, lang, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    stem = "kinmyaku-backup" if fmt == "json" else "kinmyaku"
    name = f"{stem}-{core.today().isoformat()}.{extension}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(_chunks(spool), media_type=media_type, headers=headers)


@router.post("/export/calendar")
def change_calendar_url(core: CoreDep, form: FormDep) -> Response:
    """Create (or replace) the secret calendar URL, or turn it off."""
    if forms.text(form, "action") == "revoke":
        calendar_token.revoke_calendar_token(core.uow())
    else:
        calendar_token.create_calendar_token(core.uow())
    return see_other("/export#calendar")


@router.get("/calendar/{token}.ics", name="calendar_feed")
def calendar_feed(token: str, core: CoreDep, lang: LangDep) -> Response:
    """The reminders as an iCalendar feed, for a calendar app holding the secret URL."""
    if not calendar_token.check_calendar_token(core.uow(), token=token):
        raise HTTPException(status_code=404, detail="Not found")
    body = exporting.calendar_feed(core.uow(), today=core.today(), lang=lang)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'inline; filename="kinmyaku.ics"'},
    )
