"""API: business cards (名刺): read a card's photos, then save it as a person (or an update).

``POST /api/cards/scan`` runs the OCR (1-3 s of CPU) in a worker thread and keeps the
card's sides for the save; ``POST /api/cards`` adds the person or updates ``into`` (an
undoable import, a job change recorded when the company differs).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.validate import normalize_email, parse_phone
from kinmyaku.i18n import translate
from kinmyaku.services.card_image import CardImageError
from kinmyaku.services.card_intake import Scanned, scan_upload, uncertain_fields
from kinmyaku.services.card_save import CardSaved, Meeting, add_card, update_card_person
from kinmyaku.services.identity.finding import reason_texts
from kinmyaku.web.deps import CoreDep, LangDep
from kinmyaku.web.routes.pages_cards import read_upload
from kinmyaku.web.routes.pages_identity import data_changed
from kinmyaku.web.schemas import ERRORS
from kinmyaku.web.schemas_cards import (
    CardFieldsPublic,
    CardMatchPublic,
    CardSave,
    CardSavedPublic,
    CardScanPublic,
    JobChangePublic,
)

router = APIRouter(prefix="/api", tags=["cards"], responses=ERRORS)


def _public(scanned: Scanned, lang: str) -> CardScanPublic:
    fields = scanned.fields
    company = fields.company
    sure = scanned.sure
    return CardScanPublic(
        fields=CardFieldsPublic.model_validate(fields.to_json()),
        image_ids=scanned.image_ids,
        uncertain=sorted(uncertain_fields(fields)),
        matches=[
            CardMatchPublic(
                id=c.b.id,
                name=c.b.name,
                company=c.b.company,
                probability=round(c.probability, 4),
                job_change=bool(company and c.b.company and company != c.b.company),
                reasons=reason_texts(c, lang),
            )
            for c in scanned.similar
        ],
        sure_match=sure.b.id if sure is not None else None,
    )


@router.post("/cards/scan")
async def scan_card_photo(
    core: CoreDep,
    lang: LangDep,
    front: Annotated[UploadFile, File(description="Photo of the card's front (at most 10 MB)")],
    back: Annotated[UploadFile | None, File(description="Photo of the back (optional)")] = None,
) -> CardScanPublic:
    """Read a business card's photos (offline OCR); nothing is saved but the photos, kept
    for ``POST /api/cards`` (a day)."""
    front_data = await read_upload(front)
    back_data = await read_upload(back)
    if front_data is None:
        raise CardImageError("Choose or take a photo of the card")
    scanned = await run_in_threadpool(scan_upload, core.uow(), front=front_data, back=back_data)
    return await run_in_threadpool(_public, scanned, lang)


def _fields(body: CardSave) -> CardFields:
    fields = CardFields(
        family_name=body.family_name.strip(),
        given_name=body.given_name.strip(),
        family_reading=body.family_reading.strip(),
        given_reading=body.given_reading.strip(),
        company=body.company.strip(),
        department=body.department.strip(),
        title=body.title.strip(),
        postal_code=body.postal_code.strip(),
        address=body.address.strip(),
        url=body.url.strip(),
    )
    for i, email in enumerate(body.emails):
        normalize_email(email, field=f"emails.{i}")
        fields.emails.append(email.strip())
    for i, phone in enumerate(body.phones):
        parse_phone(phone.number, field=f"phones.{i}.number")
        fields.phones.append({"kind": phone.kind, "number": phone.number.strip()})
    return fields


@router.post("/cards", status_code=201)
def save_card(request: Request, body: CardSave, core: CoreDep, lang: LangDep) -> CardSavedPublic:
    """Save a reviewed card: a new person, or ``into`` updated (new values added, none
    removed; a different company recorded as a job change, the old one kept)."""
    fields = _fields(body)
    meeting = Meeting(
        event_id=body.event_id, introducer_id=body.introducer_id, cue=body.memory_cue.strip()
    )
    uow, today = core.uow(), core.today()
    saved: CardSaved
    if body.into is None:
        saved = add_card(uow, fields, today=today, meeting=meeting, image_ids=body.image_ids)
    else:
        saved = update_card_person(
            uow,
            fields,
            person_id=body.into,
            today=today,
            meeting=meeting,
            image_ids=body.image_ids,
            label=translate(lang, "Business card"),
            lang=lang,
        )
    data_changed(request)
    changed = JobChangePublic(old=saved.old_company, new=saved.new_company)
    return CardSavedPublic(
        person_id=saved.person_id,
        action=saved.action,
        import_id=saved.import_id,
        added=list(dict.fromkeys(saved.why)),
        job_change=changed if saved.job_changed else None,
    )
