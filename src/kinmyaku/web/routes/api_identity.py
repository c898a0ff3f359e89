"""API: suggested duplicates, merge, undo a merge, "different people"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from kinmyaku.domain.identity.candidates import REVIEW, PersonRef
from kinmyaku.services.identity import finding, merging
from kinmyaku.web.deps import CoreDep, LangDep, RecordId
from kinmyaku.web.routes.pages_identity import data_changed
from kinmyaku.web.schemas import ERRORS
from kinmyaku.web.schemas_identity import (
    DuplicatePersonPublic,
    DuplicatePublic,
    MergeCreate,
    MergePublic,
    MergeUndone,
    NotDuplicatesCreate,
)

router = APIRouter(prefix="/api", tags=["duplicates"], responses=ERRORS)


def _person(ref: PersonRef) -> DuplicatePersonPublic:
    return DuplicatePersonPublic(id=ref.id, name=ref.name, company=ref.company, contact=ref.contact)


@router.get("/duplicates")
def list_duplicates(
    core: CoreDep,
    lang: LangDep,
    min_probability: Annotated[float, Query(ge=0, le=1)] = REVIEW,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> list[DuplicatePublic]:
    """Pairs of people who may be one person, most likely first (pairs said to differ left out)."""
    found = finding.find_duplicates(core.uow(), min_probability=min_probability, limit=limit)
    return [
        DuplicatePublic(
            probability=c.probability,
            a=_person(c.a),
            b=_person(c.b),
            reasons=finding.reason_texts(c, lang),
        )
        for c in found
    ]


@router.post("/merges", status_code=201)
def create_merge(request: Request, body: MergeCreate, core: CoreDep) -> MergePublic:
    """Merge OTHER into KEEP: everything moves, OTHER is deleted; undo with its id."""
    merge_id = merging.merge_people(
        core.uow(),
        keep=body.keep,
        other=body.other,
        values={str(k): str(v) for k, v in body.values.items()},
    )
    data_changed(request)
    return MergePublic(id=merge_id, keep=body.keep, other=body.other)


@router.post("/merges/{merge_id}/undo")
def undo_merge(request: Request, merge_id: RecordId, core: CoreDep) -> MergeUndone:
    """Put the database back exactly as before the merge (the people keep their ids)."""
    merging.undo_merge(core.uow(), merge_id=merge_id)
    data_changed(request)
    return MergeUndone(id=merge_id)


@router.post("/not-duplicates", status_code=204)
def not_duplicates(request: Request, body: NotDuplicatesCreate, core: CoreDep) -> Response:
    """Remember that A and B are different people: never suggested or merged again."""
    merging.mark_different(core.uow(), a=body.a, b=body.b)
    data_changed(request)
    return Response(status_code=204)
