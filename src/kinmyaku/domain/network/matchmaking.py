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

Scale: pairs come from an inverted index (keyword -> who offers it, who needs it), joined
with numpy a batch of people at a time, best bound first: a pair scores at most
``sqrt(c_a * w_a) * sqrt(c_b * w_b)`` (``c`` a person's keyword count), so once the
people left have a bound under the ``limit``-th best score found, no pair among them can
enter (or tie into) the answer and the search stops.  Only pairs sharing a keyword are
looked at, never all ``n * (n - 1) / 2``, and never all of those at once either (at
100,000 people that is over 100 million (giver, taker) rows).
"""

from __future__ import annotations

import re
from array import array
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


BATCH_ROWS = 400_000
"""(giver, taker) rows joined at a time: bounds the memory of a ranking."""


class Keywords:
    """Who offers and who needs each keyword, by position among the people I know."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._key_of: dict[str, str] = {}  # raw word -> matching key (folding is not cheap)
        self._offers = array("q")  # flat (position, keyword id) pairs
        self._needs = array("q")

    def _ids(self, words: Iterable[str]) -> set[int]:
        found = set()
        for word in words:
            key = self._key_of.get(word)
            if key is None:
                key = self._key_of.setdefault(word, normalise_keyword(word))
            if key:
                found.add(self._vocab.setdefault(key, len(self._vocab)))
        return found

    def add(self, position: int, offers: Iterable[str], needs: Iterable[str]) -> None:
        """Record the offer and need keywords of the person at ``position``."""
        for kw in sorted(self._ids(offers)):
            self._offers.extend((position, kw))
        for kw in sorted(self._ids(needs)):
            self._needs.extend((position, kw))

    def arrays(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
        """(position, keyword) rows of offers and of needs, and the vocabulary size."""
        offers = np.frombuffer(self._offers, dtype=np.int64).reshape(-1, 2)
        needs = np.frombuffer(self._needs, dtype=np.int64).reshape(-1, 2)
        return offers, needs, len(self._vocab)


@dataclass(frozen=True)
class RankedPair:
    """A pair of positions among the people I know, ``lo < hi``, with its score and ties."""

    lo: int
    hi: int
    score: float
    tie_lo: float
    tie_hi: float


def find_matches(
    graph: NetworkGraph, profiles: Mapping[int, Profile], *, limit: int = 20
) -> list[Match]:
    """The ``limit`` best unlinked pairs among people I know whose offers meet needs."""
    known, _ = graph.neighbours(0)
    keywords = Keywords()
    for pos, index in enumerate(known.tolist()):
        profile = profiles.get(graph.person_of(index))
        if profile is not None:
            keywords.add(pos, profile.offers, profile.needs)
    return describe_pairs(graph, rank_pairs(graph, keywords, limit=limit), profiles)


def rank_pairs(graph: NetworkGraph, keywords: Keywords, *, limit: int = 20) -> list[RankedPair]:
    """The ``limit`` best unlinked pairs (positions in ``graph.neighbours(0)``), best first.

    Order: score, then the stronger of the two weaker ties, then positions.
    """
    known, ties = graph.neighbours(0)
    offers, needs, vocab_size = keywords.arrays()
    m = len(known)
    if m < 2 or limit < 1 or not len(offers) or not len(needs):
        return []
    tie = ties.astype(np.float64)
    givers = _by_keyword(offers, vocab_size)
    takers = _by_keyword(needs, vocab_size)
    own_offers = _by_position(offers, m)
    own_needs = _by_position(needs, m)
    cap = np.diff(own_offers[0]) + np.diff(own_needs[0])
    bound = cap * tie  # a pair (a, b) scores at most sqrt(bound[a] * bound[b])
    rows = _rows_per_person(offers, needs, givers, takers, m)
    order = np.argsort(-bound, kind="stable")
    order = order[bound[order] > 0]
    linked = np.sort(_linked_pairs(graph, known))
    done = np.zeros(m, dtype=bool)
    kept = _Top(limit)
    start = 0
    while start < len(order):
        if kept.full and bound[order[start]] * (1 + 1e-9) < kept.cut:
            break  # every pair left scores below the limit-th best found
        end = start + max(1, int(np.searchsorted(np.cumsum(rows[order[start:]]), BATCH_ROWS)))
        batch = order[start:end]
        if kept.full:  # people under the cut only meet the answer through someone above it
            batch = batch[bound[batch] * (1 + 1e-9) >= kept.cut]
        lo, hi = _batch_pairs(batch, done, givers, takers, own_offers, own_needs)
        code = np.sort(lo * m + hi)
        if len(code):
            starts = np.flatnonzero(np.append(True, code[1:] != code[:-1]))
            counts = np.diff(np.append(starts, len(code)))
            code = code[starts]
            unlinked = ~_contains(linked, code)
            code, counts = code[unlinked], counts[unlinked]
            lo, hi = code // m, code % m
            wa, wb = tie[lo], tie[hi]
            kept.add(lo, hi, wa, wb, counts * np.sqrt(wa * wb))
        done[batch] = True
        start = end
    return kept.best()


class _Top:
    """The pairs that can still make the top ``limit`` (ties at the cut kept)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        empty_i = np.zeros(0, dtype=np.int64)
        empty_f = np.zeros(0, dtype=np.float64)
        self.lo, self.hi, self.wa, self.wb, self.score = empty_i, empty_i, empty_f, empty_f, empty_f

    @property
    def full(self) -> bool:
        """Whether ``limit`` pairs are held (the cut is then a real bound)."""
        return len(self.score) >= self.limit

    @property
    def cut(self) -> float:
        """The ``limit``-th best score held."""
        return float(np.partition(self.score, len(self.score) - self.limit)[-self.limit])

    def add(
        self,
        lo: npt.NDArray[np.int64],
        hi: npt.NDArray[np.int64],
        wa: npt.NDArray[np.float64],
        wb: npt.NDArray[np.float64],
        score: npt.NDArray[np.float64],
    ) -> None:
        """Take these pairs in, dropping every pair below the new ``limit``-th score."""
        self.lo, self.hi = np.concatenate([self.lo, lo]), np.concatenate([self.hi, hi])
        self.wa, self.wb = np.concatenate([self.wa, wa]), np.concatenate([self.wb, wb])
        self.score = np.concatenate([self.score, score])
        if self.full:
            top = np.flatnonzero(self.score >= self.cut)
            self.lo, self.hi, self.wa, self.wb = (
                self.lo[top], self.hi[top], self.wa[top], self.wb[top]
            )  # fmt: skip
            self.score = self.score[top]

    def best(self) -> list[RankedPair]:
        """The ``limit`` best pairs in order."""
        order = np.lexsort((self.hi, self.lo, -np.minimum(self.wa, self.wb), -self.score))
        found = []
        for i in order[: self.limit].tolist():
            lo, hi, score = int(self.lo[i]), int(self.hi[i]), float(self.score[i])
            found.append(RankedPair(lo, hi, score, float(self.wa[i]), float(self.wb[i])))
        return found


I64 = npt.NDArray[np.int64]


def _by_keyword(rows: I64, vocab_size: int) -> tuple[I64, I64]:
    """CSR of positions per keyword: (start per keyword + end, positions sorted)."""
    order = np.lexsort((rows[:, 0], rows[:, 1]))
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[:, 1], minlength=vocab_size), out=indptr[1:])
    return indptr, rows[order, 0].copy()


def _by_position(rows: I64, m: int) -> tuple[I64, I64]:
    """CSR of keywords per position."""
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[:, 0], minlength=m), out=indptr[1:])
    return indptr, rows[order, 1].copy()


def _rows_per_person(
    offers: I64, needs: I64, givers: tuple[I64, I64], takers: tuple[I64, I64], m: int
) -> I64:
    """How many (giver, taker) rows each person's keywords produce."""
    per_kw_takers = np.diff(takers[0])
    per_kw_givers = np.diff(givers[0])
    out = np.bincount(offers[:, 0], weights=per_kw_takers[offers[:, 1]], minlength=m)
    out += np.bincount(needs[:, 0], weights=per_kw_givers[needs[:, 1]], minlength=m)
    return out.astype(np.int64)


def _expand(owners: I64, keys: I64, csr: tuple[I64, I64]) -> tuple[I64, I64]:
    """(owner, member) for every member of the list of each owner's keyword."""
    indptr, members = csr
    starts, sizes = indptr[keys], indptr[keys + 1] - indptr[keys]
    total = int(sizes.sum())
    offsets = np.cumsum(sizes) - sizes
    at = np.repeat(starts - offsets, sizes) + np.arange(total, dtype=np.int64)
    return np.repeat(owners, sizes), members[at]


def _own(batch: I64, csr: tuple[I64, I64]) -> tuple[I64, I64]:
    """(position, keyword) rows of the people in ``batch``."""
    indptr, keys = csr
    starts, sizes = indptr[batch], indptr[batch + 1] - indptr[batch]
    total = int(sizes.sum())
    offsets = np.cumsum(sizes) - sizes
    at = np.repeat(starts - offsets, sizes) + np.arange(total, dtype=np.int64)
    return np.repeat(batch, sizes), keys[at]


def _batch_pairs(
    batch: I64,
    done: npt.NDArray[np.bool_],
    givers: tuple[I64, I64],
    takers: tuple[I64, I64],
    own_offers: tuple[I64, I64],
    own_needs: tuple[I64, I64],
) -> tuple[I64, I64]:
    """(lo, hi) once per keyword one gives the other, for pairs with someone in ``batch``.

    Pairs with someone of an earlier batch (``done``) were counted then; a pair within the
    batch is counted from its giver's side only.
    """
    in_batch = np.zeros(len(done), dtype=bool)
    in_batch[batch] = True
    giver, taker = _expand(*_own(batch, own_offers), takers)
    keep = ~done[taker] & (giver != taker)
    giver, taker = giver[keep], taker[keep]
    needer, offerer = _expand(*_own(batch, own_needs), givers)
    keep = ~done[offerer] & ~in_batch[offerer]
    giver, taker = np.concatenate([giver, offerer[keep]]), np.concatenate([taker, needer[keep]])
    return np.minimum(giver, taker), np.maximum(giver, taker)


def _contains(sorted_codes: I64, codes: I64) -> npt.NDArray[np.bool_]:
    """Whether each code is in the sorted array."""
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    found: npt.NDArray[np.bool_] = sorted_codes[at] == codes
    return found


def _linked_pairs(graph: NetworkGraph, known: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """Codes ``lo * m + hi`` (positions in ``known``) of pairs already joined by an edge."""
    position = np.full(graph.node_count, -1, dtype=np.int64)
    position[known] = np.arange(len(known))
    owner, neighbour, _ = graph.gather(known)
    other = position[neighbour]
    keep = other > owner
    return owner[keep] * len(known) + other[keep]


def _offer_words(profile: Profile | None) -> dict[str, str]:
    """Matching key -> the person's first spelling of each offer."""
    words: dict[str, str] = {}
    for word in profile.offers if profile else ():
        key = normalise_keyword(word)
        if key:
            words.setdefault(key, word.strip())
    return words


def _need_keys(profile: Profile | None) -> set[str]:
    return {normalise_keyword(w) for w in (profile.needs if profile else ())} - {""}


def _gives(giver: Profile | None, taker: Profile | None) -> tuple[str, ...]:
    offered = _offer_words(giver)
    shared = offered.keys() & _need_keys(taker)
    return tuple(sorted((offered[k] for k in shared), key=lambda w: (fold_text(w), w)))


def describe_pairs(
    graph: NetworkGraph, ranked: Iterable[RankedPair], profiles: Mapping[int, Profile]
) -> list[Match]:
    """Ranked pairs as matches: person ids (``a`` the smaller) and what each gives."""
    known, _ = graph.neighbours(0)
    matches = []
    for pair in ranked:
        a, b = graph.person_of(int(known[pair.lo])), graph.person_of(int(known[pair.hi]))
        ta, tb = pair.tie_lo, pair.tie_hi
        if a > b:
            a, b, ta, tb = b, a, tb, ta  # a is the smaller person id
        pa, pb = profiles.get(a), profiles.get(b)
        matches.append(
            Match(
                a=a,
                b=b,
                a_gives_b=_gives(pa, pb),
                b_gives_a=_gives(pb, pa),
                score=pair.score,
                tie_a=ta,
                tie_b=tb,
            )
        )
    return matches
