"""Graph analytics on a networkx projection of the casegraph: brokers, communities, paths.

`load_projection` is the only function that touches Neo4j; everything else is a pure function
of a `nx.MultiDiGraph` whose nodes are entity ids with `id`, `name`, `kind` attributes and whose
edges carry `type`, `key` and `evidence_count`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import networkx as nx

from graph import ontology
from graph.errors import QueryError
from ingest.records import normalize_name

# Betweenness is O(n·m); above this many nodes it is estimated from a fixed-seed sample.
EXACT_BETWEENNESS_MAX = 2000
# Each sampled source is one breadth-first walk over every fact: on a big graph fewer sources,
# so that the estimate costs about EDGE_VISITS edge visits, never fewer than MIN_SAMPLE (300
# sources over the 381,000 facts of the 1M-relationship benchmark graph took 139 s; 10 took
# 10 s on the 2-core VM).
EDGE_VISITS = 4_000_000
MIN_SAMPLE = 10


def sample_size(facts: int, most: int) -> int:
    """Betweenness sources for a graph of `facts` edges: `most`, fewer on a big graph."""
    return max(MIN_SAMPLE, min(most, EDGE_VISITS // max(1, facts)))


SEED = 42

_NAMED = """
UNWIND $names AS raw
CALL (raw) {
  OPTIONAL MATCH (x:Entity {norm: raw.norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper(raw.name)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  CALL (exact, raw) {
    WITH exact WHERE size(exact) = 0
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [toLower(raw.name), raw.norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS found
}
UNWIND found AS e
RETURN DISTINCT e.id AS id
"""
# Entity-to-entity relationships only: MENTIONS and REPORTED_IN end at Articles.
_EDGES_ALL = """
MATCH (a:Entity)-[r:!MENTIONS&!REPORTED_IN]->(b:Entity)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.key AS key,
       coalesce(r.evidence_count, size(r.articles), 1) AS evidence_count
"""
# Distinct nodes within the bound (a pruning breadth-first expansion), then the edges among them.
_NEAR_IDS = """
UNWIND $ids AS id
MATCH (s:Entity {id: id})-[:%s*0..%d]-(n:Entity)
RETURN DISTINCT n.id AS id
"""
_EDGES_AMONG = """
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r:!MENTIONS&!REPORTED_IN]->(b:Entity)
WHERE b.id IN $ids
RETURN a.id AS source, b.id AS target, type(r) AS type, r.key AS key,
       coalesce(r.evidence_count, size(r.articles), 1) AS evidence_count
"""
_NODES = """
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e.id AS id, e.name AS name, e.kind AS kind, e.iso AS iso
"""
_NODES_ALL = "MATCH (e:Entity) RETURN e.id AS id, e.name AS name, e.kind AS kind, e.iso AS iso"


def _read(driver: Any, database: str, query: str, **params: Any) -> list[dict[str, Any]]:
    from graph.readonly import execute_read

    # No row cap: a projection needs every edge (at 1M relationships, a few hundred MB).
    return execute_read(
        driver, database, query, params, row_limit=10**9, timeout=600.0, byte_limit=None
    ).rows


def load_projection(
    driver: Any, database: str, names: Sequence[str] | None = None, depth: int = 2
) -> nx.MultiDiGraph:
    """The whole entity graph, or the neighbourhood of `names` within `depth` hops."""
    if not 0 <= depth <= 4:
        raise QueryError(f"depth must be between 0 and 4, got {depth}")
    if not names:
        edges = _read(driver, database, _EDGES_ALL)
        nodes = _read(driver, database, _NODES_ALL)
    else:
        near = neighbourhood_ids(driver, database, names, depth)
        edges = _read(driver, database, _EDGES_AMONG, ids=near)
        nodes = _read(driver, database, _NODES, ids=near)
    return build_graph(nodes, edges)


def neighbourhood_ids(driver: Any, database: str, names: Sequence[str], depth: int) -> list[str]:
    """Ids of the entities named (name, alias or ISO code) and of those within `depth` hops."""
    if not 0 <= depth <= 4:
        raise QueryError(f"depth must be between 0 and 4, got {depth}")
    wanted = [{"name": n, "norm": normalize_name(n)} for n in names]
    ids = [r["id"] for r in _read(driver, database, _NAMED, names=wanted)]
    if not ids:
        raise QueryError(f"no entity named {', '.join(names)}: check the spelling or an alias")
    # The bound is a validated int and the types come from the ontology: Cypher cannot take
    # either as a parameter.
    types = "|".join(ontology.check_relationship(t) for t in ontology.GRAPH_RELATIONSHIPS)
    query = _NEAR_IDS % (types, int(depth))
    return sorted(r["id"] for r in _read(driver, database, query, ids=ids))


def build_graph(
    nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]]
) -> nx.MultiDiGraph:
    """A projection from node rows (id, name, kind) and edge rows (source, target, type, ...)."""
    g = nx.MultiDiGraph()
    for n in nodes:
        g.add_node(
            n["id"],
            id=n["id"],
            name=n.get("name") or n["id"],
            kind=n.get("kind") or "",
            **({"iso": n["iso"]} if n.get("iso") else {}),
        )
    for e in edges:
        key = e.get("key") or f"{e['type']}:{e['source']}:{e['target']}"
        g.add_edge(
            e["source"],
            e["target"],
            key,
            type=e["type"],
            evidence_count=int(e.get("evidence_count") or 1),
        )
        g.edges[e["source"], e["target"], key]["key"] = key  # also an attribute, for exports
    return g


def _simple(g: nx.MultiDiGraph) -> nx.Graph:
    """Undirected simple graph; parallel facts merge, keeping the best-supported one's weight."""
    h = nx.Graph()
    h.add_nodes_from(g.nodes(data=True))
    for u, v, data in g.edges(data=True):
        if u == v:
            continue
        evidence = data.get("evidence_count", 1)
        if h.has_edge(u, v):
            h[u][v]["types"].add(data["type"])
            h[u][v]["evidence_count"] = max(h[u][v]["evidence_count"], evidence)
        else:
            h.add_edge(u, v, types={data["type"]}, evidence_count=evidence)
    for _u, _v, data in h.edges(data=True):
        data["cost"] = hop_cost(data["evidence_count"])
    return h


def hop_cost(evidence_count: int) -> float:
    """The cost of one hop: 1 for a single piece of evidence, less the more evidence there is."""
    return 1.0 / max(1, evidence_count)


def restrict(
    g: nx.MultiDiGraph,
    kinds: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    min_evidence: int = 1,
) -> nx.MultiDiGraph:
    """The projection with only the nodes of `kinds` and the facts of `types` stated at least
    `min_evidence` times (None: every kind or type). Nodes left without a fact stay."""
    keep = [n for n, d in g.nodes(data=True) if kinds is None or d.get("kind") in kinds]
    h = nx.MultiDiGraph()
    h.add_nodes_from((n, g.nodes[n]) for n in keep)
    h.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in g.edges(keys=True, data=True)
        if u in h and v in h
        and (types is None or d.get("type") in types)
        and d.get("evidence_count", 1) >= min_evidence
    )  # fmt: skip
    return h


def community_rows(g: nx.MultiDiGraph, top: int = 8) -> list[dict[str, Any]]:
    """Each community of more than one entity: its size, the kinds in it, and its `top`
    best-connected members (most facts first), largest community first."""
    degree = dict(_simple(g).degree())
    rows = []
    for number, members in enumerate(c for c in communities(g) if len(c) > 1):
        ranked = sorted(members, key=lambda n: (-degree.get(n, 0), str(g.nodes[n].get("name"))))
        kinds = Counter(g.nodes[n].get("kind", "") for n in members)
        rows.append(
            {
                "community": number + 1,
                "size": len(members),
                "kinds": ", ".join(f"{k} {c}" for k, c in kinds.most_common()),
                "members": [g.nodes[n].get("name", n) for n in ranked[:top]],
                "ids": ranked,
            }
        )
    return rows


def centrality(g: nx.MultiDiGraph, sample: int = EXACT_BETWEENNESS_MAX) -> list[dict[str, Any]]:
    """Degree and betweenness of every node, brokers (high betweenness) first; betweenness is
    estimated from `sample` source nodes (fixed seed) when the graph has more nodes."""
    h = _simple(g)
    if h.number_of_nodes() == 0:
        return []
    degree = nx.degree_centrality(h) if h.number_of_nodes() > 1 else dict.fromkeys(h, 0.0)
    k = None if h.number_of_nodes() <= sample else sample
    between = nx.betweenness_centrality(h, k=k, seed=SEED)
    rows = [
        {
            "id": n,
            "name": h.nodes[n].get("name", n),
            "kind": h.nodes[n].get("kind", ""),
            "degree": h.degree(n),
            "degree_centrality": round(degree[n], 6),
            "betweenness": round(between[n], 6),
        }
        for n in h.nodes
    ]
    rows.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["name"], r["id"]))
    return rows


def communities(g: nx.MultiDiGraph) -> list[list[str]]:
    """Communities (Louvain, fixed seed) as lists of node ids, largest first; isolates alone."""
    h = _simple(g)
    if h.number_of_nodes() == 0:
        return []
    for _u, _v, data in h.edges(data=True):
        data["weight"] = data["evidence_count"]
    found = nx.community.louvain_communities(h, weight="weight", seed=SEED)
    out = [sorted(c) for c in found]
    out.sort(key=lambda c: (-len(c), c))
    return out


def resolve_node(g: nx.MultiDiGraph, name: str) -> str:
    """The node id for an id, a name (case-insensitive, normalized) or a jurisdiction's ISO code."""
    if name in g:
        return name
    norm = normalize_name(name)
    hits = sorted(
        n
        for n, data in g.nodes(data=True)
        if normalize_name(str(data.get("name", ""))) == norm
        or str(data.get("iso") or "").upper() == name.upper()
    )
    if not hits:
        raise QueryError(f"{name!r} is not in the projection: check the name or load a larger one")
    return hits[0]


def k_paths(g: nx.MultiDiGraph, source: str, target: str, k: int = 5) -> list[dict[str, Any]]:
    """The k cheapest simple paths from source to target, where better-evidenced hops cost less.

    `source` and `target` are node ids or names. Each path: node ids and names, the types of the
    facts on each hop, its cost and its total evidence.
    """
    if k < 1:
        raise QueryError(f"k must be at least 1, got {k}")
    h = _simple(g)
    a, b = resolve_node(g, source), resolve_node(g, target)
    if a == b:
        raise QueryError("source and target are the same entity: pick two different ones")
    try:
        paths = list(itertools.islice(nx.shortest_simple_paths(h, a, b, weight="cost"), k))
    except nx.NetworkXNoPath:
        return []
    out = []
    for path in paths:
        hops = [h[u][v] for u, v in itertools.pairwise(path)]
        out.append(
            {
                "ids": path,
                "names": [h.nodes[n].get("name", n) for n in path],
                "types": [sorted(hop["types"]) for hop in hops],
                "hops": len(hops),
                "cost": round(sum(hop["cost"] for hop in hops), 6),
                "evidence_count": sum(hop["evidence_count"] for hop in hops),
            }
        )
    return out
