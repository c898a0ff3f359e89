"""Benchmark: warm-path queries on a team-scale and a personal network, against networkx.

Run:  .venv/bin/python benchmarks/network.py            (full: 1M people / 10M links)
      .venv/bin/python benchmarks/network.py --quick    (100k people / 1M links, smoke run)

Synthetic networks, built with numpy in seconds:
- people belong to organisations whose sizes are log-normal (median ~30, a long tail up to a
  few thousand); every person has a heavy-tailed (Pareto) activity, so degrees are
  power-law-ish; 60% of links are inside an organisation (colleague or knows), 40% across
  (knows, introduced, met at the same event), both ends drawn by activity (Chung-Lu);
- me (node 0) has ties of rated strength to a few hundred people.

Queries: 200 random targets of each kind — one person, and one organisation of 40-60
people — answered with the 3 best paths of at most 4 hops (:func:`find_warm_paths`).
networkx answers the same queries with its best-path search (bidirectional Dijkstra for a
person, multi-source Dijkstra from the organisation's members) on the same edge costs
``-log(w) - log(0.9)``, and for the personal network also with Yen's 3 best simple paths
(``shortest_simple_paths``).  networkx has no hop limit, so it solves a slightly different
(easier to state, harder to prune) problem; the best paths agree whenever networkx's best
has at most 4 hops, which the script checks and reports.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import networkx as nx
import numpy as np
import numpy.typing as npt

from kinmyaku.domain.network.brokers import betweenness, find_connectors
from kinmyaku.domain.network.clusters import cluster_labels, modularity
from kinmyaku.domain.network.graph import DEFAULT_WEIGHTS, EdgeKind, NetworkGraph
from kinmyaku.domain.network.matchmaking import Profile, find_matches, normalise_keyword
from kinmyaku.domain.network.paths import HOP_PENALTY, find_warm_paths

T = TypeVar("T")
STEP = -math.log(HOP_PENALTY)
KIND_WEIGHTS = np.array([DEFAULT_WEIGHTS[k] for k in EdgeKind], dtype=np.float32)


@dataclass
class Network:
    """A synthetic network with its organisations (contiguous node ranges)."""

    name: str
    graph: NetworkGraph
    org_start: npt.NDArray[np.int64]
    org_size: npt.NDArray[np.int64]


def _organisations(
    rng: np.random.Generator, people: int, median: float, cap: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    drawn = np.clip(rng.lognormal(math.log(median), 1.1, people // 8 + 10), 2, cap)
    sizes: npt.NDArray[np.int64] = drawn.astype(np.int64)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), people)) + 1]
    sizes[-1] -= int(sizes.sum()) - people
    sizes = sizes[sizes > 0]
    starts: npt.NDArray[np.int64] = 1 + np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return starts, sizes


def _draw(
    rng: np.random.Generator, cdf: npt.NDArray[np.float64], count: int
) -> npt.NDArray[np.int64]:
    picked: npt.NDArray[np.int64] = np.searchsorted(cdf, rng.random(count) * cdf[-1]) + 1
    return picked


def build_network(
    name: str,
    people: int,
    links: int,
    my_ties: int,
    seed: int,
    org_median: float = 30.0,
    org_cap: int = 3000,
) -> Network:
    """A clustered, power-law-ish network of ``people`` + me with about ``links`` edges."""
    rng = np.random.default_rng(seed)
    org_start, org_size = _organisations(rng, people, org_median, org_cap)
    org_of = np.repeat(np.arange(len(org_size)), org_size)  # node i+1 -> org
    activity = np.minimum(rng.pareto(1.8, people) + 1.0, 300.0)
    cdf = np.cumsum(activity)
    # Oversample, then keep ``links`` distinct pairs: small organisations repeat pairs often.
    drawn = int(links * 1.15)
    intra = int(drawn * 0.6)
    u = _draw(rng, cdf, drawn)
    v = np.empty(drawn, dtype=np.int64)
    org = org_of[u[:intra] - 1]
    v[:intra] = org_start[org] + (rng.random(intra) * org_size[org]).astype(np.int64)
    v[intra:] = _draw(rng, cdf, drawn - intra)
    kind = np.empty(drawn, dtype=np.int8)
    kind[:intra] = np.where(rng.random(intra) < 0.6, EdgeKind.COLLEAGUE, EdgeKind.LINK)
    kind[intra:] = rng.choice(
        [EdgeKind.LINK, EdgeKind.INTRODUCED, EdgeKind.SAME_EVENT], drawn - intra, p=[0.5, 0.2, 0.3]
    )
    weight = KIND_WEIGHTS[kind]
    rated = (rng.random(drawn) < 0.4) & (kind != EdgeKind.SAME_EVENT)
    weight[rated] = rng.integers(10, 101, int(rated.sum())) / 100.0
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    _, first = np.unique(lo * (people + 1) + hi, return_index=True)
    first = first[lo[first] != hi[first]]
    keep = rng.permutation(first)[:links]
    u, v, kind, weight = u[keep], v[keep], kind[keep], weight[keep]
    friends = np.unique(_draw(rng, cdf, my_ties))
    src = np.concatenate([u, np.zeros(len(friends), dtype=np.int64)])
    dst = np.concatenate([v, friends])
    weight = np.concatenate([weight, rng.integers(20, 101, len(friends)) / 100.0])
    kind = np.concatenate([kind, np.full(len(friends), EdgeKind.TIE, dtype=np.int8)])
    graph = NetworkGraph.from_arrays(people + 1, src, dst, weight.astype(np.float32), kind)
    return Network(name, graph, org_start, org_size)


def to_networkx(graph: NetworkGraph) -> nx.Graph:
    """The same graph for networkx, each edge carrying ``cost = -log(w) - log(0.9)``."""
    rows = np.repeat(np.arange(graph.node_count), np.diff(graph.indptr))
    upper = rows < graph.indices
    cost = STEP - np.log(graph.weights[upper].astype(np.float64))
    g = nx.Graph()
    g.add_nodes_from(range(graph.node_count))
    g.add_weighted_edges_from(
        zip(rows[upper].tolist(), graph.indices[upper].tolist(), cost.tolist(), strict=True),
        weight="cost",
    )
    return g


def pick_queries(net: Network, count: int, seed: int) -> list[tuple[str, list[int]]]:
    """``count`` person targets and ``count`` organisation (40-60 people) targets."""
    rng = np.random.default_rng(seed)
    n = net.graph.node_count
    persons = [("person", [int(t)]) for t in rng.integers(1, n, count)]
    mid = np.flatnonzero((net.org_size >= 40) & (net.org_size <= 60))
    orgs = []
    for o in rng.choice(mid, count):
        start = int(net.org_start[o])
        orgs.append(("organisation", list(range(start, start + int(net.org_size[o])))))
    return persons + orgs


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Wall-clock milliseconds one call takes, and its result; CPU ms go to ``CPU_MS``."""
    c0, t0 = time.process_time(), time.perf_counter()
    result = fn()
    wall = (time.perf_counter() - t0) * 1000.0
    CPU_MS.append((time.process_time() - c0) * 1000.0)
    return wall, result


CPU_MS: list[float] = []  # CPU time of every timed call, in order: immune to a busy machine


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values."""
    return float(np.percentile(values, q))


def nx_best(g: nx.Graph, targets: list[int]) -> tuple[float, int] | None:
    """networkx's best path from me (0) to any target: (cost, hops), None if unreachable."""
    try:
        if len(targets) == 1:
            cost, path = nx.bidirectional_dijkstra(g, 0, targets[0], weight="cost")
        else:
            cost, path = nx.multi_source_dijkstra(g, set(targets), target=0, weight="cost")
    except nx.NetworkXNoPath:
        return None
    return float(cost), len(path) - 1


def nx_yen(g: nx.Graph, targets: list[int], k: int = 3) -> list[list[int]]:
    """networkx's k best simple paths (Yen) from me to one target, no hop limit."""
    try:
        return list(itertools.islice(nx.shortest_simple_paths(g, 0, targets[0], "cost"), k))
    except nx.NetworkXNoPath:
        return []


def machine() -> str:
    """CPU model, cores, memory and library versions of this run."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB RAM; Python "
        f"{platform.python_version()}, numpy {np.__version__}, networkx {nx.__version__}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def rss_gib() -> float:
    """Peak resident memory of this process so far, GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def row(label: str, times: list[float], cpu: list[float]) -> str:
    """One result line: wall-clock and CPU p50 and p95 in milliseconds."""
    return (
        f"  {label:<52} wall p50 {pct(times, 50):8.2f} p95 {pct(times, 95):8.2f} ms | "
        f"CPU p50 {pct(cpu, 50):8.2f} p95 {pct(cpu, 95):8.2f} ms"
    )


def run_ours(
    net: Network, queries: list[tuple[str, list[int]]], k: int = 3
) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """Time find_warm_paths per query kind: wall ms, CPU ms, best score (0 if none)."""
    out: dict[str, tuple[list[float], list[float], list[float]]] = {}
    for _ in range(3):  # warm-up
        find_warm_paths(net.graph, queries[0][1], k=k)
    for kind, targets in queries:
        ms, paths = timed(partial(find_warm_paths, net.graph, targets, k=k))
        times, cpu, best = out.setdefault(kind, ([], [], []))
        times.append(ms)
        cpu.append(CPU_MS[-1])
        best.append(paths[0].score if paths else 0.0)
    return out


def run_networkx(
    g: nx.Graph,
    queries: list[tuple[str, list[int]]],
    ours: dict[str, tuple[list[float], list[float], list[float]]],
    limit: int,
) -> dict[str, tuple[list[float], list[float], int, int]]:
    """Time networkx's best path per query kind (first ``limit`` of each) and check agreement.

    Agreement: when networkx's best path has at most 4 hops, our best score must equal
    ``exp(-cost) / 0.9``; counted as (agreeing, comparable).
    """
    out: dict[str, tuple[list[float], list[float], int, int]] = {}
    seen: dict[str, int] = {}
    for kind, targets in queries:
        i = seen[kind] = seen.get(kind, -1) + 1
        if i >= limit:
            continue
        ms, best = timed(partial(nx_best, g, targets))
        times, cpu, agree, comparable = out.get(kind, ([], [], 0, 0))
        times.append(ms)
        cpu.append(CPU_MS[-1])
        if best is not None and best[1] <= 4:
            comparable += 1
            mine = ours[kind][2][i]
            agree += int(math.isclose(mine, math.exp(-best[0]) / HOP_PENALTY, rel_tol=1e-5))
        out[kind] = (times, cpu, agree, comparable)
    return out


def ratio(theirs: list[float], ours: list[float], q: float) -> str:
    """How many times slower networkx is at the q-th percentile."""
    return f"{pct(theirs, q) / pct(ours, q):6.1f} x"


def compare(
    label: str, net: Network, queries: list[tuple[str, list[int]]], nx_limit: int, yen: int = 0
) -> list[str]:
    """Our timings and networkx's on the same graph and queries; returns report lines."""
    lines = [
        f"{label}: {net.graph.node_count - 1:,} people, {net.graph.edge_count:,} links, "
        f"my ties {net.graph.degree(0):,}"
    ]
    ours = run_ours(net, queries)
    t0 = time.perf_counter()
    g = to_networkx(net.graph)
    lines.append(
        f"  networkx graph built in {time.perf_counter() - t0:.1f} s "
        f"(peak RSS so far {rss_gib():.1f} GiB)"
    )
    theirs = run_networkx(g, queries, ours, nx_limit)
    for kind in ("person", "organisation"):
        times, cpu, best = ours[kind]
        found = sum(1 for b in best if b > 0)
        lines.append(
            row(f"kinmyaku 3 best <=4 hops, {kind} ({found}/{len(best)} reached)", times, cpu)
        )
        nx_times, nx_cpu, agree, comparable = theirs[kind]
        lines.append(row(f"networkx best path, {kind} ({len(nx_times)} queries)", nx_times, nx_cpu))
        lines.append(
            f"  {'ratio networkx / kinmyaku':<52} wall p50 {ratio(nx_times, times, 50)} "
            f"p95 {ratio(nx_times, times, 95)} | CPU p50 {ratio(nx_cpu, cpu, 50)} "
            f"p95 {ratio(nx_cpu, cpu, 95)}"
        )
        lines.append(f"  best path agrees {agree}/{comparable} where networkx's has <=4 hops")
    if yen:
        persons = [t for kind, t in queries if kind == "person"][:yen]
        yen_times, yen_cpu = [], []
        for targets in persons:
            yen_times.append(timed(partial(nx_yen, g, targets))[0])
            yen_cpu.append(CPU_MS[-1])
        lines.append(row(f"networkx Yen 3 best simple paths, person ({yen})", yen_times, yen_cpu))
        lines.append(
            f"  {'ratio networkx Yen / kinmyaku':<52} wall p50 "
            f"{ratio(yen_times, ours['person'][0], 50)} | CPU p50 "
            f"{ratio(yen_cpu, ours['person'][1], 50)}"
        )
    return lines


def personal_extras(net: Network) -> list[str]:
    """Matchmaking, clusters and connectors on the personal network, against baselines."""
    graph = net.graph
    rng = np.random.default_rng(7)
    vocab = [f"スキル{i}" for i in range(400)]
    popularity = 1.0 / np.arange(1, 401)
    popularity /= popularity.sum()

    def words(count: int) -> tuple[str, ...]:
        picked = rng.choice(400, count, p=popularity)
        # Half the keywords typed in hiragana: they must still meet their katakana twins.
        return tuple(
            vocab[i] if rng.random() < 0.5 else vocab[i].replace("スキル", "すきる") for i in picked
        )

    profiles = {
        graph.person_of(i): Profile(words(int(rng.integers(0, 5))), words(int(rng.integers(0, 4))))
        for i in range(1, graph.node_count)
    }
    lines = ["Personal network: matchmaking, clusters, connectors (CPU ms, medians)"]
    runs = [timed(lambda: find_matches(graph, profiles, limit=20)) for _ in range(5)]
    ms = statistics.median(CPU_MS[-5:])
    _, naive = timed(lambda: naive_matches(graph, profiles))
    naive_ms = CPU_MS[-1]
    top = runs[0][1][0]
    lines.append(
        f"  matchmaking, {graph.degree(0):,} people I know: {ms:.1f} ms; naive all-pairs "
        f"{naive_ms:.0f} ms ({naive_ms / ms:.0f} x); {naive:,} candidate pairs; "
        f"best pair overlap {top.overlap}, score {top.score:.2f}"
    )
    runs_c = [timed(partial(cluster_labels, graph, seed=s)) for s in range(5)]
    ms_c = statistics.median(CPU_MS[-5:])
    ours_q = statistics.median(modularity(graph, r[1]) for r in runs_c)
    g = to_networkx(graph)
    g.remove_node(0)
    for _, _, data in g.edges(data=True):
        data["weight"] = math.exp(-data["cost"]) * HOP_PENALTY
    _, comms = timed(lambda: nx.community.louvain_communities(g, weight="weight", seed=1))
    ms_l = CPU_MS[-1]
    nx_q = nx.community.modularity(g, comms, weight="weight")
    lines.append(
        f"  clusters (LPAm+): {ms_c:.0f} ms, modularity {ours_q:.3f}; networkx louvain "
        f"{ms_l:.0f} ms, modularity {nx_q:.3f} ({ms_l / ms_c:.1f} x)"
    )
    for _ in range(3):
        timed(lambda: betweenness(graph, samples=128))
    ms_b = statistics.median(CPU_MS[-3:])
    timed(lambda: nx.betweenness_centrality(g, k=128, seed=1))
    ms_nb = CPU_MS[-1]
    for _ in range(3):
        timed(lambda: find_connectors(graph))
    ms_f = statistics.median(CPU_MS[-3:])
    lines.append(
        f"  betweenness, 128 sampled sources: {ms_b:.0f} ms; networkx {ms_nb:.0f} ms "
        f"({ms_nb / ms_b:.1f} x); find_connectors with clusters {ms_f:.0f} ms"
    )
    return lines


def naive_matches(graph: NetworkGraph, profiles: dict[int, Profile]) -> int:
    """Baseline: every pair of people I know, sets intersected in Python; pair count."""
    known = [graph.person_of(i) for i in graph.neighbours(0)[0].tolist()]
    folded = {
        p: (
            {normalise_keyword(w) for w in profiles[p].offers},
            {normalise_keyword(w) for w in profiles[p].needs},
        )
        for p in known
    }
    count = 0
    for a, b in itertools.combinations(known, 2):
        if (folded[a][0] & folded[b][1]) or (folded[b][0] & folded[a][1]):
            count += 1
    return count


def main() -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k-person team network")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    started = time.perf_counter()
    report: list[str] = []

    personal = build_network("personal", 5_000, 40_000, 1_500, seed=1)
    report += compare(
        "Personal network",
        personal,
        pick_queries(personal, args.queries, 2),
        nx_limit=args.queries,
        yen=50,
    )
    report += personal_extras(personal)
    print("\n".join(report))

    people, links = (100_000, 1_000_000) if args.quick else (1_000_000, 10_000_000)
    t0 = time.perf_counter()
    team = build_network("team", people, links, 300, seed=3)
    lines = [
        f"Team network built with numpy in {time.perf_counter() - t0:.1f} s "
        f"(peak RSS {rss_gib():.1f} GiB)"
    ]
    queries = pick_queries(team, args.queries, 4)
    ours = run_ours(team, queries)
    lines.append(
        f"Team network: {team.graph.node_count - 1:,} people, "
        f"{team.graph.edge_count:,} links, my ties {team.graph.degree(0):,}"
    )
    for kind in ("person", "organisation"):
        times, cpu, best = ours[kind]
        found = sum(1 for b in best if b > 0)
        lines.append(
            row(f"kinmyaku 3 best <=4 hops, {kind} ({found}/{len(best)} reached)", times, cpu)
        )
    print("\n".join(lines))
    report += lines
    del team, ours
    gc.collect()
    if not args.quick:
        # networkx needs ~1 KB per edge: 10M edges would not fit in the 8 GB budget.
        mid = build_network("team-100k", 100_000, 1_000_000, 300, seed=3)
        lines = compare(
            "networkx comparison on a 100k-person team network",
            mid,
            pick_queries(mid, args.queries, 4),
            nx_limit=50,
        )
        print("\n".join(lines))
    print(f"Total {time.perf_counter() - started:.0f} s, peak RSS {rss_gib():.1f} GiB")


if __name__ == "__main__":
    main()
