"""The network pages (人脈マップ): the map and warm paths, matchmaking, the introductions
ledger (double opt-in), connectors and clusters.

The map is drawn in the browser (``static/js/network-map.js`` with the vendored Cytoscape.js)
from ``/network/graph.json`` (see :mod:`kinmyaku.services.network_map`): me in the centre,
my ``people`` strongest ties (20; 10 on a phone) one by one, the other ties in at most
``groups`` labelled bubbles (a company, or the smaller companies of an industry) that open
with ``?group=KEY``, and the people on the best warm paths to the target.  ``?focus=ID``
centres one person with their ties.  Every view stays bounded (at most a few hundred
nodes) so a phone draws it at once, at 100,000 people too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import QueryParams

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import Industry, industry_label
from kinmyaku.domain.network.wording import strength_word
from kinmyaku.i18n import error_text, translate
from kinmyaku.services import browse, introductions
from kinmyaku.services.network import PathView, find_brokers, find_paths
from kinmyaku.services.network import find_introduction_matches as find_matches
from kinmyaku.services.network_map import MapFilters, focus, group_members, overview
from kinmyaku.services.people import resolve_person
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, RecordId, render, see_other
from kinmyaku.web.i18n import format_day

router = APIRouter(include_in_schema=False)

PEOPLE_CHOICES = (10, 20, 50, 100)
DEFAULT_PEOPLE = 20
MAX_PEOPLE = 100
DEFAULT_GROUPS = 16
MAX_GROUPS = 30
STRENGTHS = (0, 20, 40, 60, 80)
PATH_LIMIT = 3
# Hop kinds as shown in the path list (the CLI's short codes, in words).
KIND_TEXT = {
    "tie": "Direct tie",
    "introduced": "Introduced",
    "link": "Knows",
    "colleague": "Colleague",
    "same_event": "Same event",
}
# The double opt-in: the button that moves an introduction into each state.
MOVES = {
    "asked_a": "Asked {name}",
    "asked_b": "Asked {name}",
    "agreed": "Both agreed",
    "introduced": "Introduced them",
    "declined": "Declined",
}


def _number(text: str, default: int, top: int) -> int:
    return min(int(text), top) if text.isdigit() and int(text) else default


def parse_filters(params: QueryParams) -> MapFilters:
    """Filters from the query string; unknown values fall back to showing everything."""
    industry = params.get("industry", "")
    event = params.get("event", "")
    strength = params.get("strength", "")
    return MapFilters(
        tag=params.get("tag", "").strip()[:60],
        industry=industry if industry in {i.value for i in Industry} else "",
        event_id=int(event) if event.isdigit() and 0 < int(event) < 2**31 else None,
        strength=int(strength) if strength.isdigit() and int(strength) in STRENGTHS else 0,
        people=_number(params.get("people", ""), DEFAULT_PEOPLE, MAX_PEOPLE),
        groups=_number(params.get("groups", ""), DEFAULT_GROUPS, MAX_GROUPS),
        target=params.get("target", "").strip()[:200],
    )


def filter_query(filters: MapFilters) -> dict[str, str]:
    """The filters as query parameters (empty and default ones left out)."""
    values = {
        "tag": filters.tag,
        "industry": filters.industry,
        "event": str(filters.event_id or ""),
        "strength": str(filters.strength or ""),
        "people": str(filters.people) if filters.people != DEFAULT_PEOPLE else "",
        "groups": str(filters.groups) if filters.groups != DEFAULT_GROUPS else "",
        "target": filters.target,
    }
    return {k: v for k, v in values.items() if v}


def _paths(core: Any, filters: MapFilters, lang: str) -> tuple[str, list[PathView], str]:
    """(target label, best paths, error message) for the map's target, if any."""
    if not filters.target:
        return "", [], ""
    try:
        aim, found = find_paths(
            core.uow(), target=filters.target, today=core.today(), limit=PATH_LIMIT, lang=lang
        )
    except KinmyakuError as error:
        return "", [], error_text(lang, error)
    return f"{aim.label} ({translate(lang, aim.kind)})", found, ""


def path_view(path: PathView, lang: str) -> dict[str, Any]:
    """A path as the list shows it: what to do in words, each hop, the score in details."""
    return {
        "advice": path.advice(lang),
        "works_at": path.works_at(lang),
        "strength": translate(lang, path.strength),
        "strength_class": path.strength.lower(),
        "score": path.score,
        "hops": [
            {
                "id": pid,
                "name": name,
                "role": path.role(i, lang),
                "kind": translate(lang, KIND_TEXT[kind]),
                "strength": translate(lang, strength_word(weight)),
                "weight": weight,
            }
            for i, ((pid, name), (kind, weight)) in enumerate(
                zip(path.people, path.hops, strict=True)
            )
        ],
        "explanation": path.explanation(lang),
    }


def _focus_id(core: Any, text: str, lang: str) -> tuple[int | None, str]:
    """(person id, error message) of the person the focus box names."""
    if not text.strip():
        return None, ""
    try:
        return resolve_person(core.uow(), text[:200]), ""
    except KinmyakuError as error:
        return None, error_text(lang, error)


@router.get("/network")
def network_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The map of my network, its filters, and the warm paths to a target."""
    filters = parse_filters(request.query_params)
    target, found, error = _paths(core, filters, lang)
    focus_text = request.query_params.get("focus", "").strip()[:200]
    focus_id, focus_error = _focus_id(core, focus_text, lang)
    graph_query = filter_query(filters)
    if focus_id is not None:
        graph_query["focus"] = str(focus_id)
    context = {
        "filters": filters,
        "filters_open": bool(
            filters.tag or filters.industry or filters.event_id or filters.strength
        )
        or filters.people != DEFAULT_PEOPLE,
        "graph_query": graph_query,
        "focus_text": focus_text,
        "focus_error": focus_error,
        "target_label": target,
        "paths": [path_view(path, lang) for path in found],
        "path_error": error,
        "industries": [(i.value, industry_label(i, lang)) for i in Industry],
        "events": [
            (e.id, f"{e.name}（{format_day(e.date, lang)}）")
            for e in browse.event_choices(core.uow())
        ],
        "strengths": [(s, str(s)) for s in STRENGTHS[1:]],
        "people_choices": PEOPLE_CHOICES,
    }
    return render(request, "network.html", context)


def map_graph(
    core: Any, params: QueryParams, lang: str, today: date | None = None
) -> dict[str, Any]:
    """The map data for a query: a group's members, a person in focus, or the overview."""
    filters = parse_filters(params)
    today = today or core.today()
    group = params.get("group", "")
    if group:
        return group_members(core.uow(), today=today, filters=filters, key=group[:60], lang=lang)
    person = params.get("focus", "")
    if person.isdigit() and 0 < int(person) < 2**31:
        return focus(core.uow(), today=today, person_id=int(person), lang=lang)
    target, found, error = _paths(core, filters, lang)
    data = overview(core.uow(), today=today, filters=filters, paths=found, lang=lang)
    data["filters"] = filter_query(filters)
    data["target"] = target
    data["error"] = error
    data["paths"] = [
        {**path.to_json(lang), "ids": ["me", *(f"p{pid}" for pid, _ in path.people)]}
        for path in found
    ]
    return data


@router.get("/network/graph.json")
def network_graph(request: Request, core: CoreDep, lang: LangDep) -> JSONResponse:
    """The map data: the overview (with the paths to the target), a group, or a focus."""
    return JSONResponse(map_graph(core, request.query_params, lang))


@router.get("/network/matches")
def matches_page(request: Request, core: CoreDep) -> Response:
    """Pairs of people I know who could help each other, best first."""
    pairs = find_matches(core.uow(), today=core.today(), limit=20)
    return render(request, "network_matches.html", {"matches": pairs})


@router.post("/network/matches")
def start_introduction(core: CoreDep, form: FormDep) -> Response:
    """Start an introduction between a matched pair (state proposed) in the ledger."""
    intro_id = introductions.propose_introduction(
        core.uow(),
        person_a=forms.number(form, "person_a", field="person") or 0,
        person_b=forms.number(form, "person_b", field="person") or 0,
        on=core.today(),
        why=forms.text(form, "why"),
    )
    return see_other(f"/network/introductions?added={intro_id}#intro-{intro_id}")


def _next_moves(state: str) -> list[str]:
    """The states an open introduction may move to (forwards, or declined)."""
    if state not in introductions.OPEN_STATES:
        return []
    later = introductions.STATES[introductions.STATES.index(state) + 1 : -1]
    return [*later, "declined"]


@router.get("/network/introductions")
def introductions_page(request: Request, core: CoreDep) -> Response:
    """The introductions ledger: open ones first, with the next double opt-in steps."""
    show_all = request.query_params.get("all") == "1"
    rows = introductions.list_introductions(core.uow(), include_closed=show_all)
    added = request.query_params.get("added", "")
    context = {
        "introductions": [{**row, "moves": _next_moves(row["state"])} for row in rows],
        "move_text": MOVES,
        "show_all": show_all,
        "added": int(added) if added.isdigit() else None,
    }
    return render(request, "network_introductions.html", context)


@router.post("/network/introductions/{introduction_id}")
def move_introduction(introduction_id: RecordId, core: CoreDep, form: FormDep) -> Response:
    """Move an introduction to the next state (asked A, asked B, agreed, introduced, declined)."""
    introductions.move_introduction(
        core.uow(),
        introduction_id=introduction_id,
        state=forms.text(form, "state"),
        on=core.today(),
    )
    back = (
        "/network/introductions?all=1"
        if forms.text(form, "all") == "1"
        else "/network/introductions"
    )
    return see_other(f"{back}#intro-{introduction_id}")


@router.get("/network/brokers")
def brokers_page(request: Request, core: CoreDep) -> Response:
    """Connectors (who bridges parts of my network) and clusters."""
    found = find_brokers(core.uow(), today=core.today(), limit=10)
    return render(request, "network_brokers.html", found)
