"""Events: the list, adding one, and an event's page (goal against people met, follow-ups)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import EventKind
from kinmyaku.services import browse, events
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, RecordId, errors_of, render, see_other
from kinmyaku.web.views import goal_progress

router = APIRouter(include_in_schema=False)
KINDS = [k.value for k in EventKind]


@router.get("/events")
def events_page(request: Request, core: CoreDep) -> Response:
    """Events, newest first, with how many people I met at each."""
    found = events.list_events(core.uow(), limit=200)
    return render(request, "events.html", {"events": found, "kinds": KINDS})


@router.post("/events")
def add_event(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Add an event with my goal for it."""
    try:
        event_id = events.add_event(
            core.uow(),
            name=forms.text(form, "name"),
            on=forms.day(form, "on", field="date") or core.today(),
            kind=forms.text(form, "kind") or "meetup",
            place=forms.text(form, "place"),
            goal=forms.text(form, "goal"),
            goal_count=forms.number(form, "goal_count"),
        )
    except KinmyakuError as error:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        context = {
            "events": events.list_events(core.uow(), limit=200),
            "kinds": KINDS,
            "errors": errors_of(lang, error),
            "form": values,
        }
        return render(request, "events.html", context, status=422)
    return see_other(f"/events/{event_id}")


@router.get("/events/{event_id}")
def event_page(request: Request, event_id: RecordId, core: CoreDep) -> Response:
    """One event: my goal, the people met there and the follow-up state of each."""
    event = events.show_event(core.uow(), event_id)
    follow = browse.event_follow_ups(core.uow(), event_id=event_id)
    context = {
        "event": event,
        "follow": follow,
        "progress": goal_progress(event.met_count, event.goal_count),
        "done": sum(1 for p in event.people if follow.of(p.id).last_touch),
    }
    return render(request, "event.html", context)
