"""The person page: profile, photo, tags, contacts and delete, each editable in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import (
    Channel,
    Direction,
    ExchangeKind,
    Industry,
    InteractionKind,
    LinkKind,
    PurposeCategory,
    RequestSide,
    RequestStatus,
    industry_label,
)
from kinmyaku.services import people as people_svc
from kinmyaku.services import photos
from kinmyaku.services.identity.review import check_edited_person
from kinmyaku.web import forms
from kinmyaku.web.deps import (
    CoreDep,
    FormDep,
    LangDep,
    RecordId,
    errors_of,
    is_htmx,
    render,
    see_other,
)
from kinmyaku.web.routes.pages_identity import data_changed, similar_context
from kinmyaku.web.routes.pages_people import event_options
from kinmyaku.web.views import ledger_balance

router = APIRouter(include_in_schema=False)
SECTIONS = ("profile", "met", "purpose", "timeline", "ledger", "requests", "links")


def person_context(core: CoreDep, lang: str, person_id: RecordId) -> dict[str, Any]:
    """Everything the person page and its sections show."""
    uow = core.uow()
    with uow:  # one transaction for the page's reads (each costs a BEGIN and a COMMIT)
        profile = people_svc.show_person(uow, person_id)
        events = event_options(core, lang, limit=20, uow=uow)
    return {
        "p": profile,
        "s": profile.summary,
        "balance": ledger_balance(profile.exchanges),
        "event_options": events,
        "industries": [(i.value, industry_label(i, lang)) for i in Industry],
        "codes": {
            "channel": [c.value for c in Channel],
            "interaction": [k.value for k in InteractionKind],
            "direction": [d.value for d in Direction],
            "exchange": [k.value for k in ExchangeKind],
            "side": [s.value for s in RequestSide],
            "status": [s.value for s in RequestStatus],
            "purpose": [c.value for c in PurposeCategory],
            "link": [k.value for k in LinkKind],
        },
        "section_errors": {},
        "section_forms": {},
    }


def show_section(
    request: Request,
    core: CoreDep,
    lang: str,
    person_id: RecordId,
    section: str,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """After a form post: the section (htmx), or the page (errors, a warning: ``extra``) or
    a redirect (done)."""
    if not errors and not extra and not is_htmx(request):
        return see_other(f"/people/{person_id}#sec-{section}")
    context = person_context(core, lang, person_id)
    context["section_errors"] = {section: errors or {}}
    context["section_forms"] = {section: form or {}}
    context.update(extra or {})
    status = 422 if errors else 200
    if is_htmx(request):
        return render(request, f"_person_{section}.html", context, status=status)
    return render(request, "person.html", context, status=status)


def run_section(
    request: Request,
    core: CoreDep,
    lang: str,
    person_id: RecordId,
    section: str,
    form: FormDep,
    action: Callable[[], object],
    *,
    field: str = "",
) -> Response:
    """Run a service call for a section's form; map user errors to the form's fields."""
    try:
        action()
    except KinmyakuError as error:
        errors = errors_of(lang, error)
        if field and "" in errors:
            errors = {field: errors[""]}
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        return show_section(request, core, lang, person_id, section, errors=errors, form=values)
    return show_section(request, core, lang, person_id, section)


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: RecordId, core: CoreDep, lang: LangDep) -> Response:
    """Everything about one person.

    A plain function, which FastAPI runs in its thread pool, like every route that reads
    the database: a query waiting on a lock or a distant PostgreSQL must never hold up the
    event loop, and so every other request (tests/web/test_event_loop.py).
    """
    return render(request, "person.html", person_context(core, lang, person_id))


@router.post("/people/{person_id}/profile")
def edit_profile(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Change names, job, notes; add an e-mail, phone or web address.

    When the new name, phone or e-mail makes the person look like someone else already
    stored, nothing is saved: the form comes back with a warning and a "save anyway" button.
    """

    def data() -> people_svc.PersonInput:
        email, phone, url = (forms.text(form, n) for n in ("email", "phone", "url"))
        return people_svc.PersonInput(
            family_name=forms.maybe_text(form, "family_name"),
            given_name=forms.maybe_text(form, "given_name"),
            family_reading=forms.maybe_text(form, "family_reading"),
            given_reading=forms.maybe_text(form, "given_reading"),
            romaji=forms.maybe_text(form, "romaji"),
            nickname=forms.maybe_text(form, "nickname"),
            birthday=forms.day(form, "birthday"),
            notes=forms.maybe_text(form, "notes"),
            offers=forms.maybe_text(form, "offers"),
            needs=forms.maybe_text(form, "needs"),
            met=forms.text(form, "met") == "on" if "met_shown" in form else None,
            emails=[email] if email else (),
            phones=[phone] if phone else (),
            urls=[url] if url else (),
            company=forms.text(form, "company") or None,
            industry=forms.text(form, "industry") or None,
            department=forms.text(form, "department"),
            title=forms.text(form, "title"),
        )

    if forms.text(form, "add_anyway") != "1":
        try:
            similar = check_edited_person(core.uow(), person_id, data())
        except KinmyakuError:
            similar = []  # the edit itself reports what is wrong with the input
        if similar:
            values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
            warning = {"similar_profile": similar_context(core, lang, similar)}
            return show_section(
                request, core, lang, person_id, "profile", form=values, extra=warning
            )

    def action() -> None:
        checks = {"emails": ("email",), "phones": ("phone",), "dates": ("birthday",)}
        forms.check(form, **checks)  # every field wrong at once, not one per try
        people_svc.edit_person(core.uow(), person_id, data())
        data_changed(request)

    return run_section(request, core, lang, person_id, "profile", form, action)


@router.post("/people/{person_id}/tags")
def edit_tags(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Replace the tags with the ones typed (comma- or space-separated)."""

    def action() -> None:
        wanted = forms.words(form, "tags")
        current = people_svc.show_person(core.uow(), person_id).tags
        people_svc.tag_person(
            core.uow(),
            person_id,
            add=[t for t in wanted if t not in current],
            remove=[t for t in current if t not in wanted],
        )

    return run_section(request, core, lang, person_id, "profile", form, action, field="tags")


@router.post("/people/{person_id}/contacts/remove")
def remove_contact(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Remove an e-mail address or a phone number."""

    def action() -> None:
        people_svc.remove_contact(
            core.uow(), person_id, kind=forms.text(form, "kind"), value=forms.text(form, "value")
        )

    return run_section(request, core, lang, person_id, "profile", form, action)


@router.post("/people/{person_id}/photo")
async def change_photo(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Replace the photo: validated, cleaned (no EXIF) and stored in the database."""
    try:
        data = await forms.upload(form, "photo", limit=photos.MAX_BYTES)
    except KinmyakuError as error:
        errors = errors_of(lang, error)
        return await run_in_threadpool(
            lambda: show_section(request, core, lang, person_id, "profile", errors=errors)
        )

    def action() -> None:
        if data is None:
            return
        uow = core.uow()
        with uow:
            old = people_svc.show_person(uow, person_id).summary.photo
            name = photos.store_photo(uow, data=data)
            people_svc.edit_person(uow, person_id, people_svc.PersonInput(photo=name))
            if old:
                photos.delete_photo(uow, name=old)

    # The database work runs in a worker thread: never a query on the event loop.
    return await run_in_threadpool(
        run_section, request, core, lang, person_id, "profile", form, action, field="photo"
    )


@router.post("/people/{person_id}/delete")
def delete_person(person_id: RecordId, core: CoreDep) -> Response:
    """Delete the person and everything recorded about them alone."""
    people_svc.delete_person(core.uow(), person_id)
    return see_other("/people")
