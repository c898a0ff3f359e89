"""Home: what to do today."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.services.today import show_today
from kinmyaku.web.deps import CoreDep, render
from kinmyaku.web.routes.pages_identity import duplicates_count

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, core: CoreDep) -> Response:
    """Follow-ups and requests due, people met recently without a touch, reconnects."""
    t = show_today(core.uow(), today=core.today())
    return render(request, "home.html", {"t": t, "duplicates": duplicates_count(request)})
