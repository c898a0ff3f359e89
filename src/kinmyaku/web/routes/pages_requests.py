"""Requests (依頼) as two lists: what I owe (they asked me: ``theirs``) and what I asked of
others (``mine``), open ones first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import RequestSide, RequestStatus
from kinmyaku.services import browse, relations
from kinmyaku.web import forms
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

router = APIRouter(include_in_schema=False)
STATUSES = ["active", *(s.value for s in RequestStatus)]


LIMIT = 200
"""Rows shown per list (the counts are of every match)."""


def _context(request: Request, core: CoreDep) -> dict[str, object]:
    status = request.query_params.get("status", "active")
    side = request.query_params.get("side", "")
    status = status if status in STATUSES else "active"
    side = side if side in {s.value for s in RequestSide} else ""
    # "theirs" = they asked me: what I owe; "mine" = I asked them: what I wait for.
    lists = []
    for code in (RequestSide.THEIRS.value, RequestSide.MINE.value):
        if side and side != code:
            continue
        rows, total = browse.list_requests(core.uow(), status=status, side=code, limit=LIMIT)
        lists.append({"side": code, "rows": rows, "total": total})
    return {
        "lists": lists,
        "status": status,
        "side": side,
        "statuses": STATUSES,
        "states": [s.value for s in RequestStatus],
    }


@router.get("/requests")
def requests_page(request: Request, core: CoreDep) -> Response:
    """What I owe and what I asked of others, by status (open and in progress by default)."""
    return render(request, "requests.html", _context(request, core))


@router.post("/requests/{request_id}")
def move_request(
    request: Request, request_id: RecordId, core: CoreDep, lang: LangDep, form: FormDep
) -> Response:
    """Change a request's status (from the requests page)."""
    errors: dict[str, str] = {}
    try:
        relations.update_request(
            core.uow(),
            request_id=request_id,
            status=forms.text(form, "status"),
            outcome=forms.text(form, "outcome"),
            on=core.today(),
        )
    except KinmyakuError as error:
        errors = errors_of(lang, error)
    row = browse.get_request(core.uow(), request_id=request_id)
    if is_htmx(request):
        context = {"r": row, "states": [s.value for s in RequestStatus], "errors": errors}
        return render(request, "_request_row.html", context, status=422 if errors else 200)
    if errors:
        context = {**_context(request, core), "errors": errors}
        return render(request, "requests.html", context, status=422)
    return see_other("/requests")
