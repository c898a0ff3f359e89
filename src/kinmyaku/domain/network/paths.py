"""Warm paths (紹介ルート): the best few chains of people from me to a target.

Score of a path ``me -> p1 -> ... -> pH`` with edge weights ``w1..wH`` (tie
probabilities, see :mod:`kinmyaku.domain.network.graph`)::

    score = w1 * w2 * ... * wH * HOP_PENALTY ** (H - 1)

The product is the chance the request survives every hand-over; ``HOP_PENALTY`` (0.9) makes
a longer path lose to a shorter one of equal strength, since each extra hand-over costs
time and goodwill.  A direct tie scores its own weight.  At most :data:`MAX_HOPS` (4) hops.

Algorithm.  Taking ``cost(edge) = -log(w) - log(HOP_PENALTY)`` turns "highest score" into
"lowest total cost" (``score = exp(-cost) / HOP_PENALTY``), with every edge cost >= 0, so
the ranking is a shortest-path ranking.  The search is an exact best-first (A*) enumeration
of simple paths from me, with a hop limit and early termination after ``k`` paths:

1. Backward from the target set T (vectorised over the CSR arrays, no Python loop): the
   cheapest cost to reach T from every node in one hop (``lb1``) and in at most two hops
   (``lb2``), never passing through me, an excluded person or another target.  For me's own
   neighbours a one-step look-ahead gives the at-most-three-hops bound.
2. Forward from me: a partial path ``P`` ending at ``u`` is ranked by
   ``f = cost(P) + lb(u, hops left)``.  Because ``lb`` relaxes only the "simple path"
   rule it never overestimates (admissible), so complete paths leave the priority queue
   in exact best-first order and the search stops after the ``k``-th.
3. Each expansion sorts its children by ``f`` with numpy and enqueues only the best
   sibling; popping a sibling enqueues the next one.  Children with no way to T within the
   hops left (``lb = inf``) are never enqueued, which is what keeps a 1,000,000-person
   graph fast: only nodes within two hops of T and paths about as good as the answer are
   ever touched.

When the two-hop backward ball would be huge (a target of tens of thousands of people),
``lb2`` falls back to a weaker but still admissible bound (each node's strongest edge plus
the best ``lb1``): slower, still exact.  Targets end a path (a path through one target to
another is never better than stopping at the first), and so do excluded people (never
used at all).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.network.graph import EdgeKind, NetworkGraph

HOP_PENALTY = 0.9
MAX_HOPS = 4
# Above this many arcs the exact two-hop backward bound is replaced by the weak one.
BACKWARD_ARC_BUDGET = 4_000_000

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Hop:
    """One hand-over of a path: who asks whom, over which edge."""

    from_id: int
    to_id: int
    weight: float
    kind: EdgeKind


@dataclass(frozen=True)
class WarmPath:
    """A ranked path: ``people`` runs from me to the target; ``hops`` explains each step."""

    score: float
    people: tuple[int, ...]
    hops: tuple[Hop, ...]

    @property
    def first_to_ask(self) -> int:
        """The person I should ask first (the target itself on a direct tie)."""
        return self.people[1]

    @property
    def target(self) -> int:
        """The person the path reaches."""
        return self.people[-1]


def path_score(weights: Sequence[float], hop_penalty: float = HOP_PENALTY) -> float:
    """The score of a path with these edge weights: their product times the hop penalty."""
    return math.prod(weights) * hop_penalty ** (len(weights) - 1)


def find_warm_paths(
    graph: NetworkGraph,
    targets: Iterable[int],
    *,
    k: int = 3,
    max_hops: int = MAX_HOPS,
    exclude: Iterable[int] = (),
    hop_penalty: float = HOP_PENALTY,
    distinct_first_person: bool = False,
) -> list[WarmPath]:
    """The ``k`` best simple paths from me to any of ``targets`` (person ids), best first.

    ``exclude`` names people no path may use.  With ``distinct_first_person`` each path
    starts with a different person to ask.  Unknown ids are ignored (they are unreachable).
    """
    if k < 1:
        raise ValidationError("k", "k must be at least 1, got {k}", k=k)
    if not 1 <= max_hops <= MAX_HOPS:
        raise ValidationError(
            "max_hops",
            "max_hops must be between 1 and {limit}, got {value}",
            limit=MAX_HOPS,
            value=max_hops,
        )
    if not 0.0 < hop_penalty <= 1.0:
        raise ValidationError(
            "hop_penalty", "hop_penalty must be in (0, 1], got {value}", value=hop_penalty
        )
    target_idx = graph.indices_of(targets)
    blocked_idx = graph.indices_of(exclude)
    found = _search(
        graph,
        target_idx,
        blocked_idx,
        k=k,
        max_hops=max_hops,
        step=-math.log(hop_penalty),
        distinct=distinct_first_person,
    )
    return [_explain(graph, path, hop_penalty) for path in found]


def _explain(graph: NetworkGraph, path: tuple[int, ...], hop_penalty: float) -> WarmPath:
    hops = []
    for a, b in itertools.pairwise(path):
        edge = graph.edge(a, b)
        assert edge is not None  # the search only walks existing edges
        # float32 weights shown as the decimal they were made from (0.9, not 0.8999999762).
        weight = float(str(np.float32(edge[0])))
        hops.append(Hop(graph.person_of(a), graph.person_of(b), weight, edge[1]))
    return WarmPath(
        score=path_score([h.weight for h in hops], hop_penalty),
        people=tuple(graph.person_of(i) for i in path),
        hops=tuple(hops),
    )


def _costs(weights: npt.NDArray[np.float32], step: float) -> F64:
    return step - np.log(weights.astype(np.float64))


def _mask(n: int, nodes: npt.NDArray[np.int64] | npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    mask[nodes] = True
    return mask


def _members(
    mask: npt.NDArray[np.bool_], hint: npt.NDArray[np.int64] | npt.NDArray[np.int32]
) -> npt.NDArray[np.int64]:
    """The sorted nodes set in ``mask``, all of which appear in ``hint``.

    A scan of the whole mask when ``hint`` is large; sorting ``hint`` when it is small.
    """
    if len(hint) * 32 > len(mask):
        return np.flatnonzero(mask)
    small = np.sort(np.asarray(hint, dtype=np.int64))
    if len(small):
        small = small[np.append(True, small[1:] != small[:-1])]
    return small[mask[small]]


class _Bounds:
    """Admissible lower bounds on the cost from a node to the targets, by hops left."""

    def __init__(
        self,
        graph: NetworkGraph,
        targets: npt.NDArray[np.int64],
        blocked: npt.NDArray[np.int64],
        step: float,
        max_hops: int,
    ) -> None:
        n = graph.node_count
        self.is_target = _mask(n, targets)
        self.blocked = blocked
        closed = np.concatenate([targets, blocked, np.zeros(1, dtype=np.int64)])
        owner, nbr, w = graph.gather(targets)
        del owner
        lb1 = np.full(n, np.inf)
        np.minimum.at(lb1, nbr, _costs(w, step))
        lb1[closed] = np.inf
        self.by_left: dict[int, F64] = {1: lb1}
        if max_hops >= 3:
            middle = _members(_mask(n, nbr) & np.isfinite(lb1), nbr)
            lb2 = lb1.copy()
            if graph.arc_count(middle) <= BACKWARD_ARC_BUDGET:
                owner, nbr2, w2 = graph.gather(middle)
                np.minimum.at(lb2, nbr2, _costs(w2, step) + lb1[middle[owner]])
            elif len(middle):
                with np.errstate(divide="ignore"):
                    best_arc = step - np.log(graph.max_weights.astype(np.float64))
                np.minimum(lb2, best_arc + lb1[middle].min(), out=lb2)
            lb2[closed] = np.inf
            self.by_left[2] = lb2

    def child_bounds(
        self, children: npt.NDArray[np.int32], left: int, graph: NetworkGraph, step: float
    ) -> F64:
        """Bound for each child that will have ``left`` hops left (0 at a target)."""
        if left == 0:
            h = np.full(len(children), np.inf)
        elif left <= 2:
            h = self.by_left[left][children]
        else:  # me's neighbours with three hops left: look one step ahead.
            owner, nbr, w = graph.gather(children)
            ahead = _costs(w, step) + np.where(self.is_target[nbr], 0.0, self.by_left[2][nbr])
            h = self.by_left[2][children].copy()
            np.minimum.at(h, owner, ahead)
            h[np.isin(children, self.blocked)] = np.inf
        return np.where(self.is_target[children], 0.0, h)


def _search(
    graph: NetworkGraph,
    targets: npt.NDArray[np.int64],
    blocked: npt.NDArray[np.int64],
    *,
    k: int,
    max_hops: int,
    step: float,
    distinct: bool,
) -> list[tuple[int, ...]]:
    """Exact k-best simple paths from node 0 to ``targets`` as node-index tuples."""
    n = graph.node_count
    wanted = _mask(n, targets)
    wanted[blocked] = False
    wanted[0] = False
    targets = _members(wanted, targets)
    if not len(targets):
        return []
    bounds = _Bounds(graph, targets, blocked, step, max_hops)
    # Sibling groups: (path so far, children sorted by f, their g, their f).
    groups: list[tuple[tuple[int, ...], npt.NDArray[np.int32], F64, F64]] = []
    heap: list[tuple[float, int, int]] = []

    def expand(path: tuple[int, ...], g: float) -> None:
        children, weights = graph.neighbours(path[-1])
        child_g = g + _costs(weights, step)
        f = child_g + bounds.child_bounds(children, max_hops - len(path), graph, step)
        keep = np.isfinite(f)
        for node in path:
            keep &= children != node
        if not keep.any():
            return
        order = np.argsort(f[keep], kind="stable")
        gid = len(groups)
        groups.append((path, children[keep][order], child_g[keep][order], f[keep][order]))
        heapq.heappush(heap, (float(groups[gid][3][0]), gid, 0))

    expand((0,), 0.0)
    used_first: set[int] = set()
    found: list[tuple[int, ...]] = []
    while heap and len(found) < k:
        _, gid, i = heapq.heappop(heap)
        path, children, child_g, f = groups[gid]
        node = int(children[i])
        first = path[1] if len(path) > 1 else node
        if distinct and first in used_first:
            if len(path) == 1 and i + 1 < len(children):
                heapq.heappush(heap, (float(f[i + 1]), gid, i + 1))
            continue  # deeper siblings share the used first person: drop the whole group
        if i + 1 < len(children):
            heapq.heappush(heap, (float(f[i + 1]), gid, i + 1))
        if bounds.is_target[node]:
            found.append((*path, node))
            used_first.add(first)
        else:
            expand((*path, node), float(child_g[i]))
    return found
