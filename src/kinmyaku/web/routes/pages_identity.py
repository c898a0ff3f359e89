"""The duplicates page: suggested pairs side by side; merge (choosing values), undo, "different".

The page computes the whole list (seconds over a large database), so it is a plain
function (FastAPI runs it in its thread pool) and hands its count to the cache that Today
and the review read (web/duplicate_count.py); its actions need not wake that cache, as
the list they answer with is counted afresh.  Each action answers htmx with the list
again, a notice on top (after a merge: an undo button); without JavaScript it redirects.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.identity.candidates import AUTO_MERGE, Candidate
from kinmyaku.i18n import error_text, translate
from kinmyaku.services import browse
from kinmyaku.services.identity import finding, merging, queue
from kinmyaku.services.identity.merging import CHOOSABLE
from kinmyaku.services.identity.review import duplicate_pairs, person_sides
from kinmyaku.web import forms
from kinmyaku.web.deps import (
    CoreDep,
    FormDep,
    LangDep,
    RecordId,
    is_htmx,
    render,
    see_other,
)
from kinmyaku.web.duplicate_count import DuplicateCount, data_version
from kinmyaku.web.i18n import web_wording

router = APIRouter(include_in_schema=False)
SHOWN = 50
MOST = 500
FIELD_LABELS = {
    "family_name": "Family name",
    "given_name": "Given name",
    "family_reading": "Reading (family)",
    "given_reading": "Reading (given)",
    "nickname": "Nickname",
    "birthday": "Birthday",
    "photo": "Photo",
}


def likelihood(probability: float, lang: str) -> str:
    """The probability in words, in the user's language."""
    if probability >= AUTO_MERGE:
        return translate(lang, "Almost certainly the same person")
    if probability >= 0.9:
        return translate(lang, "Very likely the same person")
    if probability >= 0.75:
        return translate(lang, "Likely the same person")
    return translate(lang, "Possibly the same person")


def percent(probability: float) -> str:
    """The probability as a percentage: 87%, 99.4% (never 100% unless it is certain)."""
    if probability >= 0.99:
        return f"{int(probability * 1000) / 10:g}%"
    return f"{int(probability * 100)}%"


def count_cache(request: Request) -> DuplicateCount | None:
    """The cached duplicates count of the app (None when the app was built without it)."""
    cache = getattr(request.app.state, "duplicates", None)
    return cache if isinstance(cache, DuplicateCount) else None


def duplicates_count(request: Request) -> int | None:
    """The last duplicates count computed (for Today and the review); None: not known."""
    cache = count_cache(request)
    return cache.value if cache else None


def data_changed(request: Request) -> None:
    """Tell the count cache that people changed (it recomputes in the background)."""
    cache = count_cache(request)
    if cache:
        cache.changed()


def _limit(request: Request) -> int:
    value = request.query_params.get("limit", "")
    return min(int(value), MOST) if value.isdigit() and int(value) > 0 else SHOWN


def list_context(
    request: Request, core: CoreDep, lang: str, limit: int = SHOWN, **notice: Any
) -> dict[str, Any]:
    """The pairs (read for the page), the total, and the notice of the last action."""
    cache = count_cache(request)
    version = data_version(core) if cache else None  # read before: a later change recounts
    pairs, total = duplicate_pairs(core.uow(), limit=limit)
    waiting = queue.count_queue(core.uow())
    if cache:
        cache.set(total + waiting, version)
    return {
        "pairs": pairs,
        "total": total,
        "limit": limit,
        "more_limit": min(MOST, limit + SHOWN) if total > limit else None,
        "reasons": lambda candidate: finding.reason_texts(candidate, lang),
        "likelihood": lambda probability: likelihood(probability, lang),
        "percent": percent,
        "field_labels": FIELD_LABELS,
        "notice": notice,
    }


def queue_context(core: CoreDep, lang: str, **notice: Any) -> dict[str, Any]:
    """The records imports left for review (``import --review``), each with its candidate."""
    items = queue.list_queue(core.uow(), limit=SHOWN)
    ids = [item.candidate_id for item in items if item.candidate_id is not None]
    return {
        "queued": items,
        "queued_total": queue.count_queue(core.uow()) if len(items) >= SHOWN else len(items),
        "candidates": person_sides(core.uow(), ids),
        "queue_reasons": lambda item: item.reason_texts(lang),
        "percent": percent,
        "likelihood": lambda probability: likelihood(probability, lang),
        "queue_notice": notice,
    }


def _show(
    request: Request,
    core: CoreDep,
    lang: str,
    *,
    status: int = 200,
    queued: dict[str, Any] | None = None,
    **notice: Any,
) -> Response:
    context = list_context(request, core, lang, _limit(request), **notice)
    if is_htmx(request):
        return render(request, "_duplicates_list.html", context, status=status)
    context.update(queue_context(core, lang, **(queued or {})))
    return render(request, "duplicates.html", context, status=status)


def _names(core: CoreDep, ids: list[int]) -> dict[int, str]:
    return {s.id: s.name for s in browse.person_summaries(core.uow(), ids)}


@router.get("/duplicates")
def duplicates_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """People who may be one person, most likely first, side by side."""
    params = request.query_params
    notice: dict[str, Any] = {}
    merged = params.get("merged", "")
    if merged.isdigit():
        kept = params.get("kept", "")
        names = _names(core, [int(kept)]) if kept.isdigit() and len(kept) < 10 else {}
        notice = {"merged": int(merged), "kept": next(iter(names.values()), "")}
    elif params.get("undone", "").isdigit():
        notice = {"undone": int(params["undone"])}
    elif params.get("different") == "1":
        notice = {"different": True}
    decided, queued = params.get("person", ""), {}
    if params.get("queued") in ("merged", "added") and decided.isdigit() and len(decided) < 10:
        names = _names(core, [int(decided)])
        queued = {params["queued"]: int(decided), "name": names.get(int(decided), "")}
    return _show(request, core, lang, queued=queued, **notice)


def _pair(form: FormDep) -> tuple[int, int]:
    a, b = forms.number(form, "a"), forms.number(form, "b")
    if not a or not b:
        raise ValidationError("a", "Choose two people")
    return a, b


def merge_values(form: FormDep, keep: int) -> dict[str, str]:
    """The value chosen for each field (``field_<name>`` = the id of the person whose value
    to keep) as ``merge_people`` wants it: "keep" or "other"."""
    values = {}
    for name in CHOOSABLE:
        chosen = forms.number(form, f"field_{name}")
        if chosen is not None:
            values[name] = "keep" if chosen == keep else "other"
    return values


@router.post("/duplicates/merge")
def merge_pair(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Merge the pair: everything moves to the person kept, with the values chosen."""
    try:
        a, b = _pair(form)
        keep = forms.number(form, "keep") or a
        if keep not in (a, b):
            raise ValidationError("keep", "Choose which person to keep")
        other = b if keep == a else a
        merge_id = merging.merge_people(
            core.uow(), keep=keep, other=other, values=merge_values(form, keep)
        )
    except KinmyakuError as error:
        return _failed(request, core, lang, error)
    if not is_htmx(request):
        return see_other("/duplicates?" + urlencode({"merged": merge_id, "kept": keep}))
    kept = _names(core, [keep]).get(keep, "")  # as merged: the names chosen
    return _show(request, core, lang, merged=merge_id, kept=kept)


@router.post("/duplicates/merges/{merge_id}/undo")
def undo_merge(request: Request, merge_id: RecordId, core: CoreDep, lang: LangDep) -> Response:
    """Undo a merge: both people are back exactly as before."""
    try:
        merging.undo_merge(core.uow(), merge_id=merge_id)
    except KinmyakuError as error:
        return _failed(request, core, lang, error)
    if not is_htmx(request):
        return see_other(f"/duplicates?undone={merge_id}")
    return _show(request, core, lang, undone=merge_id)


@router.post("/duplicates/different")
def different_people(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Remember that the pair are different people: never suggested again."""
    try:
        a, b = _pair(form)
        merging.mark_different(core.uow(), a=a, b=b)
    except KinmyakuError as error:
        return _failed(request, core, lang, error)
    if not is_htmx(request):
        return see_other("/duplicates?different=1")
    return _show(request, core, lang, different=True)


def _queue_answer(
    request: Request, core: CoreDep, lang: str, *, status: int = 200, **notice: Any
) -> Response:
    """The queue section again (htmx), a notice on top; else back to the page."""
    if not is_htmx(request):
        if "error" in notice:
            return _show(request, core, lang, status=status, queued=notice)
        kind = "merged" if "merged" in notice else "added"
        return see_other("/duplicates?" + urlencode({"queued": kind, "person": notice[kind]}))
    if "error" not in notice:
        kind = "merged" if "merged" in notice else "added"
        notice["name"] = _names(core, [notice[kind]]).get(notice[kind], "")
    return render(request, "_import_queue.html", queue_context(core, lang, **notice), status=status)


@router.post("/duplicates/queue/{queue_id}/merge")
def merge_queued(request: Request, queue_id: RecordId, core: CoreDep, lang: LangDep) -> Response:
    """Same person: the queued record joins its candidate, as an import's sure match."""
    try:
        outcome = queue.merge_queued(core.uow(), queue_id=queue_id, lang=lang)
    except KinmyakuError as error:
        status = 422 if is_htmx(request) else error.status
        message = error_text(lang, web_wording(error))  # no CLI flag (--into) on the page
        return _queue_answer(request, core, lang, status=status, error=message)
    data_changed(request)
    return _queue_answer(request, core, lang, merged=outcome.person_id)


@router.post("/duplicates/queue/{queue_id}/add")
def add_queued(request: Request, queue_id: RecordId, core: CoreDep, lang: LangDep) -> Response:
    """A different person: the queued record becomes a new person, as an import makes one."""
    try:
        person_id = queue.add_queued(core.uow(), queue_id=queue_id, lang=lang)
    except KinmyakuError as error:
        status = 422 if is_htmx(request) else error.status
        return _queue_answer(request, core, lang, status=status, error=error_text(lang, error))
    data_changed(request)
    return _queue_answer(request, core, lang, added=person_id)


def _failed(request: Request, core: CoreDep, lang: str, error: KinmyakuError) -> Response:
    # htmx swaps 422 answers only (base.html): the list comes back with the message on top.
    status = 422 if is_htmx(request) else error.status
    return _show(request, core, lang, status=status, error=error_text(lang, error))


def similar_context(core: CoreDep, lang: str, similar: list[Candidate]) -> list[dict[str, Any]]:
    """The warning before an add or an edit: each similar person (named as the app names
    them), their company and a phone or e-mail, the probability and the reasons."""
    names = _names(core, [c.b.id for c in similar])
    return [
        {
            "id": c.b.id,
            "name": names.get(c.b.id, c.b.name),
            "details": ("・" if lang == "ja" else ", ").join(
                x for x in (c.b.company, c.b.contact) if x
            ),
            "percent": percent(c.probability),
            "reasons": finding.reason_texts(c, lang),
        }
        for c in similar
    ]
