"""Connectors and clusters: known bridges and groups, and networkx as the oracle."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.network.brokers import betweenness, find_connectors
from kinmyaku.domain.network.clusters import (
    cluster_labels,
    find_clusters,
    modularity,
)
from kinmyaku.domain.network.graph import ME, NetworkGraph

LEFT = [1, 2, 3, 4, 5]
RIGHT = [6, 7, 8, 9, 10]
BRIDGE = 11


def two_circles() -> NetworkGraph:
    """Two groups of friends that only meet through BRIDGE; I know everyone."""
    edges = [(ME, p, "tie", 60) for p in [*LEFT, *RIGHT, BRIDGE]]
    for group in (LEFT, RIGHT):
        edges += [(a, b, "link", 70) for a, b in itertools.combinations(group, 2)]
    edges += [(BRIDGE, 1, "link", 50), (BRIDGE, 6, "link", 50)]
    return NetworkGraph.from_edges(edges)


def test_the_bridge_is_the_top_connector_and_reaches_both_clusters() -> None:
    connectors = find_connectors(two_circles(), samples=None, limit=3)
    assert [c.person_id for c in connectors] == [BRIDGE, 1, 6]
    top = connectors[0]
    # BRIDGE lies on all 25 shortest paths between the circles: 25 / (10 * 9 / 2) pairs.
    assert top.betweenness == pytest.approx(25 / 45)
    assert top.clusters_reached == 2 and top.degree == 2


def test_clusters_are_the_two_circles() -> None:
    clusters = find_clusters(two_circles())
    members = sorted(set(c.members) for c in clusters)
    assert [m - {BRIDGE} for m in members] == [set(LEFT), set(RIGHT)]
    assert sum(c.size for c in clusters) == 11  # everyone but me, in some cluster


def test_people_only_i_know_form_no_cluster() -> None:
    graph = NetworkGraph.from_edges([(ME, p, "tie", 50) for p in range(1, 6)])
    assert find_clusters(graph) == []
    assert find_connectors(graph) == []


def random_graph(seed: int, people: int, p: float) -> NetworkGraph:
    rng = np.random.default_rng(seed)
    edges = [
        (ME, i, "tie", int(rng.integers(1, 101)))
        for i in range(1, people + 1)
        if rng.random() < 0.5
    ]
    edges += [
        (a, b, "link", int(rng.integers(1, 101)))
        for a, b in itertools.combinations(range(1, people + 1), 2)
        if rng.random() < p
    ]
    return NetworkGraph.from_edges(edges)


def networkx_without_me(graph: NetworkGraph) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(graph.person_of(i) for i in range(1, graph.node_count))
    for a in range(1, graph.node_count):
        neighbours, weights = graph.neighbours(a)
        for b, w in zip(neighbours.tolist(), weights.tolist(), strict=True):
            if b > a:
                g.add_edge(graph.person_of(a), graph.person_of(b), weight=w)
    return g


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(4, 25), st.floats(0.05, 0.5))
def test_exact_betweenness_equals_networkx(seed: int, people: int, p: float) -> None:
    graph = random_graph(seed, people, p)
    ours = betweenness(graph, samples=None)
    theirs = nx.betweenness_centrality(networkx_without_me(graph), normalized=True)
    for index in range(1, graph.node_count):
        assert ours[index] == pytest.approx(theirs[graph.person_of(index)], abs=1e-12)
    assert ours[0] == 0.0


def test_sampled_betweenness_is_unbiased_enough_to_rank_the_top() -> None:
    graph = random_graph(7, 300, 0.02)
    exact = betweenness(graph, samples=None)
    sampled = betweenness(graph, samples=100, seed=3)
    top_exact = set(np.argsort(-exact)[:5].tolist())
    top_sampled = set(np.argsort(-sampled)[:10].tolist())
    assert top_exact <= top_sampled
    assert sampled.sum() == pytest.approx(exact.sum(), rel=0.2)


def test_modularity_equals_networkx() -> None:
    graph = random_graph(3, 60, 0.1)
    labels = cluster_labels(graph, seed=1)
    groups: dict[int, set[int]] = {}
    for index in range(1, graph.node_count):
        groups.setdefault(int(labels[index]), set()).add(graph.person_of(index))
    theirs = nx.community.modularity(networkx_without_me(graph), groups.values())
    assert modularity(graph, labels) == pytest.approx(theirs)


def test_planted_groups_are_recovered_about_as_well_as_louvain() -> None:
    rng = np.random.default_rng(11)
    groups = [list(range(1 + 25 * g, 26 + 25 * g)) for g in range(4)]
    edges = [(ME, p, "tie", 50) for p in range(1, 101, 3)]
    for a, b in itertools.combinations(range(1, 101), 2):
        same = (a - 1) // 25 == (b - 1) // 25
        if rng.random() < (0.3 if same else 0.01):
            edges.append((a, b, "link", int(rng.integers(30, 100))))
    graph = NetworkGraph.from_edges(edges)
    found = {frozenset(c.members) for c in find_clusters(graph, seed=2)}
    assert found == {frozenset(g) for g in groups}
    louvain = nx.community.louvain_communities(networkx_without_me(graph), seed=1)
    ours = modularity(graph, cluster_labels(graph, seed=2))
    assert ours >= 0.95 * nx.community.modularity(networkx_without_me(graph), louvain)
    assert math.isfinite(ours)
