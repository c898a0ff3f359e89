"""My profile (Settings) and the thank-you draft page: copy, mail it, mark it sent."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import ValidationErrors
from kinmyaku.i18n import error_text
from kinmyaku.services import insights_people as people_svc
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, RecordId, render, safe_next, see_other

router = APIRouter(include_in_schema=False)
DRAFT_LANGUAGES = ("ja", "en")


def error_fields(lang: str, error: ValidationError) -> dict[str, str]:
    """Every field's error message of a form, in the user's language."""
    found = error.errors if isinstance(error, ValidationErrors) else [error]
    return {e.field: error_text(lang, e) for e in found}


@router.get("/settings/profile")
def profile_page(request: Request, core: CoreDep) -> Response:
    """My profile on a page of its own (Settings shows the same form)."""
    return render(request, "profile.html", {"me": people_svc.my_profile(core.uow())})


@router.post("/settings/profile")
def save_profile(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Store my profile: name, reading, company, title, e-mail, signature, offers, needs."""
    values = {
        key: value.strip() if key != "signature" else value
        for key in people_svc.ME_KEYS
        if isinstance(value := form.get(key), str)
    }
    try:
        people_svc.set_my_profile(core.uow(), **values)
    except ValidationError as error:
        context = {
            "me": people_svc.MyProfile(**values),
            "profile_errors": error_fields(lang, error),
        }
        return render(request, "profile.html", context, status=422)
    target = safe_next(forms.text(form, "next"), "/settings")
    return see_other(target if target != "/settings" else "/settings?saved=profile#profile")


def mailto(email: str, subject: str, body: str) -> str:
    """A mailto: link with the subject and body URL-encoded (spaces as %20, lines as %0D%0A)."""
    crlf = body.replace("\n", "\r\n")
    address = quote(email, safe="@")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(crlf, safe='')}"


@router.get("/people/{person_id}/thanks")
def thanks_page(
    request: Request,
    core: CoreDep,
    person_id: RecordId,
    language: str = "",
    topic: str = "",
    event: int | None = None,
    back: Annotated[str, Query(alias="next")] = "",
) -> Response:
    """A thank-you draft for a person, in their language (or the one chosen), ready to send."""
    chosen = language if language in DRAFT_LANGUAGES else None
    topic = topic.strip()[:200]
    view = people_svc.thank_you_view(
        core.uow(),
        person_id=person_id,
        today=core.today(),
        event_id=event,
        topic=topic,
        language=chosen,
        require_meeting=False,
    )
    context: dict[str, Any] = {
        "v": view,
        "topic": view.topic,
        "chosen": view.draft.language,
        "event": event,
        "back": safe_next(back, f"/people/{person_id}"),
        "mailto": mailto(view.email, view.draft.subject, view.draft.body),
    }
    return render(request, "thanks.html", context)


@router.post("/people/{person_id}/thanks/sent")
def thanks_sent(core: CoreDep, lang: LangDep, form: FormDep, person_id: RecordId) -> Response:
    """Log the thank-you as sent (an e-mail or a message), then go back."""
    kind = forms.text(form, "kind") or "email"
    people_svc.record_thanks_sent(
        core.uow(), person_id=person_id, today=core.today(), kind=kind, lang=lang
    )
    return see_other(safe_next(forms.text(form, "next"), f"/people/{person_id}"))
