"""Connectors (橋渡し役): the people who bridge otherwise separate parts of my network.

Measure: betweenness centrality — the share of shortest paths between two other people
that run through a person — computed on my network without me (I lie on every path of
my own network).  Paths count hops, not tie strength: whether someone *bridges* is a
question of structure, and hop distances keep the count exact and fast.

Algorithm: Brandes (2001), one breadth-first search per source, each level of the search
one numpy pass over the CSR arrays (no per-edge Python loop).  With ``samples`` sources
drawn at random (Brandes & Pich 2007) the scores are rescaled as networkx 3.6 does; with
``samples=None`` or ``samples >= n`` the result is exact and equals
``networkx.betweenness_centrality(G - me, normalized=True)``.  128 samples rank the top
connectors of a 5,000-person network stably in a couple of hundred milliseconds.

Why not networkx: its sampled betweenness takes about 8 s for 256 sources on the
5,000-person network, Burt's ``constraint`` longer still; this takes a fraction of a second.

Each connector also says how many clusters (:mod:`.clusters`) their neighbours belong to:
a connector whose contacts sit in three clusters can introduce across all three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kinmyaku.domain.network.clusters import cluster_labels
from kinmyaku.domain.network.graph import NetworkGraph

DEFAULT_SAMPLES = 128

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Connector:
    """A person who bridges parts of my network, with the evidence."""

    person_id: int
    betweenness: float
    clusters_reached: int
    degree: int


def betweenness(
    graph: NetworkGraph, *, samples: int | None = DEFAULT_SAMPLES, seed: int = 0
) -> F64:
    """Normalised betweenness of every node index without me (me gets 0)."""
    n = graph.node_count
    people = n - 1
    score = np.zeros(n)
    if people < 3:
        return score
    sources = np.arange(1, n, dtype=np.int64)
    sampled = samples is not None and samples < people
    if sampled:
        sources = np.random.default_rng(seed).choice(sources, samples, replace=False)
    for source in sources.tolist():
        score += _dependencies(graph, source)
    score[0] = 0.0
    pairs = people - 2  # targets other than v and the source, endpoints excluded
    if not sampled:
        return score / ((people - 1) * pairs)
    # As networkx: a sampled source cannot lie on its own paths, so it has k - 1 sources.
    k = len(sources)
    scale = np.full(n, 1.0 / (k * pairs))
    scale[sources] = 1.0 / ((k - 1) * pairs) if k > 1 else 0.0
    scaled: F64 = score * scale
    return scaled


def _dependencies(graph: NetworkGraph, source: int) -> F64:
    """Brandes' dependency of ``source`` on every node, by level-wise BFS, me removed."""
    n = graph.node_count
    dist = np.full(n, -1, dtype=np.int64)
    dist[0] = -2  # me: never entered
    dist[source] = 0
    sigma = np.zeros(n)
    sigma[source] = 1.0
    frontier: I64 = np.array([source], dtype=np.int64)
    levels: list[tuple[I64, I64]] = []
    depth = 0
    while len(frontier):
        owner, neighbour, _ = graph.gather(frontier)
        parent = frontier[owner]
        fresh = dist[neighbour] == -1
        dist[neighbour[fresh]] = depth + 1
        on_dag = dist[neighbour] == depth + 1
        parent, child = parent[on_dag], neighbour[on_dag].astype(np.int64)
        sigma += np.bincount(child, weights=sigma[parent], minlength=n)
        levels.append((parent, child))
        reached = np.zeros(n, dtype=bool)
        reached[child] = True
        frontier = np.flatnonzero(reached)
        depth += 1
    delta = np.zeros(n)
    for parent, child in reversed(levels):
        delta += np.bincount(
            parent, weights=sigma[parent] / sigma[child] * (1.0 + delta[child]), minlength=n
        )
    delta[source] = 0.0
    return delta


def find_connectors(
    graph: NetworkGraph,
    *,
    limit: int = 10,
    samples: int | None = DEFAULT_SAMPLES,
    seed: int = 0,
    labels: I64 | None = None,
) -> list[Connector]:
    """The ``limit`` people with the highest betweenness (me excluded), best first.

    ``labels`` are the :func:`cluster_labels` of the graph when the caller has them already.
    """
    score = betweenness(graph, samples=samples, seed=seed)
    if labels is None:
        labels = cluster_labels(graph, seed=seed)
    sizes = np.bincount(labels[labels >= 0])
    order = np.lexsort((graph.person_ids, -score))
    connectors: list[Connector] = []
    for index in order.tolist():
        if len(connectors) >= limit or score[index] <= 0.0:
            break
        neighbours, _ = graph.neighbours(index)
        reached = {
            int(label) for label in labels[neighbours].tolist() if label >= 0 and sizes[label] >= 2
        }
        connectors.append(
            Connector(
                person_id=graph.person_of(index),
                betweenness=float(score[index]),
                clusters_reached=len(reached),
                degree=len(neighbours) - int(np.count_nonzero(neighbours == 0)),
            )
        )
    return connectors
