"""The compact graph: weights from kind and strength, CSR layout, merging, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.network.graph import (
    DEFAULT_WEIGHTS,
    ME,
    Edge,
    EdgeKind,
    NetworkGraph,
    edge_weight,
)


def test_weight_is_strength_over_100_else_the_kind_default() -> None:
    assert edge_weight("tie", 80) == 0.8
    assert edge_weight(EdgeKind.LINK, 100) == 1.0
    assert edge_weight("colleague", None) == DEFAULT_WEIGHTS[EdgeKind.COLLEAGUE] == 0.3
    assert edge_weight("same_event", None) == 0.1
    assert edge_weight("introduced", None) == 0.6
    # Strength 0 keeps the edge at the floor weight rather than a zero probability.
    assert edge_weight("tie", 0) == 0.01


@pytest.mark.parametrize("strength", [-1, 100.5, float("nan")])
def test_strength_out_of_range_is_a_validation_error(strength: float) -> None:
    with pytest.raises(ValidationError) as info:
        edge_weight("tie", strength)
    assert info.value.field == "strength"
    assert "between 0 and 100" in str(info.value)


def test_bad_edge_names_its_number_and_people() -> None:
    edges = [(ME, 1, "tie", 50), (1, 2, "friendship", None)]
    with pytest.raises(ValidationError) as info:
        NetworkGraph.from_edges(edges)
    message = str(info.value)
    assert "edge 2 (1-2)" in message
    assert "friendship" in message and "same_event" in message
    assert info.value.field == "kind"


def test_csr_is_symmetric_sorted_and_maps_ids() -> None:
    graph = NetworkGraph.from_edges(
        [
            Edge(10, 20, "link", 40),
            Edge(ME, 20, "tie", 90),
            Edge(ME, 10, EdgeKind.TIE, None),
        ]
    )
    assert graph.node_count == 3 and graph.edge_count == 3
    assert graph.index_of(ME) == 0 and graph.me == ME
    ten, twenty = graph.index_of(10), graph.index_of(20)
    assert ten is not None and twenty is not None
    assert graph.index_of(99) is None
    for a in range(3):
        neighbours, weights = graph.neighbours(a)
        assert list(neighbours) == sorted(neighbours)
        for b, w in zip(neighbours.tolist(), weights.tolist(), strict=True):
            back = graph.edge(b, a)
            assert back is not None and back[0] == w
    assert graph.edge(0, twenty) == (pytest.approx(0.9), EdgeKind.TIE)
    assert graph.edge(0, ten) == (0.5, EdgeKind.TIE)
    assert graph.indices_of([20, 99, 10]).tolist() == [twenty, ten]


def test_parallel_edges_keep_the_strongest_and_its_kind() -> None:
    graph = NetworkGraph.from_edges(
        [
            (ME, 1, "tie", 70),
            (1, 2, "colleague", None),  # 0.3
            (2, 1, "link", 70),  # 0.7 wins
            (1, 2, "same_event", None),
            (2, 2, "link", 50),  # self-loop: dropped
        ]
    )
    one, two = graph.index_of(1), graph.index_of(2)
    assert one is not None and two is not None
    assert graph.edge_count == 2
    assert graph.edge(one, two) == (pytest.approx(0.7), EdgeKind.LINK)
    assert graph.edge(two, one) == (pytest.approx(0.7), EdgeKind.LINK)
    assert graph.edge(two, two) is None


def test_equal_weights_pick_the_same_kind_in_both_directions() -> None:
    graph = NetworkGraph.from_edges([(1, 2, "colleague", 50), (2, 1, "link", 50)])
    one, two = graph.index_of(1), graph.index_of(2)
    assert one is not None and two is not None
    assert graph.edge(one, two) == graph.edge(two, one) == (0.5, EdgeKind.LINK)


def test_from_arrays_validates_and_uses_indices_as_ids() -> None:
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        NetworkGraph.from_arrays(3, [0], [1], [0.0], [0])
    with pytest.raises(ValueError, match=r"0\.\.2"):
        NetworkGraph.from_arrays(3, [0], [3], [0.5], [0])
    graph = NetworkGraph.from_arrays(4, [0, 1], [1, 3], [0.5, 0.25], [0, 2])
    assert graph.index_of(3) == 3 and graph.person_of(3) == 3
    assert graph.indices_of([3, 7, -1]).tolist() == [3]
    assert graph.max_weights.tolist() == [0.5, 0.5, 0.0, 0.25]
    assert graph.degree(2) == 0


edge_lists = st.lists(
    st.tuples(
        st.integers(0, 7),
        st.integers(0, 7),
        st.sampled_from(list(EdgeKind)),
        st.one_of(st.none(), st.integers(0, 100)),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(edge_lists)
def test_graph_holds_the_strongest_edge_of_every_pair(edges: list[Edge]) -> None:
    graph = NetworkGraph.from_edges(edges)
    strongest: dict[frozenset[int], float] = {}
    for a, b, kind, strength in edges:
        if a != b:
            pair = frozenset((a, b))
            strongest[pair] = max(strongest.get(pair, 0.0), edge_weight(kind, strength))
    assert graph.edge_count == len(strongest)
    for pair, weight in strongest.items():
        a, b = (graph.index_of(p) for p in pair)
        assert a is not None and b is not None
        found = graph.edge(a, b)
        assert found is not None
        assert found[0] == np.float32(weight)
        assert found == graph.edge(b, a)
    assert np.all(np.diff(graph.indptr) >= 0)
