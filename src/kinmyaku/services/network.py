"""My network from the database (人脈マップ): warm paths, matchmaking, connectors.

The graph (see :mod:`kinmyaku.domain.network.graph` for the edge weights):

- me -> everyone I have met (``people.met``), weighted by relationship strength 0-100;
- introducer -> person, from encounters with an introducer and introductions made to me;
- links between people (knows / introduced by me: ``link``; colleague: ``colleague``),
  and pairs I introduced (state ``introduced``);
- colleagues: people currently at the same organisation;
- people met at the same event (``same_event``).

Strength (interim, until the insights services expose a per-person function): the
domain formula :func:`kinmyaku.domain.insights.strength.strength_value` fed with
aggregates computed here from interactions, exchanges and encounters on or before today
(recency, frequency, decayed depth, reciprocity).  Someone I met but never touched has
no strength and gets the default tie weight.

Groups (an organisation, an event) larger than :data:`MAX_GROUP` people add no
colleague / same-event edges: in a crowd that size those ties say little, and a clique
would grow quadratically.  The built graph is cached per engine and database state
(a fingerprint of counts and last ids) and today's date: a change to people, links,
jobs, encounters, exchanges or interactions changes the fingerprint and the next call
builds it again.  The fingerprint itself (ten counting statements, a few hundred
milliseconds at 100,000 people) is not taken again while no statement of this process
has written to a table the graph reads (an engine event counts them) and the last
one is under :data:`FINGERPRINT_TTL` seconds old; a write from another process (the CLI,
another worker) is seen after at most that long.  One build runs at a time per engine (a
caller arriving during a build waits for it and takes its result), and the web server
builds it in the background as it starts (:func:`warm_network`, called from
:mod:`kinmyaku.web.upkeep`), so the first warm path after a start does not pay for the
build (about 4 s at 100,000 people).

Warm paths read in plain words (:meth:`PathView.advice`): whom to ask, their company and
title, whether the last person works at the target, and the path's strength as a word
(:mod:`kinmyaku.domain.network.wording`); the score stays in the detail view.
"""

from __future__ import annotations

import math
import re
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, event

from kinmyaku.domain.errors import AmbiguousPerson, NotFound
from kinmyaku.domain.insights.params import DEFAULT_PARAMS
from kinmyaku.domain.insights.strength import strength_components, strength_value
from kinmyaku.domain.model import INDUSTRY_LABELS, Industry
from kinmyaku.domain.names import fold_text
from kinmyaku.domain.network import (
    DEFAULT_WEIGHTS,
    EdgeKind,
    NetworkGraph,
    WarmPath,
    find_warm_paths,
)
from kinmyaku.domain.network.brokers import find_connectors
from kinmyaku.domain.network.clusters import cluster_labels, clusters_of
from kinmyaku.domain.network.matchmaking import (
    Keywords,
    Profile,
    describe_pairs,
    normalise_keyword,
    rank_pairs,
    split_keywords,
)
from kinmyaku.domain.network.wording import strength_word
from kinmyaku.i18n import translate
from kinmyaku.services.people import resolve_person
from kinmyaku.storage import network_queries as q
from kinmyaku.storage.uow import UnitOfWork

MAX_GROUP = 200
TARGET_KINDS = ("person", "org", "industry", "skill")
I64 = npt.NDArray[np.int64]

FINGERPRINT_TTL = 5.0
# A writing statement and its table; writes to tables the graph does not read (sessions,
# settings, the touch summary ...) leave the graph alone.
WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)",
    re.IGNORECASE,
)
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "MERGE", "TRUNCATE", "ALTER", "DROP")
GRAPH_TABLES = frozenset(
    {"people", "links", "introductions", "affiliations", "organizations", "encounters",
     "events", "exchanges", "interactions", "interaction_people"}
)  # fmt: skip


@dataclass
class _Built:
    """A built graph, the fingerprint it was built for, and when that was last confirmed."""

    key: tuple[object, ...]
    graph: NetworkGraph
    writes: int
    checked: float


class _WriteCounter:
    """Counts the writing statements of this process on every engine."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not statement.lstrip()[:8].upper().startswith(WRITES):
            return
        found = WRITE.match(statement)
        if found is None or found.group(1).lower() in GRAPH_TABLES:
            self.count += 1


_WRITTEN = _WriteCounter()
event.listen(Engine, "after_cursor_execute", _WRITTEN)
_CACHE: weakref.WeakKeyDictionary[Engine, _Built] = weakref.WeakKeyDictionary()
_ORG_OF: weakref.WeakKeyDictionary[NetworkGraph, I64] = weakref.WeakKeyDictionary()
_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def tie_strengths(conn: Connection, today: date) -> dict[int, float]:
    """Strength 0-100 of my relationship with everyone I have touched (interim formula)."""
    rows = q.touch_rows(conn, today)
    if not len(rows.person):
        return {}
    p = DEFAULT_PARAMS
    ids, inverse = np.unique(rows.person, return_inverse=True)
    m = len(ids)
    last = np.full(m, np.iinfo(np.int64).max)
    np.minimum.at(last, inverse, rows.age)
    in_window = rows.count * (rows.age < p.window_days)
    touches = np.bincount(inverse, weights=in_window, minlength=m)
    decayed = rows.weight * np.exp(-math.log(2.0) * rows.age / p.half_life_days)
    depth = np.bincount(inverse, weights=decayed, minlength=m)
    given = np.bincount(inverse, weights=decayed * (rows.direction == 1), minlength=m)
    got = np.bincount(inverse, weights=decayed * (rows.direction == 2), minlength=m)
    out = {}
    for i, pid in enumerate(ids.tolist()):
        parts = strength_components(
            days_since_last_touch=int(last[i]),
            touch_count=int(touches[i]),
            decayed_weight=float(depth[i]),
            decayed_given=float(given[i]),
            decayed_received=float(got[i]),
        )
        out[pid] = strength_value(parts)
    return out


def _group_pairs(groups: I64, members: I64) -> tuple[I64, I64]:
    """Every pair within each group (groups sorted) of at most MAX_GROUP members."""
    if not len(groups):
        return members[:0], members[:0]
    starts = np.flatnonzero(np.append(True, groups[1:] != groups[:-1]))
    sizes = np.diff(np.append(starts, len(groups)))
    left: list[I64] = []
    right: list[I64] = []
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        if 2 <= size <= MAX_GROUP:
            i, j = np.triu_indices(size, k=1)
            left.append(members[start + i])
            right.append(members[start + j])
    if not left:
        return members[:0], members[:0]
    return np.concatenate(left), np.concatenate(right)


def _build(conn: Connection, today: date) -> NetworkGraph:
    ids, met = q.people_ids(conn)
    strengths = tie_strengths(conn, today)
    src: list[I64] = []
    dst: list[I64] = []
    weight: list[npt.NDArray[np.float64]] = []
    kind: list[I64] = []

    def add(a: I64, b: I64, k: EdgeKind, w: npt.NDArray[np.float64] | None = None) -> None:
        src.append(a)
        dst.append(b)
        weight.append(np.full(len(a), DEFAULT_WEIGHTS[k]) if w is None else w)
        kind.append(np.full(len(a), int(k), dtype=np.int64))

    mine = ids[met]
    tie = np.array(
        [
            max(strengths[p], 1.0) / 100 if p in strengths else DEFAULT_WEIGHTS[EdgeKind.TIE]
            for p in mine.tolist()
        ],
        dtype=np.float64,
    )
    add(np.zeros(len(mine), dtype=np.int64), mine, EdgeKind.TIE, tie)
    linked = q.link_pairs(conn)
    for pairs, k in (
        (q.introducer_pairs(conn), EdgeKind.INTRODUCED),
        (q.made_introductions(conn), EdgeKind.LINK),
        ([(a, b) for a, b, lk in linked if lk != "colleague"], EdgeKind.LINK),
        ([(a, b) for a, b, lk in linked if lk == "colleague"], EdgeKind.COLLEAGUE),
    ):
        arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        add(arr[:, 0], arr[:, 1], k)
    orgs, members = q.current_colleagues(conn)
    add(*_group_pairs(orgs, members), EdgeKind.COLLEAGUE)
    add(*_group_pairs(*q.event_attendance(conn)), EdgeKind.SAME_EVENT)
    person_ids = np.concatenate([[0], ids])

    def index(x: I64) -> I64:
        return np.where(x == 0, 0, np.searchsorted(ids, x) + 1)

    graph = NetworkGraph.from_arrays(
        len(person_ids),
        index(np.concatenate(src)),
        index(np.concatenate(dst)),
        np.concatenate(weight),
        np.concatenate(kind),
        person_ids=person_ids,
    )
    org_of = np.full(len(person_ids), -1, dtype=np.int64)
    org_of[index(members)[::-1]] = orgs[::-1]  # the first organisation of each person
    _ORG_OF[graph] = org_of
    return graph


def organisation_of(graph: NetworkGraph) -> I64:
    """The current organisation id of every node of a built graph (-1: none)."""
    return _ORG_OF.get(graph, np.full(graph.node_count, -1, dtype=np.int64))


def _lock(engine: Engine) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(engine, threading.Lock())


def build_network(uow: UnitOfWork, *, today: date, use_cache: bool = True) -> NetworkGraph:
    """The graph of my network (me = person id 0), cached per database state."""
    with _lock(uow.engine):
        cached = _CACHE.get(uow.engine) if use_cache else None
        writes, now = _WRITTEN.count, time.monotonic()
        if (
            cached is not None
            and cached.key[-1] == today
            and cached.writes == writes
            and now - cached.checked < FINGERPRINT_TTL
        ):
            return cached.graph
        # One snapshot for the fingerprint and every read of the build: on PostgreSQL a
        # person added between two statements would be in the links or the colleagues
        # but not among the nodes (an IndexError in the soak of #15).
        with uow.snapshot() as conn:
            key = (*q.fingerprint(conn), today)
            if cached is not None and cached.key == key:
                cached.writes, cached.checked = writes, now
                return cached.graph
            graph = _build(conn, today)
        _CACHE[uow.engine] = _Built(key, graph, writes, time.monotonic())
        return graph


def warm_network(uow: UnitOfWork, *, today: date) -> bool:
    """Build (or refresh) the cached graph now; True when it had to be built."""
    before = _CACHE.get(uow.engine)
    graph = build_network(uow, today=today)
    return before is None or before.graph is not graph


@dataclass(frozen=True)
class Target:
    """What a path search aims at: its kind, a label, and the people who count as reached."""

    kind: str
    label: str
    people: tuple[int, ...]


def _industry(text: str) -> Industry | None:
    key = fold_text(text)
    for industry, labels in INDUSTRY_LABELS.items():
        if key in {fold_text(industry.value), *(fold_text(label) for label in labels)}:
            return industry
    return None


def _skill_people(conn: Connection, keyword: str) -> list[int]:
    key = normalise_keyword(keyword)
    found = []
    for pid, offers, needs in q.profile_rows(conn):
        words = split_keywords(offers) + split_keywords(needs)
        if any(key in normalise_keyword(w) for w in words):
            found.append(pid)
    return sorted(found)


def _org_target(conn: Connection, query: str, *, exact: bool) -> Target | None:
    orgs, members = q.people_at_organizations(conn, query, exact=exact)
    return Target("org", ", ".join(orgs[:3]), tuple(members)) if orgs else None


def resolve_target(uow: UnitOfWork, text: str, *, lang: str = "en") -> Target:
    """The target a text names: ``person:``, ``org:``, ``industry:``, ``skill:`` or detected.

    Detection order: industry (value or label), organisation (exact name), person (any
    spelling), organisation (name prefix), skill / need keyword.
    """
    kind, _, rest = text.partition(":")
    forced = kind.strip().lower() if rest.strip() and kind.strip().lower() in TARGET_KINDS else None
    query = rest.strip() if forced else text.strip()
    with uow as conn:
        if forced in (None, "industry"):
            industry = _industry(query)
            if industry is not None:
                ja, en = INDUSTRY_LABELS[industry]
                people_ids = q.people_in_industry(conn, industry.value)
                return Target("industry", ja if lang == "ja" else en, tuple(people_ids))
            if forced:
                raise NotFound("No industry called '{query}'", query=query)
        if forced == "org":
            found_org = _org_target(conn, query, exact=False)
            if found_org is None:
                raise NotFound("No organisation called '{query}'", query=query)
            return found_org
        if forced is None and (found_org := _org_target(conn, query, exact=True)):
            return found_org
        if forced in (None, "person"):
            try:
                pid = resolve_person(uow, query)
                return Target("person", q.names(conn, [pid])[pid], (pid,))
            except AmbiguousPerson:
                if forced or not (found_org := _org_target(conn, query, exact=False)):
                    raise
                return found_org
            except NotFound:
                if forced:
                    raise
        if forced is None and (found_org := _org_target(conn, query, exact=False)):
            return found_org
        found = _skill_people(conn, query)
        if found or forced == "skill":
            return Target("skill", query, tuple(found))
    raise NotFound(
        "Nothing matches '{query}': not a person, organisation, industry or skill", query=query
    )


@dataclass(frozen=True)
class PathView:
    """A warm path with names: people from the first to ask to the target (me left out)."""

    score: float
    people: tuple[tuple[int, str], ...]
    hops: tuple[tuple[str, float], ...]  # (edge kind, weight) of each hand-over
    roles: tuple[tuple[str, str], ...] = ()  # (organisation, title) of each person, or ''
    target_kind: str = ""

    @property
    def strength(self) -> str:
        """The path's strength as a message id: Strong, Fair or Weak."""
        return strength_word(self.score)

    def role(self, position: int, lang: str) -> str:
        """Company and title of the person at ``position`` (株式会社東都不動産・部長), or ''."""
        org, title = self.roles[position] if position < len(self.roles) else ("", "")
        if org and title:
            return translate(lang, "{company}, {title}", company=org, title=title)
        return org or title

    def advice(self, lang: str) -> str:
        """What to do, in plain words: 松田 亮太さん（株式会社東都不動産・部長）に紹介を頼む."""
        name = self.people[0][1]
        role = self.role(0, lang)
        direct = len(self.people) == 1 and self.target_kind == "person"
        if direct:
            msgid = "Contact {name} ({role}) directly" if role else "Contact {name} directly"
        else:
            msgid = (
                "Ask {name} ({role}) to introduce you" if role else "Ask {name} to introduce you"
            )
        return translate(lang, msgid, name=name, role=role)

    def works_at(self, lang: str) -> str:
        """'松田 亮太さんは株式会社東都不動産にお勤めです' when the target is a company or an
        industry (the last person works there), else ''."""
        if self.target_kind not in ("org", "industry"):
            return ""
        org = self.roles[-1][0] if self.roles else ""
        if not org:
            return ""
        return translate(lang, "{name} works at {company}", name=self.people[-1][1], company=org)

    def explanation(self, lang: str) -> str:
        """Why this path scores what it does, in the user's language."""
        steps = [
            f"{name} ({translate(lang, kind)} {w:.2f})"
            for (_, name), (kind, w) in zip(self.people, self.hops, strict=True)
        ]
        factors = " × ".join(f"{w:.2f}" for _, w in self.hops)
        if len(self.hops) > 1:
            factors += f" × 0.9^{len(self.hops) - 1}"
        return translate(
            lang,
            "Ask {first} first: me → {steps}; score {factors} = {score:.3f}",
            first=self.people[0][1],
            steps=" → ".join(steps),
            factors=factors,
            score=self.score,
        )

    def to_json(self, lang: str) -> dict[str, Any]:
        """The path as JSON data."""
        return {
            "score": round(self.score, 6),
            "strength": translate(lang, self.strength),
            "advice": self.advice(lang),
            "first_to_ask": {"id": self.people[0][0], "name": self.people[0][1]},
            "people": [{"id": pid, "name": name} for pid, name in self.people],
            "hops": [{"kind": k, "weight": w} for k, w in self.hops],
            "explanation": self.explanation(lang),
        }


def _view(
    path: WarmPath,
    names: dict[int, str],
    roles: dict[int, tuple[str, str]] | None = None,
    target_kind: str = "",
) -> PathView:
    roles = roles or {}
    return PathView(
        score=path.score,
        people=tuple((pid, names.get(pid, f"#{pid}")) for pid in path.people[1:]),
        hops=tuple((h.kind.label, h.weight) for h in path.hops),
        roles=tuple(roles.get(pid, ("", "")) for pid in path.people[1:]),
        target_kind=target_kind,
    )


def find_paths(
    uow: UnitOfWork, *, target: str, today: date, limit: int = 3, lang: str = "en"
) -> tuple[Target, list[PathView]]:
    """The best ``limit`` warm paths from me to a target, best first."""
    aim = resolve_target(uow, target, lang=lang)
    graph = build_network(uow, today=today)
    paths = find_warm_paths(graph, aim.people, k=limit)
    return aim, describe_paths(uow, paths, target_kind=aim.kind)


def describe_paths(uow: UnitOfWork, paths: list[WarmPath], *, target_kind: str) -> list[PathView]:
    """Warm paths with the names, companies and titles of their people."""
    ids = sorted({p for path in paths for p in path.people[1:]})
    with uow as conn:
        names = q.names(conn, ids)
        roles = q.roles(conn, ids)
    return [_view(p, names, roles, target_kind) for p in paths]


def find_introduction_matches(
    uow: UnitOfWork, *, today: date, limit: int = 20
) -> list[dict[str, Any]]:
    """Pairs of people I know where one's offer meets the other's need, not yet linked."""
    graph = build_network(uow, today=today)
    known, _ = graph.neighbours(0)
    position = np.full(graph.node_count, -1, dtype=np.int64)
    position[known] = np.arange(len(known))
    keywords = Keywords()
    with uow as conn:
        for pid, offers, needs in q.profile_rows(conn):  # streamed: no profile per person
            index = graph.index_of(pid)
            if index is not None and position[index] >= 0:
                keywords.add(int(position[index]), split_keywords(offers), split_keywords(needs))
        ranked = rank_pairs(graph, keywords, limit=limit)
        del keywords
        ids = sorted({graph.person_of(int(known[i])) for r in ranked for i in (r.lo, r.hi)})
        texts = q.profiles(conn, only=ids) if ids else {}
        profiles = {pid: Profile.from_text(o, n) for pid, (o, n) in texts.items()}
        matches = describe_pairs(graph, ranked, profiles)
        names = q.names(conn, ids)
    return [
        {
            "a": {"id": m.a, "name": names[m.a]},
            "b": {"id": m.b, "name": names[m.b]},
            "a_gives_b": list(m.a_gives_b),
            "b_gives_a": list(m.b_gives_a),
            "score": round(m.score, 6),
        }
        for m in matches
    ]


def find_brokers(uow: UnitOfWork, *, today: date, limit: int = 10) -> dict[str, Any]:
    """Connectors (who bridges parts of my network) and clusters, with names."""
    graph = build_network(uow, today=today)
    labels = cluster_labels(graph)  # once, for both: the slowest part at 100,000 people
    connectors = find_connectors(graph, limit=limit, labels=labels)
    clusters = clusters_of(graph, labels)[:limit]
    del labels
    ids = {c.person_id for c in connectors} | {p for c in clusters for p in c.members[:5]}
    with uow as conn:
        names = q.names(conn, sorted(ids))
    return {
        "connectors": [
            {
                "id": c.person_id,
                "name": names[c.person_id],
                "betweenness": round(c.betweenness, 6),
                "clusters_reached": c.clusters_reached,
                "degree": c.degree,
            }
            for c in connectors
        ],
        "clusters": [
            {"size": c.size, "sample": [{"id": p, "name": names[p]} for p in c.members[:5]]}
            for c in clusters
        ],
    }
