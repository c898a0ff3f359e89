"""Person page sections of the method: how we met, touches, give/take, requests, purpose, links."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.domain.validate import require_text
from kinmyaku.services import relations
from kinmyaku.services.people import resolve_person
from kinmyaku.services.today import met_day
from kinmyaku.storage.retry import retry_busy
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, RecordId
from kinmyaku.web.routes.pages_person import run_section

router = APIRouter(include_in_schema=False)


@router.post("/people/{person_id}/encounters")
def add_encounter(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Record how we met: date, channel, event, introducer, place, memory cue."""

    def action() -> None:
        ref = forms.text(form, "introducer")
        relations.record_encounter(
            core.uow(),
            person_id=person_id,
            on=met_day(
                core.uow(),
                on=forms.day(form, "on", field="date"),
                event_id=forms.number(form, "event"),
                today=core.today(),
            ),
            channel=forms.text(form, "channel") or "other",
            introducer_id=resolve_person(core.uow(), ref) if ref else None,
            event_id=forms.number(form, "event"),
            place=forms.text(form, "place"),
            memory_cue=forms.text(form, "memory_cue"),
        )

    return run_section(request, core, lang, person_id, "met", form, action, field="introducer")


@router.post("/people/{person_id}/interactions")
def add_interaction(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Log a touch point (and maybe a follow-up date)."""

    def action() -> None:
        log = partial(
            relations.log_interaction,
            core.uow(),
            person_ids=[person_id],
            on=forms.day(form, "on", field="date") or core.today(),
            kind=forms.text(form, "kind") or "meeting",
            summary=forms.text(form, "summary"),
            follow_up_on=forms.day(form, "follow_up_on", field="follow_up"),
        )
        retry_busy(log)  # one transaction: a deadlock's victim is run again (storage/retry.py)

    return run_section(request, core, lang, person_id, "timeline", form, action)


@router.post("/people/{person_id}/interactions/{interaction_id}/done")
def follow_up_done(
    request: Request,
    person_id: RecordId,
    interaction_id: RecordId,
    core: CoreDep,
    lang: LangDep,
    form: FormDep,
) -> Response:
    """Mark a follow-up as done."""

    def action() -> None:
        relations.complete_follow_up(core.uow(), interaction_id=interaction_id)

    return run_section(request, core, lang, person_id, "timeline", form, action)


@router.post("/people/{person_id}/exchanges")
def add_exchange(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Record something given or received (ギブ/テイク) with its weight."""

    def action() -> None:
        relations.record_exchange(
            core.uow(),
            person_id=person_id,
            on=forms.day(form, "on", field="date") or core.today(),
            direction=forms.text(form, "direction"),
            kind=forms.text(form, "kind") or "other",
            weight=forms.number(form, "weight") or 1,
            note=forms.text(form, "note"),
        )

    return run_section(request, core, lang, person_id, "ledger", form, action)


@router.post("/people/{person_id}/requests")
def add_request(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Record a request: mine of them or theirs of me."""

    def action() -> None:
        relations.open_request(
            core.uow(),
            person_id=person_id,
            side=forms.text(form, "side"),
            what=forms.text(form, "what"),
            asked_on=forms.day(form, "asked_on", field="date") or core.today(),
            due_on=forms.day(form, "due_on", field="due"),
        )

    return run_section(request, core, lang, person_id, "requests", form, action)


@router.post("/people/{person_id}/requests/{request_id}")
def move_request(
    request: Request,
    person_id: RecordId,
    request_id: RecordId,
    core: CoreDep,
    lang: LangDep,
    form: FormDep,
) -> Response:
    """Move a request on (in progress, done, declined) with its outcome."""

    def action() -> None:
        relations.update_request(
            core.uow(),
            request_id=request_id,
            status=forms.text(form, "status"),
            outcome=forms.text(form, "outcome"),
            on=core.today(),
        )

    return run_section(request, core, lang, person_id, "requests", form, action)


@router.post("/people/{person_id}/purpose")
def set_purpose(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Say why this relationship matters and how often to keep in touch."""

    def action() -> None:
        relations.set_purpose(
            core.uow(),
            person_id=person_id,
            category=forms.text(form, "category"),
            goal=forms.text(form, "goal"),
            offer=forms.text(form, "offer"),
            cadence_days=forms.number(form, "cadence_days", field="cadence"),
        )

    return run_section(request, core, lang, person_id, "purpose", form, action)


@router.post("/people/{person_id}/links")
def add_link(
    request: Request, person_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Record that this person is connected to another person I know."""

    def action() -> None:
        ref = require_text(forms.text(form, "person"), field="person")
        relations.link_people(
            core.uow(),
            person_a=person_id,
            person_b=resolve_person(core.uow(), ref),
            kind=forms.text(form, "kind") or "knows",
            note=forms.text(form, "note"),
        )

    return run_section(request, core, lang, person_id, "links", form, action, field="person")
