"""The network pages (人脈マップ): the map and warm paths, matchmaking, the introductions
ledger (double opt-in), connectors and clusters.

The map is drawn in the browser (``static/js/network-map.js`` with the vendored Cytoscape.js)
from ``/network/graph.json``: me, the ``people`` strongest ties that pass the filters (tag,
industry, event, minimum strength), the links among them and the people on the best warm
paths to the target.  It stays bounded (at most :data:`MAX_PEOPLE` people and
:data:`MAX_EDGES` links) so a phone draws it quickly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Select, intersect, select
from starlette.datastructures import QueryParams

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import Industry, industry_label
from kinmyaku.domain.network import EdgeKind, NetworkGraph
from kinmyaku.i18n import error_text, translate
from kinmyaku.services import browse, introductions
from kinmyaku.services.network import PathView, build_network, find_brokers, find_paths
from kinmyaku.services.network import find_introduction_matches as find_matches
from kinmyaku.storage import network_queries
from kinmyaku.storage.schema import affiliations, encounters, organizations, person_tags
from kinmyaku.storage.uow import UnitOfWork
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, RecordId, render, see_other

router = APIRouter(include_in_schema=False)

MAX_PEOPLE = 300
PEOPLE_CHOICES = (50, 100, 150, 300)
DEFAULT_PEOPLE = 150
MAX_EDGES = 1500
STRENGTHS = (0, 20, 40, 60, 80)
PATH_LIMIT = 3
MAJOR_LABELS = 25  # the strongest ties are labelled; the others on zoom or hover
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


@dataclass(frozen=True)
class MapFilters:
    """What the map shows: filters on the people, how many, and the path target."""

    tag: str = ""
    industry: str = ""
    event_id: int | None = None
    strength: int = 0
    people: int = DEFAULT_PEOPLE
    target: str = ""

    @classmethod
    def from_query(cls, params: QueryParams) -> MapFilters:
        """Filters from the query string; unknown values fall back to showing everything."""
        industry = params.get("industry", "")
        event = params.get("event", "")
        strength = params.get("strength", "")
        people = params.get("people", "")
        return cls(
            tag=params.get("tag", "").strip()[:60],
            industry=industry if industry in {i.value for i in Industry} else "",
            event_id=int(event) if event.isdigit() and 0 < int(event) < 2**31 else None,
            strength=int(strength) if strength.isdigit() and int(strength) in STRENGTHS else 0,
            people=min(int(people), MAX_PEOPLE)
            if people.isdigit() and int(people)
            else DEFAULT_PEOPLE,
            target=params.get("target", "").strip()[:200],
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (empty ones left out)."""
        values = {
            "tag": self.tag,
            "industry": self.industry,
            "event": str(self.event_id or ""),
            "strength": str(self.strength or ""),
            "people": str(self.people) if self.people != DEFAULT_PEOPLE else "",
            "target": self.target,
        }
        return {k: v for k, v in values.items() if v}


def _filter_ids(filters: MapFilters) -> Select[Any] | None:
    """One set of person ids passing the tag, industry and event filters (None: no filter)."""
    sets: list[Select[Any]] = []
    if filters.tag:
        sets.append(select(person_tags.c.person_id).where(person_tags.c.tag == filters.tag))
    if filters.industry:
        sets.append(
            select(affiliations.c.person_id)
            .join(organizations, organizations.c.id == affiliations.c.organization_id)
            .where(
                organizations.c.industry == filters.industry, affiliations.c.is_current.is_(True)
            )
        )
    if filters.event_id is not None:
        sets.append(select(encounters.c.person_id).where(encounters.c.event_id == filters.event_id))
    if not sets:
        return None
    return sets[0] if len(sets) == 1 else select(intersect(*sets).subquery().c[0])


def map_graph(
    uow: UnitOfWork, *, today: date, filters: MapFilters, paths: list[PathView], lang: str
) -> dict[str, Any]:
    """The bounded map: me, the strongest filtered ties, path people, and links among them."""
    graph = build_network(uow, today=today)
    near, weights = graph.neighbours(0)
    keep = weights >= filters.strength / 100 - 1e-6
    with uow as conn:
        wanted = _filter_ids(filters)
        if wanted is not None:
            ids = np.fromiter(conn.execute(wanted).scalars(), dtype=np.int64)
            keep &= np.isin(graph.person_ids[near], ids)
        matching = int(keep.sum())
        chosen = near[keep][np.argsort(-weights[keep], kind="stable")][: filters.people]
        on_paths = {pid for path in paths for pid, _ in path.people}
        shown = np.union1d(
            np.concatenate([[0], chosen]).astype(np.int64), graph.indices_of(on_paths)
        )
        person_ids = [graph.person_of(i) for i in shown.tolist()]
        names = network_queries.names(conn, [p for p in person_ids if p != graph.me])
    major = set(chosen[:MAJOR_LABELS].tolist()) | set(graph.indices_of(on_paths).tolist())
    nodes = []
    for index, pid in zip(shown.tolist(), person_ids, strict=True):
        tie = graph.edge(0, index) if index else None
        nodes.append(
            {
                "id": "me" if index == 0 else f"p{pid}",
                "person": None if index == 0 else pid,
                "label": translate(lang, "Me") if index == 0 else names.get(pid, f"#{pid}"),
                "strength": round(tie[0] * 100) if tie else None,
                "major": index == 0 or index in major,
            }
        )
    return {
        "nodes": nodes,
        "edges": _edges(graph, shown, paths),
        "matching": matching,
        "shown": len(chosen),
        "filters": filters.query(),
    }


def _edges(
    graph: NetworkGraph, shown: npt.NDArray[np.int64], paths: list[PathView]
) -> list[dict[str, Any]]:
    """Links among the shown people: the path links, then the strongest up to MAX_EDGES."""
    on_path: set[tuple[int, int]] = set()
    for path in paths:
        chain = [graph.me, *(pid for pid, _ in path.people)]
        for a, b in pairwise(chain):
            on_path.add((min(a, b), max(a, b)))
    found: list[tuple[bool, float, int, int, int]] = []
    for row in shown.tolist():
        lo, hi = int(graph.indptr[row]), int(graph.indptr[row + 1])
        cols = graph.indices[lo:hi]
        mask = (cols > row) & np.isin(cols, shown)
        for col, weight, kind in zip(
            cols[mask].tolist(),
            graph.weights[lo:hi][mask].tolist(),
            graph.kinds[lo:hi][mask].tolist(),
            strict=True,
        ):
            a, b = graph.person_of(row), graph.person_of(col)
            pair = (min(a, b), max(a, b))
            found.append((pair in on_path or row == 0, weight, a, b, kind))
    found.sort(key=lambda e: (not e[0], -e[1]))
    return [
        {
            "source": "me" if a == graph.me else f"p{a}",
            "target": f"p{b}",
            "kind": EdgeKind(kind).label,
            "weight": round(weight, 3),
        }
        for _, weight, a, b, kind in found[:MAX_EDGES]
    ]


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


def _path_view(path: PathView, lang: str) -> dict[str, Any]:
    """A path as the list shows it: whom to ask first, each hop in words, the explanation."""
    return {
        "score": path.score,
        "first": path.people[0][1],
        "hops": [
            {"id": pid, "name": name, "kind": translate(lang, KIND_TEXT[kind]), "weight": weight}
            for (pid, name), (kind, weight) in zip(path.people, path.hops, strict=True)
        ],
        "explanation": path.explanation(lang),
    }


@router.get("/network")
def network_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The map of my network, its filters, and the warm paths to a target."""
    filters = MapFilters.from_query(request.query_params)
    target, found, error = _paths(core, filters, lang)
    context = {
        "filters": filters,
        "graph_query": filters.query(),
        "target_label": target,
        "paths": [_path_view(path, lang) for path in found],
        "path_error": error,
        "industries": [(i.value, industry_label(i, lang)) for i in Industry],
        "events": [(e.id, f"{e.date} {e.name}") for e in browse.event_choices(core.uow())],
        "strengths": [(s, str(s)) for s in STRENGTHS[1:]],
        "people_choices": PEOPLE_CHOICES,
    }
    return render(request, "network.html", context)


@router.get("/network/graph.json")
def network_graph(request: Request, core: CoreDep, lang: LangDep) -> JSONResponse:
    """The map data: nodes, edges, and the best paths to the target (as ``kinmyaku path``)."""
    filters = MapFilters.from_query(request.query_params)
    target, found, error = _paths(core, filters, lang)
    data = map_graph(core.uow(), today=core.today(), filters=filters, paths=found, lang=lang)
    data["target"] = target
    data["error"] = error
    data["paths"] = [
        {**path.to_json(lang), "ids": ["me", *(f"p{pid}" for pid, _ in path.people)]}
        for path in found
    ]
    return JSONResponse(data)


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
