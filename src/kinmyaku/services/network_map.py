"""The network map's data (人脈マップ): bounded views of the graph a browser can draw.

Three views, each at most a few dozen nodes whatever the size of the network (at most
:data:`MAX_NODES`):

- :func:`overview` — me in the centre, my ``ties`` strongest ties one by one, the other
  ties in labelled groups (a company, small companies of one industry, the rest; see
  :mod:`kinmyaku.domain.network.overview`), and the people on the warm paths shown;
- :func:`group_members` — the strongest members of one group, when its bubble is opened;
- :func:`focus` — one person in the centre with their strongest ties and my best warm
  path to them.

Strength is given as a word (Strong / Fair / Weak, :mod:`kinmyaku.domain.network.wording`)
with the 0-100 number kept for sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any
from urllib.parse import urlencode

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, intersect, select

from kinmyaku.domain.errors import NotFound
from kinmyaku.domain.model import industry_label
from kinmyaku.domain.network import EdgeKind, NetworkGraph, find_warm_paths
from kinmyaku.domain.network.overview import TieGroup, group_ties, parse_group_key
from kinmyaku.domain.network.wording import strength_word
from kinmyaku.i18n import translate
from kinmyaku.services.network import (
    PathView,
    build_network,
    describe_paths,
    organisation_of,
)
from kinmyaku.storage import network_queries as q
from kinmyaku.storage.schema import affiliations, encounters, organizations, person_tags
from kinmyaku.storage.uow import UnitOfWork

MAX_NODES = 300
MAX_EDGES = 600
GROUP_LIMIT = 40
FOCUS_LIMIT = 24


@dataclass(frozen=True)
class MapFilters:
    """Which of my ties the map draws: filters, how many one by one, how many groups."""

    tag: str = ""
    industry: str = ""
    event_id: int | None = None
    strength: int = 0
    people: int = 20
    groups: int = 16
    target: str = ""


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


@dataclass(frozen=True)
class _Ties:
    """My ties passing the filters, strongest first, grouped."""

    graph: NetworkGraph
    matching: int
    single: list[int]  # node indices
    groups: list[TieGroup]  # members are node indices
    orgs: dict[int, tuple[str, str]]


def _ties(uow: UnitOfWork, today: date, filters: MapFilters) -> _Ties:
    graph = build_network(uow, today=today)
    near, weights = graph.neighbours(0)
    keep = weights >= filters.strength / 100 - 1e-6
    with uow as conn:
        wanted = _filter_ids(filters)
        if wanted is not None:
            ids = np.fromiter(conn.execute(wanted).scalars(), dtype=np.int64)
            keep &= np.isin(graph.person_ids[near], ids)
        orgs = q.organisations(conn)
    ranked = near[keep][np.argsort(-weights[keep], kind="stable")].astype(np.int64)
    single, groups = group_ties(
        ranked,
        organisation_of(graph)[ranked],
        {oid: industry for oid, (_, industry) in orgs.items() if industry},
        top=filters.people,
        max_groups=filters.groups,
    )
    return _Ties(graph, int(keep.sum()), single, groups, orgs)


def _group_label(group: TieGroup, orgs: dict[int, tuple[str, str]], lang: str) -> str:
    if group.kind == "org":
        name = orgs.get(int(group.ref), ("?", ""))[0]
    elif group.kind == "industry":
        name = translate(lang, "{industry} firms", industry=_industry(group, lang))
    else:
        name = translate(lang, "Everyone else")
    return translate(lang, "{name} · {count} people", name=name, count=group.size)


def _industry(group: TieGroup, lang: str) -> str:
    try:
        return industry_label(group.ref, lang)
    except ValueError:
        return group.ref


def _group_list_url(group: TieGroup, orgs: dict[int, tuple[str, str]]) -> str:
    """The people list showing the whole group (a company or an industry)."""
    if group.kind == "org":
        return "/people?" + urlencode({"company": orgs.get(int(group.ref), ("", ""))[0]})
    if group.kind == "industry":
        return "/people?" + urlencode({"industry": group.ref})
    return "/people"


def _person_nodes(
    conn_uow: UnitOfWork, graph: NetworkGraph, shown: list[int], lang: str, *, centre: int = 0
) -> list[dict[str, Any]]:
    """Nodes for node indices: name, company and title, my tie's strength in words."""
    person_ids = [graph.person_of(i) for i in shown]
    with conn_uow as conn:
        names = q.names(conn, [p for p in person_ids if p != graph.me])
        roles = q.roles(conn, [p for p in person_ids if p != graph.me])
    nodes: list[dict[str, Any]] = []
    for index, pid in zip(shown, person_ids, strict=True):
        if index == 0:
            nodes.append({"id": "me", "person": None, "label": translate(lang, "Me"),
                          "kind": "me", "strength": None, "word": "", "role": "",
                          "major": True, "centre": centre == 0})  # fmt: skip
            continue
        tie = graph.edge(0, index)
        org, title = roles.get(pid, ("", ""))
        nodes.append(
            {
                "id": f"p{pid}",
                "person": pid,
                "label": names.get(pid, f"#{pid}"),
                "kind": "person",
                "strength": round(tie[0] * 100) if tie else None,
                "word": translate(lang, strength_word(tie[0])) if tie else "",
                "role": translate(lang, "{company}, {title}", company=org, title=title)
                if org and title
                else org or title,
                "major": True,
                "centre": index == centre,
            }
        )
    return nodes


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


def overview(
    uow: UnitOfWork, *, today: date, filters: MapFilters, paths: list[PathView], lang: str
) -> dict[str, Any]:
    """Me, my strongest ties, my other ties in groups, and the people on the paths."""
    ties = _ties(uow, today, filters)
    graph = ties.graph
    on_paths = {pid for path in paths for pid, _ in path.people}
    path_nodes = graph.indices_of(on_paths).tolist()
    shown = sorted({0, *ties.single, *path_nodes})[: MAX_NODES - len(ties.groups)]
    nodes = _person_nodes(uow, graph, shown, lang)
    single = set(ties.single)
    for node, index in zip(nodes, shown, strict=True):
        node["ring"] = 0 if index == 0 else 1 if index in single else 2
    edges = _edges(graph, np.asarray(shown, dtype=np.int64), paths)
    for group in ties.groups:
        gid = "g-" + group.key.replace(":", "-")
        best = graph.edge(0, group.members[0])
        nodes.append(
            {
                "id": gid,
                "person": None,
                "kind": "group",
                "group": group.key,
                "label": _group_label(group, ties.orgs, lang),
                "count": group.size,
                "strength": round(best[0] * 100) if best else None,
                "word": "",
                "role": "",
                "major": True,
                "ring": 3,
                "list": _group_list_url(group, ties.orgs),
            }
        )
        edges.append({"source": "me", "target": gid, "kind": "group", "weight": 0.2})
    return {
        "view": "overview",
        "nodes": nodes,
        "edges": edges,
        "matching": ties.matching,
        "shown": len(ties.single),
        "grouped": sum(g.size for g in ties.groups),
        "groups": len(ties.groups),
    }


def group_members(
    uow: UnitOfWork, *, today: date, filters: MapFilters, key: str, lang: str
) -> dict[str, Any]:
    """The strongest members of one group of the overview (what its bubble opens to)."""
    if parse_group_key(key) is None:
        raise NotFound("No group '{key}' on the map", key=key)
    ties = _ties(uow, today, filters)
    found = next((g for g in ties.groups if g.key == key), None)
    if found is None:
        raise NotFound("No group '{key}' on the map", key=key)
    members = list(found.members[:GROUP_LIMIT])
    nodes = _person_nodes(uow, ties.graph, members, lang)
    gid = "g-" + key.replace(":", "-")
    for node in nodes:
        node["parent"] = gid
    return {
        "view": "group",
        "group": gid,
        "label": _group_label(found, ties.orgs, lang),
        "nodes": nodes,
        "edges": [],
        "count": found.size,
        "more": max(found.size - len(members), 0),
        "list": _group_list_url(found, ties.orgs),
    }


def focus(uow: UnitOfWork, *, today: date, person_id: int, lang: str) -> dict[str, Any]:
    """One person in the centre: their strongest ties, me, and my best warm path to them."""
    graph = build_network(uow, today=today)
    centre = graph.index_of(person_id)
    if centre is None or centre == 0:
        raise NotFound("Nobody matches '{query}'", query=f"#{person_id}")
    near, weights = graph.neighbours(centre)
    strongest = near[np.argsort(-weights, kind="stable")][:FOCUS_LIMIT].astype(np.int64)
    found = find_warm_paths(graph, [person_id], k=1)
    paths = describe_paths(uow, found, target_kind="person")
    on_path = graph.indices_of(pid for path in paths for pid, _ in path.people).tolist()
    shown = sorted({0, centre, *strongest.tolist(), *on_path})
    nodes = _person_nodes(uow, graph, shown, lang, centre=centre)
    for node in nodes:
        node["ring"] = 0 if node["centre"] else 1
    person = next(n for n in nodes if n["centre"])
    return {
        "view": "focus",
        "focus": person,
        "nodes": nodes,
        "edges": _edges(graph, np.asarray(shown, dtype=np.int64), paths),
        "paths": [
            {**p.to_json(lang), "ids": ["me", *(f"p{pid}" for pid, _ in p.people)]} for p in paths
        ],
        "matching": len(near),
        "shown": len(shown) - 1,
    }
