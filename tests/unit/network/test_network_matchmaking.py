"""Matchmaking: keyword folding, hand-ranked pairs, and a brute-force oracle."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.network.graph import ME, NetworkGraph
from kinmyaku.domain.network.matchmaking import (
    Profile,
    find_matches,
    normalise_keyword,
    split_keywords,
)

A, B, C, D, E, X = 1, 2, 3, 4, 5, 99


def test_keywords_fold_width_case_and_kana() -> None:
    assert normalise_keyword("ウェブ制作") == normalise_keyword("うぇぶ制作")
    assert normalise_keyword("ｳｪﾌﾞ制作") == normalise_keyword("ウェブ制作")
    assert normalise_keyword("ＷＥＢ") == normalise_keyword("web") == "web"
    assert normalise_keyword("  ") == ""


def test_split_keywords() -> None:
    assert split_keywords("Web制作、資金調達, 採用;英語\n営業 / 法務") == [
        "Web制作",
        "資金調達",
        "採用",
        "英語",
        "営業",
        "法務",
    ]
    assert split_keywords("") == []


def network() -> NetworkGraph:
    return NetworkGraph.from_edges(
        [
            (ME, A, "tie", 80),
            (ME, B, "tie", 60),
            (ME, C, "tie", 90),
            (ME, D, "tie", 40),
            (ME, E, "tie", 100),
            (A, C, "link", None),  # A and C already know each other
            (D, X, "introduced", None),  # X: known only through D
        ]
    )


PROFILES = {
    A: Profile(offers=("ウェブ制作",)),
    B: Profile(needs=("うぇぶ制作",)),
    C: Profile(offers=("採用",), needs=("ｳｪﾌﾞ制作", "資金調達")),
    D: Profile(offers=("資金調達",), needs=("採用",)),
    E: Profile(offers=("英語",)),
    X: Profile(offers=("ウェブ制作", "採用"), needs=("英語",)),
}


def test_pairs_are_ranked_by_overlap_and_both_ties() -> None:
    matches = find_matches(network(), PROFILES)
    # C-D: two keywords (D gives 資金調達, C gives 採用) * sqrt(0.9 * 0.4) = 1.2
    # A-B: one keyword * sqrt(0.8 * 0.6) = 0.693
    # A-C share ウェブ制作 but are linked; X is not someone I know.
    assert [(m.a, m.b) for m in matches] == [(C, D), (A, B)]
    cd, ab = matches
    assert cd.score == pytest.approx(1.2) and cd.overlap == 2
    assert cd.a_gives_b == ("採用",) and cd.b_gives_a == ("資金調達",)
    assert ab.score == pytest.approx(math.sqrt(0.8 * 0.6))
    assert ab.a_gives_b == ("ウェブ制作",) and ab.b_gives_a == ()
    assert (ab.tie_a, ab.tie_b) == pytest.approx((0.8, 0.6))


def test_limit_and_empty_cases() -> None:
    assert [(m.a, m.b) for m in find_matches(network(), PROFILES, limit=1)] == [(C, D)]
    assert find_matches(network(), {}) == []
    assert find_matches(network(), PROFILES, limit=0) == []
    lonely = NetworkGraph.from_edges([(ME, A, "tie", 50)])
    assert find_matches(lonely, PROFILES) == []


def test_equal_scores_prefer_the_stronger_weaker_tie() -> None:
    graph = NetworkGraph.from_edges(
        [
            (ME, 1, "tie", 100),
            (ME, 2, "tie", 25),  # sqrt = 0.5, weaker tie 0.25
            (ME, 3, "tie", 50),
            (ME, 4, "tie", 50),  # sqrt = 0.5, weaker tie 0.5
        ]
    )
    profiles = {
        1: Profile(offers=("x",)),
        2: Profile(needs=("x",)),
        3: Profile(offers=("y",)),
        4: Profile(needs=("y",)),
    }
    assert [(m.a, m.b) for m in find_matches(graph, profiles)] == [(3, 4), (1, 2)]


words = st.sampled_from(["営業", "えいぎょう", "採用", "web", "ＷＥＢ", "英語", "法務", "資金"])


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.integers(1, 9),
        st.tuples(st.lists(words, max_size=3), st.lists(words, max_size=3)),
        max_size=9,
    ),
    st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9)), max_size=8),
    st.lists(st.integers(0, 100), min_size=9, max_size=9),
)
def test_matches_equal_brute_force_over_all_pairs(
    raw: dict[int, tuple[list[str], list[str]]],
    links: list[tuple[int, int]],
    strengths: list[int],
) -> None:
    edges = [(ME, p, "tie", strengths[p - 1]) for p in range(1, 10) if p % 4]  # 4, 8 unknown
    edges += [(a, b, "link", None) for a, b in links]
    graph = NetworkGraph.from_edges(edges)
    profiles = {p: Profile(tuple(o), tuple(n)) for p, (o, n) in raw.items()}
    expected = {}
    for a, b in itertools.combinations(sorted(profiles), 2):
        ia, ib = graph.index_of(a), graph.index_of(b)
        if ia is None or ib is None or graph.edge(0, ia) is None or graph.edge(0, ib) is None:
            continue
        if graph.edge(ia, ib) is not None:
            continue
        fold = lambda ws: {normalise_keyword(w) for w in ws}  # noqa: E731
        overlap = len(fold(profiles[a].offers) & fold(profiles[b].needs)) + len(
            fold(profiles[b].offers) & fold(profiles[a].needs)
        )
        if overlap:
            ta, tb = graph.edge(0, ia)[0], graph.edge(0, ib)[0]
            expected[(a, b)] = overlap * math.sqrt(ta * tb)
    found = find_matches(graph, profiles, limit=100)
    assert {(m.a, m.b): m.score for m in found} == pytest.approx(expected)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


@pytest.mark.parametrize("batch_rows", [1, 7, 10_000])
def test_batched_pruned_ranking_equals_ranking_every_pair(
    monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    """Batches and the stop on the score bound change nothing: same pairs, same order."""
    import random

    from kinmyaku.domain.network import matchmaking

    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(12)]
    edges: list[tuple[int, int, str, float | None]] = [
        (ME, p, "tie", rng.choice([None, 0, 10, 50, 50, 90, 100])) for p in range(1, 81)
    ]
    edges += [(rng.randint(1, 80), rng.randint(1, 80), "link", None) for _ in range(60)]
    graph = NetworkGraph.from_edges(edges)
    profiles = {
        p: Profile(tuple(rng.sample(vocab, rng.randint(0, 4))), tuple(rng.sample(vocab, 3)))
        for p in range(1, 81)
    }
    every = find_matches(graph, profiles, limit=10_000)  # no pruning can apply
    monkeypatch.setattr(matchmaking, "BATCH_ROWS", batch_rows)
    for limit in (1, 5, 20):
        assert find_matches(graph, profiles, limit=limit) == every[:limit]
