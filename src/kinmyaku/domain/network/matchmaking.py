"""Matchmaking (引き合わせ): pairs of people I know where one can give what the other needs.

A pair ``(a, b)`` of people with an edge to me qualifies when some of ``a``'s offers are
among ``b``'s needs (or the other way round) and ``a`` and ``b`` are not yet connected by
any edge.  Keywords match after :func:`kinmyaku.domain.names.fold_text` (NFKC, lower case,
hiragana to katakana, variant kanji, separators removed): ``ウェブ制作``, ``うぇぶ制作`` and
``ｳｪﾌﾞ 制作`` are one keyword.

Ranking::

    score = matched keywords (both directions) * sqrt(w_a * w_b)

where ``w_a``, ``w_b`` are my tie probabilities to each (I make the introduction, so both
must trust me; the geometric mean keeps one weak tie from hiding behind a strong one).
Ties break on the weaker of my two ties, then on person ids.

Scale: pairs come from an inverted index (keyword -> who offers it, who needs it), built
and joined with numpy; only pairs sharing a keyword are ever looked at, never all
``n * (n - 1) / 2``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kinmyaku.domain.names import fold_text
from kinmyaku.domain.network.graph import NetworkGraph

_KEYWORD_SPLIT = re.compile(r"[,、，;；\n/／|]+")


def normalise_keyword(text: str) -> str:
    """The matching key of a keyword: NFKC, lower case, katakana, no separators."""
    return fold_text(text.strip())


def split_keywords(text: str) -> list[str]:
    """Keywords of a free-text offers/needs field, split on commas, 、, ; / and new lines."""
    return [part.strip() for part in _KEYWORD_SPLIT.split(text) if part.strip()]


@dataclass(frozen=True)
class Profile:
    """What a person can give (offers) and is looking for (needs), as keywords."""

    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, offers: str, needs: str) -> Profile:
        """A profile from the free-text ``offers`` and ``needs`` fields of a person."""
        return cls(tuple(split_keywords(offers)), tuple(split_keywords(needs)))


@dataclass(frozen=True)
class Match:
    """Two people to introduce (``a`` the smaller id), what each can give the other, and why."""

    a: int
    b: int
    a_gives_b: tuple[str, ...]
    b_gives_a: tuple[str, ...]
    score: float
    tie_a: float
    tie_b: float

    @property
    def overlap(self) -> int:
        """How many keywords match, both directions together."""
        return len(self.a_gives_b) + len(self.b_gives_a)


def find_matches(
    graph: NetworkGraph, profiles: Mapping[int, Profile], *, limit: int = 20
) -> list[Match]:
    """The ``limit`` best unlinked pairs among people I know whose offers meet needs."""
    known, ties = graph.neighbours(0)
    if len(known) < 2 or limit < 1:
        return []
    vocab: dict[str, int] = {}
    spelling: dict[tuple[int, int], str] = {}  # (person position, keyword) -> offer wording
    offers: list[tuple[int, int]] = []
    needs: list[tuple[int, int]] = []
    for pos, index in enumerate(known.tolist()):
        profile = profiles.get(graph.person_of(index))
        if profile is None:
            continue
        for word in profile.offers:
            key = normalise_keyword(word)
            if key:
                kw = vocab.setdefault(key, len(vocab))
                spelling.setdefault((pos, kw), word.strip())
                offers.append((pos, kw))
        for word in profile.needs:
            key = normalise_keyword(word)
            if key:
                needs.append((pos, vocab.setdefault(key, len(vocab))))
    giver, taker = _pairs_sharing_a_keyword(set(offers), set(needs), len(vocab))
    if not len(giver):
        return []
    m = len(known)
    lo, hi = np.minimum(giver, taker), np.maximum(giver, taker)
    code = np.sort(lo * m + hi)
    starts = np.flatnonzero(np.append(True, code[1:] != code[:-1]))
    counts = np.diff(np.append(starts, len(code)))
    code = code[starts]
    unlinked = ~np.isin(code, _linked_pairs(graph, known))
    code, counts = code[unlinked], counts[unlinked]
    lo, hi = code // m, code % m
    wa, wb = ties[lo].astype(np.float64), ties[hi].astype(np.float64)
    score = counts * np.sqrt(wa * wb)
    if len(score) > limit:  # rank only the pairs that can make the top ``limit``
        cut = np.partition(score, len(score) - limit)[len(score) - limit]
        top = np.flatnonzero(score >= cut)
        lo, hi, wa, wb, score = lo[top], hi[top], wa[top], wb[top], score[top]
    order = np.lexsort((hi, lo, -np.minimum(wa, wb), -score))[:limit]
    index = _keyword_index(offers, needs)
    matches = []
    for i in order.tolist():
        pa, pb = int(lo[i]), int(hi[i])
        ta, tb = float(wa[i]), float(wb[i])
        if graph.person_of(int(known[pa])) > graph.person_of(int(known[pb])):
            pa, pb, ta, tb = pb, pa, tb, ta  # a is the smaller person id
        matches.append(
            Match(
                a=graph.person_of(int(known[pa])),
                b=graph.person_of(int(known[pb])),
                a_gives_b=_gives(index, spelling, pa, pb),
                b_gives_a=_gives(index, spelling, pb, pa),
                score=float(score[i]),
                tie_a=ta,
                tie_b=tb,
            )
        )
    return matches


def _pairs_sharing_a_keyword(
    offers: set[tuple[int, int]], needs: set[tuple[int, int]], vocab_size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every (giver, taker) position pair, once per keyword the giver offers and taker needs."""
    empty = np.zeros(0, dtype=np.int64)
    if not offers or not needs:
        return empty, empty
    op, ok = np.array(sorted(offers, key=lambda e: (e[1], e[0])), dtype=np.int64).T
    np_, nk = np.array(sorted(needs, key=lambda e: (e[1], e[0])), dtype=np.int64).T
    need_count = np.bincount(nk, minlength=vocab_size)
    need_start = np.concatenate([[0], np.cumsum(need_count)[:-1]])
    reps = need_count[ok]
    total = int(reps.sum())
    giver = np.repeat(op, reps)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
    taker = np_[np.repeat(need_start[ok], reps) + within]
    keep = giver != taker
    return giver[keep], taker[keep]


def _linked_pairs(graph: NetworkGraph, known: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """Codes ``lo * m + hi`` (positions in ``known``) of pairs already joined by an edge."""
    position = np.full(graph.node_count, -1, dtype=np.int64)
    position[known] = np.arange(len(known))
    owner, neighbour, _ = graph.gather(known)
    other = position[neighbour]
    keep = other > owner
    return owner[keep] * len(known) + other[keep]


def _keyword_index(
    offers: Iterable[tuple[int, int]], needs: Iterable[tuple[int, int]]
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    gives: dict[int, set[int]] = {}
    wants: dict[int, set[int]] = {}
    for pos, kw in offers:
        gives.setdefault(pos, set()).add(kw)
    for pos, kw in needs:
        wants.setdefault(pos, set()).add(kw)
    return gives, wants


def _gives(
    index: tuple[dict[int, set[int]], dict[int, set[int]]],
    spelling: dict[tuple[int, int], str],
    giver: int,
    taker: int,
) -> tuple[str, ...]:
    shared = index[0].get(giver, set()) & index[1].get(taker, set())
    return tuple(sorted((spelling[(giver, kw)] for kw in shared), key=lambda w: (fold_text(w), w)))
