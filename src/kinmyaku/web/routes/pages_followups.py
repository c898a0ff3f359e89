"""Follow-ups: the list (/followups), and done, snooze, reschedule, clear on each row.

An htmx request gets the row back as a fragment (a short note where the row was, and the
section counts swapped out of band); a plain form post goes back to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.i18n import translate
from kinmyaku.services import followups as svc
from kinmyaku.web import forms
from kinmyaku.web.deps import (
    CoreDep,
    FormDep,
    LangDep,
    errors_of,
    is_htmx,
    lang_of,
    render,
    safe_next,
    see_other,
)
from kinmyaku.web.i18n import Texts

router = APIRouter(include_in_schema=False)
CLEAR_AGE_DAYS = 30
"""The bulk clear offers "due more than 30 days ago" first."""


def now_of(core: App) -> datetime:
    """Now: noon of the pinned day (tests, demos), else the clock."""
    if core.settings.today:
        return datetime.combine(core.today(), time(12))
    return datetime.now()


def thanks_url(item: svc.DueItem, back: str = "/") -> str:
    """The thank-you draft page of the item's person (with its event, if any)."""
    event = f"event={item.event_id}&" if item.event_id else ""
    return f"/people/{item.person_id}/thanks?{event}next={_quoted(back)}"


@lru_cache(maxsize=256)
def _quoted(back: str) -> str:
    """``back`` quoted for a URL: the same for every row of a page (Today quoted it for each
    of its rows, a tenth of the page's CPU)."""
    return quote(back, safe="/")


def _back(form: FormData) -> str:
    return safe_next(forms.text(form, "next"), "/")


def _tr(request: Request, msgid: str, **params: object) -> str:
    return translate(lang_of(request), msgid, **params)


def _agenda(core: App) -> svc.Agenda:
    return svc.list_followups(core.uow(), today=core.today(), now=now_of(core))


def row_context(core: App, back: str) -> dict[str, object]:
    """What the follow-up rows need besides the item (web/followup_rows.py)."""
    return {
        "thanks": lambda item: thanks_url(item, back),
        "tomorrow": core.today() + timedelta(days=1),
        "back": back,
    }


@router.get("/followups")
def followups_page(request: Request, core: CoreDep) -> Response:
    """Every follow-up overdue and due this week, with the bulk clear."""
    agenda = _agenda(core)
    context = {
        "agenda": agenda,
        "clear_before": core.today() - timedelta(days=CLEAR_AGE_DAYS),
        "cleared": svc.last_cleared(core.uow()),
        "just_cleared": "cleared" in request.query_params,
        "restored": "restored" in request.query_params,
        **row_context(core, "/followups"),
    }
    return render(request, "followups.html", context)


def _act(request: Request, core: App, key: str, back: str, action: Callable[[], str]) -> Response:
    """Run a row's action; answer htmx with the row's note and the new counts."""
    status = 200
    try:
        note, failed = action(), False
    except KinmyakuError as error:
        note, failed = " ".join(errors_of(lang_of(request), error).values()), True
        status = error.status
        if not is_htmx(request):
            return render(request, "error.html", {"message": note}, status=status)
    if not is_htmx(request):
        return see_other(back)
    context = {"key": key, "note": note, "failed": failed, "counts": _agenda(core).shown}
    return render(request, "_followup_done.html", context, status=422 if failed else 200)


@router.post("/followups/{key}/done")
def followup_done(request: Request, key: str, core: CoreDep, form: FormDep) -> Response:
    """Mark a follow-up done."""

    def action() -> str:
        svc.complete_followup(core.uow(), key=key, today=core.today())
        return _tr(request, "Marked as done")

    return _act(request, core, key, _back(form), action)


def _day_text(request: Request, value: date) -> str:
    return Texts(lang_of(request)).day(value)


@router.post("/followups/{key}/snooze")
def followup_snooze(request: Request, key: str, core: CoreDep, form: FormDep) -> Response:
    """Put a follow-up off: by some days (1, 7) or until a date."""

    def action() -> str:
        until = forms.day(form, "until")
        days = None if until else (forms.number(form, "days") or 1)
        to = svc.snooze_followup(core.uow(), key=key, today=core.today(), days=days, until=until)
        return _tr(request, "Snoozed until {date}", date=_day_text(request, to))

    return _act(request, core, key, _back(form), action)


@router.post("/followups/{key}/reschedule")
def followup_reschedule(request: Request, key: str, core: CoreDep, form: FormDep) -> Response:
    """Move a follow-up to the date chosen."""

    def action() -> str:
        on = forms.day(form, "on")
        if on is None:
            raise ValidationError("on", "Choose a date")
        to = svc.move_followup(core.uow(), key=key, to=on, today=core.today())
        return _tr(request, "Moved to {date}", date=_day_text(request, to))

    return _act(request, core, key, _back(form), action)


@router.post("/followups/clear")
def followups_clear(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Clear old follow-ups: first a page that says what will change, then the clear."""
    back = _back(form)
    context: dict[str, object] = {"back": back}
    try:
        before = forms.day(form, "before") or core.today() - timedelta(days=CLEAR_AGE_DAYS)
        context["before"] = before
        if forms.text(form, "confirm") != "1":
            context["found"] = svc.count_clearable(core.uow(), before=before)
            return render(request, "followups_clear.html", context)
        svc.clear_followups(core.uow(), before=before, today=core.today(), now=now_of(core))
    except KinmyakuError as error:
        context["errors"] = errors_of(lang, error)
        return render(request, "followups_clear.html", context, status=error.status)
    return see_other("/followups?cleared=1")


@router.post("/followups/undo-clear")
def followups_undo_clear(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """Put back what the latest clear changed."""
    try:
        svc.undo_clear(core.uow())
    except KinmyakuError as error:
        context = {"errors": errors_of(lang, error), "back": "/followups"}
        return render(request, "followups_clear.html", context, status=error.status)
    return see_other("/followups?restored=1")


def review_context(core: App) -> dict[str, object]:
    """The follow-up lists for the review's follow-ups page (/review/followups)."""
    return {"agenda": _agenda(core), **row_context(core, "/review/followups")}
