"""API: events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kinmyaku.services import events
from kinmyaku.web.deps import CoreDep, RecordId
from kinmyaku.web.schemas import ERRORS, EventCreate, EventPublic, EventUpdate

router = APIRouter(prefix="/api", tags=["events"], responses=ERRORS)


@router.get("/events")
def list_events(
    core: CoreDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[EventPublic]:
    """Events, newest first, with how many people I met at each."""
    return [
        EventPublic.model_validate(e.to_json()) for e in events.list_events(core.uow(), limit=limit)
    ]


@router.post("/events", status_code=201)
def create_event(body: EventCreate, core: CoreDep) -> EventPublic:
    """Add an event with my goal for it."""
    new_id = events.add_event(
        core.uow(),
        name=body.name,
        on=body.on,
        kind=body.kind.value,
        place=body.place,
        goal=body.goal,
        goal_count=body.goal_count,
    )
    return read_event(new_id, core)


@router.get("/events/{event_id}")
def read_event(event_id: RecordId, core: CoreDep) -> EventPublic:
    """One event and the people I met there."""
    return EventPublic.model_validate(events.show_event(core.uow(), event_id).to_json())


@router.patch("/events/{event_id}")
def update_event(event_id: RecordId, body: EventUpdate, core: CoreDep) -> EventPublic:
    """Correct an event: only the fields given change."""
    events.update_event(
        core.uow(),
        event_id=event_id,
        name=body.name,
        on=body.on,
        kind=body.kind.value if body.kind else None,
        place=body.place,
        goal=body.goal,
        goal_count=body.goal_count,
    )
    return read_event(event_id, core)


@router.delete("/events/{event_id}", status_code=204)
def delete_event(event_id: RecordId, core: CoreDep) -> None:
    """Delete an event; the encounters there stay, without the event."""
    events.delete_event(core.uow(), event_id=event_id)
