"""An immutable, compact graph of my network (人脈): CSR arrays over numpy.

Nodes are people (plus "me", always node 0); person ids are mapped to dense ``int32``
indices ``0..n-1``.  Every connection is stored in both directions (the graph is
undirected: an introducer knows the person they introduced, and a request can travel
either way), as compressed sparse rows: the neighbours of node ``i`` are
``indices[indptr[i]:indptr[i + 1]]`` (sorted), with parallel ``weights`` (``float32``) and
``kinds`` (``int8``).

Edge weight: the probability that a warm request passes along the edge, in ``(0, 1]``:

- a known strength (0-100) gives ``max(strength, 1) / 100``: strength 0 still keeps the
  edge, at the floor weight 0.01;
- an unknown strength gives the default of the edge's kind (:data:`DEFAULT_WEIGHTS`):

  ============  ======  ====================================================================
  kind          weight  why
  ============  ======  ====================================================================
  tie           0.50    me to someone I have met, strength not rated: an average tie
  introduced    0.60    an introducer vouched for the person: they know each other well
  link          0.40    two people I know know each other (knows / introduced by me)
  colleague     0.30    same organisation: they can reach each other, not always warmly
  same_event    0.10    met at the same event: a weak, easily forgotten contact
  ============  ======  ====================================================================

When the same pair is joined several times (a colleague who is also a link), the strongest
edge wins and keeps its kind.  Self-loops are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from kinmyaku.domain.errors import ValidationError

ME = 0
"""The default id of "me": person ids in the database start at 1."""

MIN_WEIGHT = 0.01

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]


class EdgeKind(IntEnum):
    """How two nodes are connected; the value is stored as ``int8``."""

    TIE = 0
    INTRODUCED = 1
    LINK = 2
    COLLEAGUE = 3
    SAME_EVENT = 4

    @property
    def label(self) -> str:
        """The kind's name as written in data and JSON (``tie``, ``same_event`` ...)."""
        return self.name.lower()


DEFAULT_WEIGHTS: dict[EdgeKind, float] = {
    EdgeKind.TIE: 0.50,
    EdgeKind.INTRODUCED: 0.60,
    EdgeKind.LINK: 0.40,
    EdgeKind.COLLEAGUE: 0.30,
    EdgeKind.SAME_EVENT: 0.10,
}


class Edge(NamedTuple):
    """One connection: ``a`` and ``b`` are person ids (or ``ME``); strength 0-100 or None."""

    a: int
    b: int
    kind: EdgeKind | str
    strength: float | None = None


def parse_kind(kind: EdgeKind | str) -> EdgeKind:
    """The :class:`EdgeKind` named by ``kind`` (``"tie"``, ``"colleague"`` ...)."""
    if isinstance(kind, EdgeKind):
        return kind
    try:
        return EdgeKind[str(kind).strip().upper()]
    except KeyError:
        raise ValidationError(
            "kind",
            "unknown edge kind '{kind}': use one of {choices}",
            kind=kind,
            choices=", ".join(k.label for k in EdgeKind),
        ) from None


def edge_weight(kind: EdgeKind | str, strength: float | None) -> float:
    """The tie probability of an edge: ``strength / 100`` if known, else the kind's default."""
    parsed = parse_kind(kind)
    if strength is None:
        return DEFAULT_WEIGHTS[parsed]
    value = float(strength)
    if not 0.0 <= value <= 100.0:  # also rejects NaN
        raise ValidationError(
            "strength", "strength must be between 0 and 100, got {value}", value=strength
        )
    return max(value / 100.0, MIN_WEIGHT)


@dataclass(frozen=True, eq=False)
class NetworkGraph:
    """My network as CSR arrays; build it with :meth:`from_edges` or :meth:`from_arrays`."""

    indptr: npt.NDArray[np.int64]
    indices: IntArray
    weights: FloatArray
    kinds: npt.NDArray[np.int8]
    person_ids: npt.NDArray[np.int64]
    _index: dict[int, int] = field(repr=False, compare=False)

    @property
    def node_count(self) -> int:
        """Number of nodes, me included."""
        return len(self.indptr) - 1

    @property
    def edge_count(self) -> int:
        """Number of undirected edges."""
        return len(self.indices) // 2

    @property
    def me(self) -> int:
        """The person id of me (node 0)."""
        return int(self.person_ids[0])

    def index_of(self, person_id: int) -> int | None:
        """The node index of a person id, or None when the person is not in the graph."""
        if self._index:
            return self._index.get(person_id)
        n = self.node_count
        return person_id if 0 <= person_id < n else None

    def indices_of(self, person_ids: Iterable[int]) -> npt.NDArray[np.int64]:
        """The node indices of the given person ids, skipping ids not in the graph."""
        ids = np.fromiter(person_ids, dtype=np.int64)
        if not self._index:
            return ids[(ids >= 0) & (ids < self.node_count)]
        order = self._id_order
        pos = np.searchsorted(self.person_ids, ids, sorter=order)
        pos = np.minimum(pos, self.node_count - 1)
        found: npt.NDArray[np.int64] = order[pos]
        present: npt.NDArray[np.int64] = found[self.person_ids[found] == ids]
        return present

    @cached_property
    def _id_order(self) -> npt.NDArray[np.int64]:
        return np.argsort(self.person_ids, kind="stable")

    def person_of(self, index: int) -> int:
        """The person id of a node index."""
        return int(self.person_ids[index])

    def neighbours(self, index: int) -> tuple[IntArray, FloatArray]:
        """Neighbour indices and edge weights of a node (views, do not modify)."""
        lo, hi = int(self.indptr[index]), int(self.indptr[index + 1])
        return self.indices[lo:hi], self.weights[lo:hi]

    def gather(
        self, rows: npt.NDArray[np.int64] | IntArray
    ) -> tuple[npt.NDArray[np.int64], IntArray, FloatArray]:
        """All arcs leaving ``rows`` at once: (position in ``rows``, neighbour, weight)."""
        starts = self.indptr[rows]
        lens = self.indptr[np.asarray(rows, dtype=np.int64) + 1] - starts
        total = int(lens.sum())
        offsets = np.cumsum(lens) - lens
        pos = np.repeat(starts - offsets, lens) + np.arange(total, dtype=np.int64)
        owner = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
        return owner, self.indices[pos], self.weights[pos]

    def arc_count(self, rows: npt.NDArray[np.int64] | IntArray) -> int:
        """How many arcs leave ``rows`` (the work :meth:`gather` would do)."""
        rows64 = np.asarray(rows, dtype=np.int64)
        return int((self.indptr[rows64 + 1] - self.indptr[rows64]).sum())

    @cached_property
    def max_weights(self) -> FloatArray:
        """The strongest edge weight of every node (0 for a node without edges)."""
        out = np.zeros(self.node_count, dtype=np.float32)
        starts = self.indptr[:-1]
        nonempty = self.indptr[1:] > starts
        if nonempty.any():
            out[nonempty] = np.maximum.reduceat(self.weights, starts[nonempty])
        return out

    def degree(self, index: int) -> int:
        """Number of neighbours of a node."""
        return int(self.indptr[index + 1] - self.indptr[index])

    def edge(self, a: int, b: int) -> tuple[float, EdgeKind] | None:
        """Weight and kind of the edge between node indices ``a`` and ``b``, if any."""
        lo, hi = int(self.indptr[a]), int(self.indptr[a + 1])
        pos = lo + int(np.searchsorted(self.indices[lo:hi], b))
        if pos < hi and int(self.indices[pos]) == b:
            return float(self.weights[pos]), EdgeKind(int(self.kinds[pos]))
        return None

    @classmethod
    def from_edges(
        cls, edges: Iterable[Edge | tuple[int, int, str, float | None]], *, me: int = ME
    ) -> NetworkGraph:
        """Build the graph from ``(a, b, kind, strength)`` edges; ``me`` becomes node 0."""
        index: dict[int, int] = {me: 0}
        src: list[int] = []
        dst: list[int] = []
        weights: list[float] = []
        kinds: list[int] = []
        for number, raw in enumerate(edges, start=1):
            edge = Edge(*raw)
            try:
                kind = parse_kind(edge.kind)
                weight = edge_weight(kind, edge.strength)
            except ValidationError as exc:
                raise ValidationError(
                    exc.field,
                    "edge {number} ({a}-{b}): {problem}",
                    number=number,
                    a=edge.a,
                    b=edge.b,
                    problem=str(exc),
                ) from None
            src.append(index.setdefault(edge.a, len(index)))
            dst.append(index.setdefault(edge.b, len(index)))
            weights.append(weight)
            kinds.append(int(kind))
        person_ids = np.fromiter(index.keys(), dtype=np.int64, count=len(index))
        return cls.from_arrays(
            len(index),
            np.asarray(src, dtype=np.int64),
            np.asarray(dst, dtype=np.int64),
            np.asarray(weights, dtype=np.float32),
            np.asarray(kinds, dtype=np.int8),
            person_ids=person_ids,
        )

    @classmethod
    def from_arrays(
        cls,
        node_count: int,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        weights: npt.ArrayLike,
        kinds: npt.ArrayLike,
        *,
        person_ids: Sequence[int] | npt.NDArray[np.int64] | None = None,
    ) -> NetworkGraph:
        """Build from edge arrays over node indices (node 0 is me); ids default to indices."""
        s = np.asarray(src, dtype=np.int64)
        d = np.asarray(dst, dtype=np.int64)
        w = np.asarray(weights, dtype=np.float32)
        k = np.asarray(kinds, dtype=np.int8)
        if not (len(s) == len(d) == len(w) == len(k)):
            raise ValueError("src, dst, weights and kinds must have the same length")
        if len(s) and (min(s.min(), d.min()) < 0 or max(s.max(), d.max()) >= node_count):
            raise ValueError(f"node indices must lie in 0..{node_count - 1}")
        if len(w) and not (np.all(w > 0) and np.all(w <= 1)):
            raise ValueError("edge weights must lie in (0, 1]")
        keep = s != d
        s, d, w, k = s[keep], d[keep], w[keep], k[keep]
        indptr, indices, cw, ck = _to_csr(node_count, s, d, w, k)
        if person_ids is None:
            return cls(indptr, indices, cw, ck, np.arange(node_count, dtype=np.int64), {})
        ids = np.asarray(person_ids, dtype=np.int64)
        index = {pid: i for i, pid in enumerate(ids.tolist())}
        if len(ids) != node_count or len(index) != node_count:
            raise ValueError("person_ids must hold one distinct id per node")
        return cls(indptr, indices, cw, ck, ids, index)


def _to_csr(
    n: int,
    s: npt.NDArray[np.int64],
    d: npt.NDArray[np.int64],
    w: FloatArray,
    k: npt.NDArray[np.int8],
) -> tuple[npt.NDArray[np.int64], IntArray, FloatArray, npt.NDArray[np.int8]]:
    """Both directions, sorted by (row, column), parallel arcs merged keeping the max weight.

    Of the arcs holding a pair's maximum weight, the smallest kind represents it, so that
    both directions of a pair agree.  One sort by (pair, -weight, kind) and the first arc of
    each pair: a few arrays of the arc count, no per-group bookkeeping.
    """
    code = np.concatenate([s, d])
    code *= n
    code[: len(s)] += d
    code[len(s) :] += s
    ww = np.concatenate([w, w])
    kk = np.concatenate([k, k])
    order = np.lexsort((kk, -ww, code))
    code = code[order]
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    pick = order[first]
    del order
    code, ww, kk = code[first], ww[pick], kk[pick]
    del pick, first
    rows = code // n
    indices = (code - rows * n).astype(np.int32)
    counts = np.bincount(rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, indices, ww, kk
