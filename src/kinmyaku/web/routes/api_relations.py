"""API: encounters, interactions, exchanges (give/take), requests and links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.model import RequestSide
from kinmyaku.services import browse, relations
from kinmyaku.web.deps import CoreDep, RecordId
from kinmyaku.web.schemas import (
    ERRORS,
    Created,
    EncounterCreate,
    EncounterPublic,
    EncounterUpdate,
    ExchangeCreate,
    ExchangePublic,
    ExchangeUpdate,
    InteractionCreate,
    InteractionPublic,
    InteractionUpdate,
    LinkCreate,
    RequestCreate,
    RequestPublic,
    RequestsPagePublic,
    RequestUpdate,
)

router = APIRouter(prefix="/api", responses=ERRORS)
Status = Annotated[str | None, Query(pattern="^(active|open|in_progress|done|declined)$")]


@router.post("/encounters", status_code=201, tags=["encounters"])
def create_encounter(body: EncounterCreate, core: CoreDep) -> EncounterPublic:
    """Record how and where we met."""
    new_id = relations.record_encounter(
        core.uow(),
        person_id=body.person_id,
        on=body.on,
        channel=body.channel.value,
        introducer_id=body.introducer_id,
        event_id=body.event_id,
        place=body.place,
        memory_cue=body.memory_cue,
    )
    return read_encounter(new_id, core)


@router.get("/encounters/{encounter_id}", tags=["encounters"])
def read_encounter(encounter_id: RecordId, core: CoreDep) -> EncounterPublic:
    """One encounter."""
    found = browse.get_encounter(core.uow(), encounter_id=encounter_id)
    return EncounterPublic.model_validate(found)


@router.post("/interactions", status_code=201, tags=["interactions"])
def create_interaction(body: InteractionCreate, core: CoreDep) -> InteractionPublic:
    """Log a touch point with one or more people."""
    new_id = relations.log_interaction(
        core.uow(),
        person_ids=body.person_ids,
        on=body.on,
        kind=body.kind.value,
        summary=body.summary,
        follow_up_on=body.follow_up_on,
    )
    return read_interaction(new_id, core)


@router.get("/interactions/{interaction_id}", tags=["interactions"])
def read_interaction(interaction_id: RecordId, core: CoreDep) -> InteractionPublic:
    """One interaction and the people in it."""
    found = browse.get_interaction(core.uow(), interaction_id=interaction_id)
    return InteractionPublic.model_validate(found)


@router.patch("/interactions/{interaction_id}", tags=["interactions"])
def update_interaction(
    interaction_id: RecordId, body: InteractionUpdate, core: CoreDep
) -> InteractionPublic:
    """Mark the follow-up as done."""
    if not body.follow_up_done:
        raise ValidationError("follow_up_done", "A follow-up can only be marked as done")
    relations.complete_follow_up(core.uow(), interaction_id=interaction_id)
    return read_interaction(interaction_id, core)


@router.post("/exchanges", status_code=201, tags=["exchanges"])
def create_exchange(body: ExchangeCreate, core: CoreDep) -> ExchangePublic:
    """Record something given or received (ギブ/テイク)."""
    new_id = relations.record_exchange(
        core.uow(),
        person_id=body.person_id,
        on=body.on,
        direction=body.direction.value,
        kind=body.kind.value,
        weight=body.weight,
        note=body.note,
    )
    return read_exchange(new_id, core)


@router.get("/exchanges/{exchange_id}", tags=["exchanges"])
def read_exchange(exchange_id: RecordId, core: CoreDep) -> ExchangePublic:
    """One give/take entry."""
    return ExchangePublic.model_validate(browse.get_exchange(core.uow(), exchange_id=exchange_id))


@router.get("/requests", tags=["requests"])
def list_requests(
    core: CoreDep,
    status: Status = None,
    side: RequestSide | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RequestsPagePublic:
    """Requests, open ones first by due date; ``status=active`` is open or in progress."""
    rows, total = browse.list_requests(
        core.uow(),
        status=status,
        side=side.value if side else None,
        limit=limit,
        offset=offset,
    )
    return RequestsPagePublic(
        requests=[RequestPublic.model_validate(r.to_json()) for r in rows], total=total
    )


@router.post("/requests", status_code=201, tags=["requests"])
def create_request(body: RequestCreate, core: CoreDep) -> RequestPublic:
    """Record a request (依頼): mine of them, or theirs of me."""
    new_id = relations.open_request(
        core.uow(),
        person_id=body.person_id,
        side=body.side.value,
        what=body.what,
        asked_on=body.asked_on,
        due_on=body.due_on,
    )
    return read_request(new_id, core)


@router.get("/requests/{request_id}", tags=["requests"])
def read_request(request_id: RecordId, core: CoreDep) -> RequestPublic:
    """One request."""
    found = browse.get_request(core.uow(), request_id=request_id)
    return RequestPublic.model_validate(found.to_json())


@router.patch("/requests/{request_id}", tags=["requests"])
def update_request(request_id: RecordId, body: RequestUpdate, core: CoreDep) -> RequestPublic:
    """Move a request on: in progress, done or declined (with the outcome)."""
    relations.update_request(
        core.uow(),
        request_id=request_id,
        status=body.status.value,
        outcome=body.outcome,
        on=body.on or core.today(),
    )
    return read_request(request_id, core)


@router.post("/links", status_code=201, tags=["people"])
def create_link(body: LinkCreate, core: CoreDep) -> Created:
    """Record that two people I know are connected (knows, colleague, introduced)."""
    new_id = relations.link_people(
        core.uow(),
        person_a=body.person_a,
        person_b=body.person_b,
        kind=body.kind,
        on=body.on,
        note=body.note,
    )
    return Created(id=new_id)


@router.patch("/encounters/{encounter_id}", tags=["encounters"])
def update_encounter(
    encounter_id: RecordId, body: EncounterUpdate, core: CoreDep
) -> EncounterPublic:
    """Correct how and where we met: only the fields given change."""
    relations.update_encounter(
        core.uow(),
        encounter_id=encounter_id,
        on=body.on,
        channel=body.channel.value if body.channel else None,
        introducer_id=body.introducer_id,
        event_id=body.event_id,
        place=body.place,
        memory_cue=body.memory_cue,
    )
    return read_encounter(encounter_id, core)


@router.delete("/encounters/{encounter_id}", status_code=204, tags=["encounters"])
def delete_encounter(encounter_id: RecordId, core: CoreDep) -> None:
    """Delete a record of how we met."""
    relations.delete_encounter(core.uow(), encounter_id=encounter_id)


@router.delete("/interactions/{interaction_id}", status_code=204, tags=["interactions"])
def delete_interaction(interaction_id: RecordId, core: CoreDep) -> None:
    """Delete an interaction for everyone in it."""
    relations.delete_interaction(core.uow(), interaction_id=interaction_id)


@router.patch("/exchanges/{exchange_id}", tags=["exchanges"])
def update_exchange(exchange_id: RecordId, body: ExchangeUpdate, core: CoreDep) -> ExchangePublic:
    """Correct a give/take entry: only the fields given change."""
    relations.update_exchange(
        core.uow(),
        exchange_id=exchange_id,
        on=body.on,
        direction=body.direction.value if body.direction else None,
        kind=body.kind.value if body.kind else None,
        weight=body.weight,
        note=body.note,
    )
    return read_exchange(exchange_id, core)


@router.delete("/exchanges/{exchange_id}", status_code=204, tags=["exchanges"])
def delete_exchange(exchange_id: RecordId, core: CoreDep) -> None:
    """Delete a give/take entry."""
    relations.delete_exchange(core.uow(), exchange_id=exchange_id)


@router.delete("/requests/{request_id}", status_code=204, tags=["requests"])
def delete_request(request_id: RecordId, core: CoreDep) -> None:
    """Delete a request."""
    relations.delete_request(core.uow(), request_id=request_id)
