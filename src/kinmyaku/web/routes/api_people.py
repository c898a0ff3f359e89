"""API: people (create, read, update, delete, list with filters, search)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kinmyaku.domain.model import Channel, Industry
from kinmyaku.services import browse
from kinmyaku.services import people as svc
from kinmyaku.services.relations import set_purpose
from kinmyaku.storage.people_filters import PeopleQuery
from kinmyaku.web.deps import CoreDep, RecordId
from kinmyaku.web.schemas import (
    ERRORS,
    PeoplePagePublic,
    PersonCreate,
    PersonPublic,
    PersonRef,
    PersonSummaryPublic,
    PersonUpdate,
    PurposeUpdate,
)

router = APIRouter(prefix="/api", tags=["people"], responses=ERRORS)
Sort = Annotated[str, Query(pattern="^(reading|recent|last_contact)$")]


def person_public(core: CoreDep, person_id: RecordId) -> PersonPublic:
    """The full profile of a person as the API shows it."""
    return PersonPublic.model_validate(svc.show_person(core.uow(), person_id).to_json())


def _input(body: PersonCreate | PersonUpdate) -> svc.PersonInput:
    return svc.PersonInput(
        family_name=body.family_name,
        given_name=body.given_name,
        family_reading=body.family_reading,
        given_reading=body.given_reading,
        romaji=body.romaji,
        nickname=body.nickname,
        birthday=body.birthday,
        notes=body.notes,
        offers=body.offers,
        needs=body.needs,
        met=body.met,
        emails=body.emails,
        phones=body.phones,
        urls=body.urls,
        tags=body.tags if isinstance(body, PersonCreate) else (),
        company=body.company,
        company_reading=body.company_reading,
        industry=body.industry.value if body.industry else None,
        department=body.department,
        title=body.title,
    )


@router.get("/people")
def list_people(
    core: CoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=60)] = "",
    company: Annotated[str, Query(max_length=200)] = "",
    industry: Industry | None = None,
    channel: Channel | None = None,
    event_id: int | None = None,
    sort: Sort = "reading",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PeoplePagePublic:
    """People: searched (any spelling), filtered, sorted (あいうえお, newest, last contact)."""
    query = PeopleQuery(
        q=q,
        tag=tag,
        company=company,
        industry=industry.value if industry else "",
        channel=channel.value if channel else "",
        event_id=event_id,
        sort=sort,
    )
    found = browse.browse_people(core.uow(), query=query, page=page, per_page=per_page)
    return PeoplePagePublic(
        people=[PersonSummaryPublic.model_validate(p.to_json()) for p in found.people],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        exact=found.exact,
        has_more=found.has_more,
    )


@router.get("/search")
def search(
    core: CoreDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[PersonSummaryPublic]:
    """Find people by kanji, kana, romaji, company, e-mail, phone, tag or notes, best first."""
    found = svc.search_people(core.uow(), q, limit=limit)
    return [PersonSummaryPublic.model_validate(p.to_json()) for p in found]


@router.get("/resolve")
def resolve(core: CoreDep, ref: Annotated[str, Query(min_length=1, max_length=200)]) -> PersonRef:
    """The id of the person a reference names (``12``, ``#12`` or a name in any spelling).

    404 when nobody matches; 409 when several people match equally well.
    """
    return PersonRef(id=svc.resolve_person(core.uow(), ref))


@router.post("/people", status_code=201)
def create_person(body: PersonCreate, core: CoreDep) -> PersonPublic:
    """Add a person; readings are inferred when not given."""
    return person_public(core, svc.add_person(core.uow(), _input(body)))


@router.get("/people/{person_id}")
def read_person(person_id: RecordId, core: CoreDep) -> PersonPublic:
    """Everything about one person."""
    return person_public(core, person_id)


@router.patch("/people/{person_id}")
def update_person(person_id: RecordId, body: PersonUpdate, core: CoreDep) -> PersonPublic:
    """Change a person (fields left out stay); add or remove tags."""
    uow = core.uow()
    with uow:
        svc.edit_person(uow, person_id, _input(body))
        if body.add_tags or body.remove_tags:
            svc.tag_person(uow, person_id, add=body.add_tags, remove=body.remove_tags)
    return person_public(core, person_id)


@router.delete("/people/{person_id}", status_code=204)
def delete_person(person_id: RecordId, core: CoreDep) -> Response:
    """Delete a person and everything recorded about them alone."""
    svc.delete_person(core.uow(), person_id)
    return Response(status_code=204)


@router.put("/people/{person_id}/purpose")
def put_purpose(person_id: RecordId, body: PurposeUpdate, core: CoreDep) -> PersonPublic:
    """Set why this relationship matters and the keep-in-touch cadence."""
    set_purpose(
        core.uow(),
        person_id=person_id,
        category=body.category,
        goal=body.goal,
        offer=body.offer,
        cadence_days=body.cadence_days,
    )
    return person_public(core, person_id)
