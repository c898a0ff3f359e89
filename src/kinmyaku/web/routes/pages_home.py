"""Home: what to do today, as a to-do list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.services.today import show_today
from kinmyaku.web.deps import CoreDep, render
from kinmyaku.web.routes.pages_followups import now_of, row_context
from kinmyaku.web.routes.pages_identity import duplicates_count

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, core: CoreDep) -> Response:
    """Met in the last 48 hours, follow-ups overdue and due this week, requests I owe."""
    t = show_today(core.uow(), today=core.today(), now=now_of(core))
    context = {"t": t, "duplicates": duplicates_count(request), **row_context(core, "/")}
    return render(request, "home.html", context)
