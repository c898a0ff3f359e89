"""名刺 capture in the browser: scan a card (quick add), review it beside its image, save.

``POST /cards/scan`` reads the card (OCR, 1-3 s of CPU, in a worker thread), keeps its
sides and shows the review screen; ``POST /cards/save`` adds the person or updates the one
the card matched (a job change is asked: 「転職されましたか？」); ``POST /cards/stack``
reads several cards at once (the import page) into a list of review forms.  Manual entry
(quick add) keeps working when the OCR engine is missing: the scan says so.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.identity.candidates import Candidate
from kinmyaku.i18n import error_text, translate
from kinmyaku.services import browse, card_store
from kinmyaku.services.card_image import CardImageError
from kinmyaku.services.card_intake import Scanned, scan_upload, similar_to, uncertain_fields
from kinmyaku.services.card_save import CardSaved, Meeting, add_card, update_card_person
from kinmyaku.services.import_write import REASONS
from kinmyaku.services.photos import MAX_BYTES
from kinmyaku.services.today import event_today
from kinmyaku.storage.uow import reading
from kinmyaku.web import card_forms, forms
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
from kinmyaku.web.routes.pages_people import event_options, introducer_id_of, quick_context

router = APIRouter(include_in_schema=False)
MAX_STACK = 10
"""Cards one stack upload may hold (each read takes 1-3 s)."""


async def read_upload(value: object) -> bytes | None:
    """The bytes of one uploaded card side (None when none was chosen), at most 10 MB."""
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CardImageError("The card image is larger than 10 MB")
    return data or None


def _label(lang: str) -> str:
    return translate(lang, "Business card")


def review_context(
    core: CoreDep,
    lang: str,
    *,
    values: dict[str, Any],
    image_ids: list[int],
    uncertain: set[str],
    similar: list[Candidate],
    form: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the review screen shows: the image, the fields, the match and the meeting."""
    running = event_today(core.uow(), today=core.today())
    meeting = dict(form or {})
    if running and "event" not in meeting:
        meeting["event"] = str(running[0])
    company = str(values.get("company") or "")
    matches = similar_context(core, lang, similar)
    for match, found in zip(matches, similar, strict=True):
        match["company"] = found.b.company
        match["job_change"] = bool(company and found.b.company and company != found.b.company)
        if match["job_change"]:  # the question below says it better than the reason
            match["reasons"] = [
                text
                for text, reason in zip(match["reasons"], found.reasons, strict=False)
                if not reason.msgid.startswith("Different companies")
            ]
    sure = similar[0].b.id if similar and similar[0].probability >= 0.99 else None
    into = meeting.get("into", str(sure) if sure else "")
    return {
        "values": values,
        "image_ids": image_ids,
        "uncertain": uncertain,
        "matches": matches,
        "into": into,
        "meeting": meeting,
        "event_options": event_options(core, lang, limit=30),
        "phone_kinds": [(k, translate(lang, v)) for k, v in card_forms.PHONE_LABELS.items()],
    }


def _scanned_context(core: CoreDep, lang: str, scanned: Scanned) -> dict[str, Any]:
    return review_context(
        core,
        lang,
        values=card_forms.form_values(scanned.fields),
        image_ids=scanned.image_ids,
        uncertain=uncertain_fields(scanned.fields),
        similar=scanned.similar,
    )


def _scan_error(request: Request, core: CoreDep, lang: str, error: KinmyakuError) -> Response:
    context = quick_context(core, lang)
    context["scan_error"] = error_text(lang, error)
    return render(request, "quick_add.html", context, status=error.status)


@router.post("/cards/scan")
async def scan(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Read a card's photo (front, optional back) and show the review screen."""
    try:
        front = await read_upload(form.get("front"))
        back = await read_upload(form.get("back"))
        if front is None:
            raise CardImageError("Choose or take a photo of the card")
    except KinmyakuError as error:
        return await run_in_threadpool(_scan_error, request, core, lang, error)
    return await run_in_threadpool(_scan, request, core, lang, front, back)


def _scan(request: Request, core: CoreDep, lang: str, front: bytes, back: bytes | None) -> Response:
    try:
        scanned = scan_upload(core.uow(), front=front, back=back)
    except KinmyakuError as error:
        return _scan_error(request, core, lang, error)
    return render(request, "card_review.html", {"card": _scanned_context(core, lang, scanned)})


def _meeting_form(form: FormData) -> dict[str, str]:
    names = ("event", "introducer", "memory_cue", "into")
    return {k: v.strip() for k in names if isinstance(v := form.get(k), str)}


def _review_again(
    request: Request,
    core: CoreDep,
    lang: str,
    form: FormData,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    card = _posted_card(core, lang, form)
    context = {"card": card, "errors": errors or {}}
    if is_htmx(request) and card["n"]:  # a card of a stack: its item again
        return render(request, "_card_stack_item.html", context, status=status)
    return render(request, "card_review.html", context, status=status)


def _posted_card(core: CoreDep, lang: str, form: FormData) -> dict[str, Any]:
    """The review context of a card as posted (no OCR: the reader's result came with it)."""
    values = card_forms.posted_values(form)
    probe = CardFields(family_name=values["family_name"], given_name=values["given_name"])
    probe.company = values["company"]
    probe.emails = [e for e in values["emails"] if e]
    probe.phones = [{"kind": k, "number": n} for k, n in values["phones"] if n]
    with reading():
        similar = similar_to(core.uow(), probe)
    card = review_context(
        core,
        lang,
        values=values,
        image_ids=card_forms.image_ids(form),
        uncertain=card_forms.uncertain_of(form),
        similar=similar,
        form=_meeting_form(form),
    )
    number = forms.text(form, "stack")
    card["n"] = int(number) if number.isdigit() and len(number) < 4 else 0
    return card


@router.post("/cards/review")
def review(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """The review screen of a card read before (a card of a stack)."""
    return _review_again(request, core, lang, form)


@router.post("/cards/save")
def save(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Add the reviewed card's person, or update the person chosen; then say what was done."""
    try:
        fields = card_forms.fields_from_form(form)
        meeting = Meeting(
            event_id=forms.number(form, "event"),
            introducer_id=introducer_id_of(core, forms.text(form, "introducer")),
            cue=forms.text(form, "memory_cue"),
        )
        into = forms.number(form, "into")
        ids = card_forms.image_ids(form)
        uow, today = core.uow(), core.today()
        if into is None:
            saved = add_card(uow, fields, today=today, meeting=meeting, image_ids=ids)
        else:
            saved = update_card_person(
                uow,
                fields,
                person_id=into,
                today=today,
                meeting=meeting,
                image_ids=ids,
                label=_label(lang),
                lang=lang,
            )
    except KinmyakuError as error:
        return _review_again(request, core, lang, form, errors_of(lang, error), error.status)
    data_changed(request)
    if is_htmx(request):  # a card of a stack: its item says what was done
        return _saved_item(request, core, lang, saved, forms.text(form, "stack"))
    query: dict[str, Any] = {
        "person": saved.person_id,
        "action": saved.action,
        "why": ",".join(saved.why),
    }
    if saved.import_id is not None:
        query["import"] = saved.import_id
    if saved.job_changed:
        query["old"] = saved.old_company[:200]
    return see_other("/cards/done?" + urlencode(query))


def _why(lang: str, codes: list[str]) -> list[str]:
    """What an update added, in words (``import_write.REASONS``), each once."""
    return [translate(lang, REASONS[c]) for c in dict.fromkeys(codes) if c in REASONS]


def _saved_item(
    request: Request, core: CoreDep, lang: str, saved: CardSaved, number: str
) -> Response:
    found = browse.person_summaries(core.uow(), [saved.person_id])
    context = {
        "saved": saved,
        "why": _why(lang, saved.why),
        "person": found[0] if found else None,
        "n": number[:4],
    }
    return render(request, "_card_saved.html", context)


@router.get("/cards/done")
def done(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """What saving a card did, an undo for an update, and the scan of the next card."""
    params = request.query_params
    person = params.get("person", "")
    found = browse.person_summaries(core.uow(), [int(person)]) if person.isdigit() else []
    imported = params.get("import", "")
    why = _why(lang, params.get("why", "").split(","))
    context = {
        "person": found[0] if found else None,
        "action": params.get("action", "")
        if params.get("action") in ("created", "updated")
        else "",
        "import_id": int(imported) if imported.isdigit() and len(imported) < 10 else None,
        "why": why,
        "old_company": params.get("old", "")[:200],
    }
    return render(request, "card_done.html", context)


@router.get("/cards/images/{image_id}")
def card_image(image_id: RecordId, core: CoreDep) -> Response:
    """One side of a card, as kept (no EXIF)."""
    image = card_store.get_card_image(core.uow(), image_id=image_id)
    headers = {"cache-control": "private, max-age=86400"}
    return Response(image.data, media_type=image.mime, headers=headers)


@router.get("/people/{person_id}/cards")
def person_cards(request: Request, person_id: RecordId, core: CoreDep) -> Response:
    """The card images kept with a person (a fragment of the person page)."""
    images = card_store.card_images_of(core.uow(), person_id=person_id)
    return render(request, "_card_images.html", {"images": images})


@router.post("/cards/stack")
async def stack(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Read several card photos at once (a stack after a conference): a list to review."""
    uploads: list[tuple[str, bytes | None, str]] = []
    for value in form.getlist("cards")[: MAX_STACK + 1]:
        name = value.filename or "" if isinstance(value, UploadFile) else ""
        try:
            uploads.append((name, await read_upload(value), ""))
        except KinmyakuError as error:
            uploads.append((name, None, error_text(lang, error)))
    return await run_in_threadpool(_stack, request, core, lang, uploads)


def _stack(
    request: Request, core: CoreDep, lang: str, uploads: list[tuple[str, bytes | None, str]]
) -> Response:
    results: list[dict[str, Any]] = []
    for number, (name, data, problem) in enumerate(uploads[:MAX_STACK], start=1):
        if data is None and not problem:
            continue  # an empty file field
        entry: dict[str, Any] = {"n": number, "file": name, "error": problem}
        if data is not None:
            try:
                entry.update(_scanned_context(core, lang, scan_upload(core.uow(), front=data)))
            except KinmyakuError as error:
                entry["error"] = error_text(lang, error)
        results.append(entry)
    context: dict[str, Any] = {
        "results": results,
        "too_many": len(uploads) > MAX_STACK,
        "max_stack": MAX_STACK,
    }
    if not results:
        context["errors"] = {"": translate(lang, "Choose one or more photos of cards")}
    return render(request, "card_stack.html", context, status=200 if results else 422)
