"""Warm paths: hand-checked rankings, limits and exclusions, and a brute-force oracle."""

from __future__ import annotations

import itertools
import math
from unittest.mock import patch

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kinmyaku.domain.network.paths as paths_module
from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.network.graph import ME, EdgeKind, NetworkGraph, edge_weight
from kinmyaku.domain.network.paths import HOP_PENALTY, find_warm_paths, path_score

A, B, C, T, FAR = 1, 2, 3, 4, 9

# me -0.8- A -0.4- C -0.6- T,  me -0.5- B -0.9- C,  A -0.1- T
SMALL = NetworkGraph.from_edges(
    [
        (ME, A, "tie", 80),
        (ME, B, "tie", 50),
        (A, C, "link", None),  # 0.4
        (B, C, "colleague", 90),
        (C, T, "introduced", None),  # 0.6
        (A, T, "same_event", None),  # 0.1
    ]
)


def people(paths: list) -> list[tuple[int, ...]]:
    return [p.people for p in paths]


def test_best_paths_are_ranked_by_the_product_with_a_hop_penalty() -> None:
    paths = find_warm_paths(SMALL, [T], k=10)
    assert people(paths) == [
        (ME, B, C, T),  # 0.5 * 0.9 * 0.6 * 0.9^2 = 0.2187
        (ME, A, C, T),  # 0.8 * 0.4 * 0.6 * 0.9^2 = 0.15552
        (ME, A, T),  # 0.8 * 0.1 * 0.9 = 0.072
        (ME, B, C, A, T),  # 0.5 * 0.9 * 0.4 * 0.1 * 0.9^3 = 0.013122
    ]
    assert [p.score for p in paths] == pytest.approx([0.2187, 0.15552, 0.072, 0.013122])
    best = paths[0]
    assert best.first_to_ask == B and best.target == T
    assert [(h.from_id, h.to_id, h.weight, h.kind) for h in best.hops] == [
        (ME, B, 0.5, EdgeKind.TIE),
        (B, C, 0.9, EdgeKind.COLLEAGUE),
        (C, T, 0.6, EdgeKind.INTRODUCED),
    ]


def test_k_limits_the_answer_to_the_best_ones() -> None:
    assert people(find_warm_paths(SMALL, [T], k=2)) == [(ME, B, C, T), (ME, A, C, T)]


def test_hop_limit() -> None:
    assert people(find_warm_paths(SMALL, [T], k=10, max_hops=3)) == [
        (ME, B, C, T),
        (ME, A, C, T),
        (ME, A, T),
    ]
    assert people(find_warm_paths(SMALL, [T], k=10, max_hops=2)) == [(ME, A, T)]
    assert find_warm_paths(SMALL, [T], max_hops=1) == []


def test_a_chain_longer_than_four_hops_is_not_a_warm_path() -> None:
    chain = NetworkGraph.from_edges(
        [(ME, 1, "tie", 90)] + [(i, i + 1, "link", 90) for i in range(1, 5)]
    )
    assert people(find_warm_paths(chain, [4])) == [(ME, 1, 2, 3, 4)]
    assert find_warm_paths(chain, [5]) == []


def test_excluded_people_are_never_used() -> None:
    assert people(find_warm_paths(SMALL, [T], k=10, exclude=[C])) == [(ME, A, T)]
    assert people(find_warm_paths(SMALL, [T], k=10, exclude=[A])) == [(ME, B, C, T)]
    assert find_warm_paths(SMALL, [T], exclude=[T]) == []


def test_distinct_first_person() -> None:
    paths = find_warm_paths(SMALL, [T], k=10, distinct_first_person=True)
    assert people(paths) == [(ME, B, C, T), (ME, A, C, T)]


def test_a_multi_person_target_ends_paths_at_the_first_member() -> None:
    # C and T both work at the target organisation: no path runs through C on to T.
    paths = find_warm_paths(SMALL, [C, T], k=10)
    assert people(paths) == [(ME, B, C), (ME, A, C), (ME, A, T)]
    assert [p.score for p in paths] == pytest.approx([0.405, 0.288, 0.072])


def test_direct_tie_names_the_target_as_first_to_ask() -> None:
    (path,) = find_warm_paths(SMALL, [A], k=1)
    assert path.people == (ME, A) and path.first_to_ask == A and path.score == 0.8


def test_unreachable_unknown_and_me_targets_give_nothing() -> None:
    graph = NetworkGraph.from_edges([(ME, 1, "tie", 50), (FAR, 10, "link", 50)])
    assert find_warm_paths(graph, [FAR]) == []
    assert find_warm_paths(graph, [12345]) == []
    assert find_warm_paths(graph, [ME]) == []
    assert find_warm_paths(graph, []) == []


def test_hop_penalty_of_one_ranks_by_the_bare_product() -> None:
    paths = find_warm_paths(SMALL, [T], k=1, hop_penalty=1.0)
    assert paths[0].people == (ME, B, C, T) and paths[0].score == pytest.approx(0.27)


@pytest.mark.parametrize(
    ("option", "value"), [("k", 0), ("max_hops", 5), ("max_hops", 0), ("hop_penalty", 0.0)]
)
def test_bad_options_are_validation_errors(option: str, value: float) -> None:
    with pytest.raises(ValidationError) as info:
        find_warm_paths(SMALL, [T], **{option: value})
    assert info.value.field == option


def test_path_score_formula() -> None:
    assert path_score([0.8]) == 0.8
    assert path_score([0.5, 0.5, 0.5]) == pytest.approx(0.125 * HOP_PENALTY**2)


# --- Property: the search agrees with brute force over networkx's simple paths. ---

small_graphs = st.lists(
    st.tuples(
        st.integers(0, 8),
        st.integers(0, 8),
        st.sampled_from([k.label for k in EdgeKind]),
        st.one_of(st.none(), st.integers(1, 100)),
    ),
    min_size=1,
    max_size=28,
)


def brute_force_paths(
    edges: list, targets: set[int], exclude: set[int]
) -> list[tuple[float, list[int]]]:
    g = nx.Graph()
    for a, b, kind, strength in edges:
        if a != b:
            w = edge_weight(kind, strength)
            if not g.has_edge(a, b) or g[a][b]["w"] < w:
                g.add_edge(a, b, w=w)
    scores = []
    for target in targets - exclude - {ME}:
        if ME not in g or target not in g:
            continue
        for path in nx.all_simple_paths(g, ME, target, cutoff=4):
            inner = set(path[1:-1])
            if inner & (targets | exclude):
                continue
            weights = [g[a][b]["w"] for a, b in itertools.pairwise(path)]
            scores.append((path_score(weights), path))
    return sorted(scores, key=lambda sp: -sp[0])


@settings(max_examples=300, deadline=None)
@given(
    small_graphs,
    st.sets(st.integers(1, 8), min_size=1, max_size=3),
    st.sets(st.integers(1, 8), max_size=2),
    st.integers(1, 6),
)
def test_k_best_equals_brute_force(
    edges: list, targets: set[int], exclude: set[int], k: int
) -> None:
    graph = NetworkGraph.from_edges(edges)
    found = find_warm_paths(graph, targets, k=k, exclude=exclude)
    expected = [score for score, _ in brute_force_paths(edges, targets, exclude)][:k]
    assert [p.score for p in found] == pytest.approx(expected, rel=1e-6)
    seen = set()
    for path in found:
        assert path.people not in seen
        seen.add(path.people)
        assert path.people[0] == ME and path.target in targets
        assert len(set(path.people)) == len(path.people) <= 5
        assert not set(path.people) & exclude
        assert not set(path.people[1:-1]) & targets
        # The score is the product formula recomputed from the explained hops.
        weights = [h.weight for h in path.hops]
        assert path.score == pytest.approx(math.prod(weights) * HOP_PENALTY ** (len(weights) - 1))
        for hop in path.hops:
            a, b = graph.index_of(hop.from_id), graph.index_of(hop.to_id)
            assert a is not None and b is not None and graph.edge(a, b) is not None


@settings(max_examples=150, deadline=None)
@given(small_graphs, st.sets(st.integers(1, 8), min_size=1, max_size=3), st.integers(1, 4))
def test_distinct_first_person_is_the_best_path_per_first_person(
    edges: list, targets: set[int], k: int
) -> None:
    graph = NetworkGraph.from_edges(edges)
    found = find_warm_paths(graph, targets, k=k, distinct_first_person=True)
    best_per_first: dict[int, float] = {}
    for score, path in brute_force_paths(edges, targets, set()):
        best_per_first.setdefault(path[1], score)
    expected = sorted(best_per_first.values(), reverse=True)[:k]
    assert [p.score for p in found] == pytest.approx(expected, rel=1e-6)
    assert len({p.first_to_ask for p in found}) == len(found)


@settings(max_examples=150, deadline=None)
@given(small_graphs, st.sets(st.integers(1, 8), min_size=1, max_size=4), st.integers(1, 4))
def test_weak_backward_bound_for_huge_targets_is_still_exact(
    edges: list, targets: set[int], k: int
) -> None:
    graph = NetworkGraph.from_edges(edges)
    exact = find_warm_paths(graph, targets, k=k)
    # A zero budget forces the fallback bound meant for targets of tens of thousands.
    with patch.object(paths_module, "BACKWARD_ARC_BUDGET", 0):
        weak = find_warm_paths(graph, targets, k=k)
    assert [p.score for p in weak] == pytest.approx([p.score for p in exact], rel=1e-6)
