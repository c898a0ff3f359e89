"""People list (search as you type, filters, sort, pages) and quick add."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.model import Channel, Industry, industry_label
from kinmyaku.domain.validate import SNS, ValidationErrors, raise_all, sns_url
from kinmyaku.services import browse, photos, today
from kinmyaku.services.identity.finding import check_new_person
from kinmyaku.services.people import PersonInput, add_person, resolve_person, search_people
from kinmyaku.services.relations import record_encounter
from kinmyaku.services.today import met_day
from kinmyaku.storage.people_filters import SORTS, PeopleQuery
from kinmyaku.storage.retry import retry_busy
from kinmyaku.storage.uow import UnitOfWork, reading
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, errors_of, is_htmx, render, see_other
from kinmyaku.web.i18n import format_day
from kinmyaku.web.routes.pages_identity import data_changed, similar_context

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
SUGGESTIONS = 8  # people offered as the introducer is typed
T = TypeVar("T")


def _query(request: Request) -> tuple[PeopleQuery, int]:
    params = request.query_params
    event = params.get("event", "")
    page = params.get("page", "1")
    sort = params.get("sort", "reading")
    industry = params.get("industry", "")
    channel = params.get("channel", "")
    query = PeopleQuery(
        q=params.get("q", "").strip()[:200],
        tag=params.get("tag", "").strip()[:60],
        company=params.get("company", "").strip()[:200],
        industry=industry if industry in {i.value for i in Industry} else "",
        channel=channel if channel in {c.value for c in Channel} else "",
        event_id=int(event) if event.isdigit() else None,
        sort=sort if sort in SORTS else "reading",
    )
    return query, int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


def _page_url(query: PeopleQuery, page: int) -> str:
    params = {
        "q": query.q,
        "tag": query.tag,
        "company": query.company,
        "industry": query.industry,
        "channel": query.channel,
        "event": query.event_id or "",
        "sort": query.sort if query.sort != "reading" else "",
        "page": page if page > 1 else "",
    }
    kept = {k: v for k, v in params.items() if v not in ("", None)}
    return "/people" + ("?" + urlencode(kept) if kept else "")


@router.get("/people")
def people_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The people list; htmx requests get only the results.

    A plain function, run in a worker thread like every page that reads the database: a
    search takes a few milliseconds of CPU, but a query waiting on a lock or a distant
    PostgreSQL must never hold up the event loop (tests/web/test_event_loop.py).
    """
    query, page = _query(request)
    found = browse.browse_people(core.uow(), query=query, page=page, per_page=PER_PAGE)
    context = {
        "query": query,
        "found": found,
        "prev_url": _page_url(query, page - 1) if page > 1 else None,
        "next_url": _page_url(query, page + 1) if found.has_more else None,
    }
    partial = is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"
    if partial:
        return render(request, "_people_results.html", context)
    # The filter fields are rendered when a filter is set or asked for (the no-JavaScript
    # link); otherwise htmx loads them when the user opens them (/people/filters).
    here = _page_url(query, page)
    show_filters = _has_filters(query) or request.query_params.get("filters") == "1"
    context.update(
        show_filters=show_filters,
        filters_url=here + ("&" if "?" in here else "?") + "filters=1",
    )
    if show_filters:
        context.update(_filter_choices(core, lang))
    return render(request, "people.html", context)


def _has_filters(query: PeopleQuery) -> bool:
    return bool(
        query.tag
        or query.company
        or query.industry
        or query.channel
        or query.event_id
        or query.sort != "reading"
    )


def _filter_choices(core: CoreDep, lang: str) -> dict[str, object]:
    return {
        "event_options": event_options(core, lang, limit=100),
        "industries": [(i.value, industry_label(i, lang)) for i in Industry],
        "channels": [c.value for c in Channel],
        "sorts": SORTS,
    }


@router.get("/people/filters")
def people_filters(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The filter fields of the people list (htmx loads them when the filters are opened)."""
    query, _page = _query(request)
    return render(request, "_people_filters.html", {"query": query, **_filter_choices(core, lang)})


def event_options(
    core: CoreDep, lang: str, *, limit: int, uow: UnitOfWork | None = None
) -> list[tuple[int, str]]:
    """(id, "name (date)") of the latest events, for a select (``uow``: in the transaction
    of the page's other reads, not one of its own)."""
    return [
        (e.id, f"{e.name}（{format_day(e.date, lang)}）")
        for e in browse.event_choices(uow or core.uow(), limit=limit)
    ]


def quick_context(
    core: CoreDep, lang: str, form: dict[str, str] | None = None
) -> dict[str, object]:
    """What the quick add form shows (the event held today preselected), also under a card
    being reviewed (pages_cards.py)."""
    running = today.event_today(core.uow(), today=core.today())
    values = dict(form or {})
    if running and "event" not in values:
        values["event"] = str(running[0])
    return {
        "event_options": event_options(core, lang, limit=30),
        "running": running,
        "form": values,
        "channels": [c.value for c in Channel],
        "sns_kinds": [(kind, SNS_NAMES[kind]) for kind in SNS],
    }


SNS_NAMES = {"line": "LINE", "x": "X", "facebook": "Facebook", "linkedin": "LinkedIn"}


@router.get("/people/new")
def quick_add_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The quick-add form (one hand, one screen)."""
    context = quick_context(core, lang)
    added = request.query_params.get("added", "")
    if added.isdigit():
        people = browse.person_summaries(core.uow(), [int(added)])
        context["added"] = people[0] if people else None
    return render(request, "quick_add.html", context)


@router.post("/people")
async def quick_add(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Add a person, how we met and a photo, all in one transaction.

    When someone similar is already stored, nothing is written: the form comes back with
    a warning naming them, a link to open them and an "add anyway" button.
    """
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        picture = await forms.upload(form, "photo", limit=photos.MAX_BYTES)
    except KinmyakuError as error:
        return await run_in_threadpool(_quick_error, request, core, lang, fields, error)
    # The reads and the write run in a worker thread: never a query on the event loop.
    return await run_in_threadpool(_quick_add, request, core, lang, form, fields, picture)


def _quick_error(
    request: Request, core: CoreDep, lang: str, fields: dict[str, str], error: KinmyakuError
) -> Response:
    context = quick_context(core, lang, fields)
    context["errors"] = errors_of(lang, error)
    return render(request, "quick_add.html", context, status=422)


_PICKED = re.compile(r"#(\d+)\s*$")  # "高橋 健太 #12", as the introducer list offers it


def introducer_id_of(core: CoreDep, ref: str) -> int | None:
    """The id of the introducer typed or picked: "name #id", "#id" or a name."""
    if not ref:
        return None
    picked = _PICKED.search(ref)
    try:
        return resolve_person(core.uow(), f"#{picked.group(1)}" if picked else ref)
    except KinmyakuError as error:
        params = {k: v for k, v in error.params.items() if k != "field"}
        raise ValidationError("introducer", error.msgid, **params) from None


def _quick_input(core: CoreDep, form: FormDep) -> tuple[PersonInput, int | None]:
    """The person and the introducer the form holds; every problem of it raised at once."""
    errors: list[ValidationError] = []

    def keep(step: Callable[[], T]) -> T | None:
        try:
            return step()
        except ValidationErrors as many:
            errors.extend(many.errors)
        except ValidationError as error:
            errors.append(error)
        return None

    checks = {"required": ("family_name",), "emails": ("email",), "phones": ("phone",)}
    keep(lambda: forms.check(form, **checks, dates=("met_on",)))
    if errors:  # values too long or wrong: the rest is not looked at before they are fixed
        raise_all(errors)
    handle, sns = forms.text(form, "handle"), forms.text(form, "sns")
    url = keep(lambda: sns_url(sns, handle)) if handle else None
    introducer = keep(lambda: introducer_id_of(core, forms.text(form, "introducer")))
    raise_all(errors)
    phone, email = forms.text(form, "phone"), forms.text(form, "email")
    data = PersonInput(
        family_name=forms.text(form, "family_name"),
        given_name=forms.text(form, "given_name"),
        family_reading=forms.text(form, "family_reading") or None,
        given_reading=forms.text(form, "given_reading") or None,
        company=forms.text(form, "company") or None,
        title=forms.text(form, "title"),
        phones=[phone] if phone else (),
        emails=[email] if email else (),
        urls=[url] if url else (),
    )
    return data, introducer


def _quick_add(
    request: Request,
    core: CoreDep,
    lang: str,
    form: FormDep,
    fields: dict[str, str],
    picture: bytes | None,
) -> Response:
    uow = core.uow()
    try:
        data, introducer = _quick_input(core, form)
        event = forms.number(form, "event")
        if forms.text(form, "add_anyway") != "1":
            with reading():  # only a look: it need not wait for the write lock
                similar = check_new_person(core.uow(), data)
            if similar:
                fields.pop("add_anyway", None)
                context = quick_context(core, lang, fields)
                context["similar"] = similar_context(core, lang, similar)
                context["photo_dropped"] = picture is not None
                return render(request, "quick_add.html", context)
        met_on = met_day(
            core.uow(), on=forms.day(form, "met_on"), event_id=event, today=core.today()
        )

        def write() -> int:
            with uow:
                photo = photos.store_photo(uow, data=picture) if picture else None
                added = add_person(uow, replace(data, photo=photo))
                record_encounter(
                    uow,
                    person_id=added,
                    on=met_on,
                    channel=forms.text(form, "channel") or "other",
                    introducer_id=introducer,
                    event_id=event,
                    place=forms.text(form, "place"),
                    memory_cue=forms.text(form, "memory_cue"),
                )
            return added

        # One transaction: when PostgreSQL ends it as a deadlock's victim (the summary's
        # triggers lock shared rows), it is run again, within the bound (storage/retry.py).
        person_id = retry_busy(write)
    except KinmyakuError as error:
        return _quick_error(request, core, lang, fields, error)
    data_changed(request)
    return see_other(f"/people/new?added={person_id}")


@router.get("/people/suggest")
def suggest_people(request: Request, core: CoreDep) -> Response:
    """The options of an ``<input list>`` of people (quick add's introducer), for htmx."""
    params = request.query_params
    query = (params.get("q") or params.get("introducer") or "").strip()[:200]
    if _PICKED.search(query):
        query = ""  # a person picked already: nothing more to offer
    found = search_people(core.uow(), query, limit=SUGGESTIONS) if query else []
    return render(request, "_people_options.html", {"people": found})
