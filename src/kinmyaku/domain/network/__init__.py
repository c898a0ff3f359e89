"""The network graph (人脈マップ): warm paths, matchmaking, connectors and clusters.

Pure and in memory: the caller loads people and edges, builds a :class:`NetworkGraph`,
and asks it questions.  Each module's docstring gives its formula and algorithm:
:mod:`.graph` (edge weights), :mod:`.paths` (warm-path score, exact k-best search),
:mod:`.matchmaking` (offer/need pairs), :mod:`.brokers` (betweenness),
:mod:`.clusters` (modularity label propagation).
"""

from kinmyaku.domain.network.brokers import Connector, betweenness, find_connectors
from kinmyaku.domain.network.clusters import Cluster, cluster_labels, find_clusters, modularity
from kinmyaku.domain.network.graph import (
    DEFAULT_WEIGHTS,
    ME,
    Edge,
    EdgeKind,
    NetworkGraph,
    edge_weight,
)
from kinmyaku.domain.network.matchmaking import (
    Match,
    Profile,
    find_matches,
    normalise_keyword,
    split_keywords,
)
from kinmyaku.domain.network.paths import (
    HOP_PENALTY,
    MAX_HOPS,
    Hop,
    WarmPath,
    find_warm_paths,
    path_score,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "HOP_PENALTY",
    "MAX_HOPS",
    "ME",
    "Cluster",
    "Connector",
    "Edge",
    "EdgeKind",
    "Hop",
    "Match",
    "NetworkGraph",
    "Profile",
    "WarmPath",
    "betweenness",
    "cluster_labels",
    "edge_weight",
    "find_clusters",
    "find_connectors",
    "find_matches",
    "find_warm_paths",
    "modularity",
    "normalise_keyword",
    "path_score",
    "split_keywords",
]
