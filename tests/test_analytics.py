"""Analytics: pure functions on small hand-built graphs, and the projection loaded from Neo4j."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from graph import analytics
from graph.analytics import (
    build_graph,
    centrality,
    communities,
    hop_cost,
    k_paths,
    load_projection,
    resolve_node,
)
from graph.errors import QueryError
from graph.settings import Settings
from tests.seed_graph import node_id


def graph(edges: list[tuple[str, str, str, int]]) -> nx.MultiDiGraph:
    names = sorted({e[0] for e in edges} | {e[1] for e in edges})
    nodes = [{"id": n, "name": n.upper(), "kind": "Agency"} for n in names]
    rows = [{"source": a, "target": b, "type": t, "evidence_count": c} for a, b, t, c in edges]
    return build_graph(nodes, rows)


def two_triangles() -> nx.MultiDiGraph:
    """Two dense triangles joined through a single broker node `m`."""
    return graph(
        [
            ("a", "b", "COOPERATES_WITH", 3),
            ("b", "c", "COOPERATES_WITH", 3),
            ("c", "a", "COOPERATES_WITH", 3),
            ("x", "y", "COOPERATES_WITH", 3),
            ("y", "z", "COOPERATES_WITH", 3),
            ("z", "x", "COOPERATES_WITH", 3),
            ("c", "m", "MEMBER_OF", 1),
            ("m", "x", "MEMBER_OF", 1),
        ]
    )


def test_centrality_puts_the_broker_first() -> None:
    rows = centrality(two_triangles())
    assert [r["id"] for r in rows[:3]] == ["m", "c", "x"]
    assert rows[0]["name"] == "M" and rows[0]["degree"] == 2
    assert rows[-1]["betweenness"] == 0.0
    assert centrality(nx.MultiDiGraph()) == []


def test_parallel_facts_do_not_inflate_degree() -> None:
    g = graph([("a", "b", "INVESTIGATES", 1), ("a", "b", "SEIZED", 1), ("b", "a", "LEADS", 1)])
    assert {r["id"]: r["degree"] for r in centrality(g)} == {"a": 1, "b": 1}


def test_communities_split_at_the_broker() -> None:
    found = communities(two_triangles())
    as_sets = [set(c) for c in found]
    assert {"a", "b"} <= as_sets[0] or {"a", "b"} <= as_sets[1]
    assert not any({"a", "y"} <= c for c in as_sets)
    assert sorted(n for c in found for n in c) == sorted("abcmxyz")
    assert communities(two_triangles()) == found  # fixed seed: deterministic


def test_k_paths_prefer_better_evidence() -> None:
    g = graph(
        [
            ("s", "t", "COOPERATES_WITH", 1),  # direct, but one weak mention: cost 1
            ("s", "u", "COOPERATES_WITH", 10),  # two hops, strongly evidenced: cost 0.2
            ("u", "t", "COOPERATES_WITH", 10),
        ]
    )
    paths = k_paths(g, "S", "t", k=5)
    assert [p["ids"] for p in paths] == [["s", "u", "t"], ["s", "t"]]
    assert paths[0]["cost"] == pytest.approx(0.2) and paths[0]["evidence_count"] == 20
    assert paths[1]["types"] == [["COOPERATES_WITH"]]
    assert len(k_paths(g, "s", "t", k=1)) == 1
    assert hop_cost(1) == 1.0 and hop_cost(4) == 0.25 and hop_cost(0) == 1.0


def test_k_paths_errors_and_no_path() -> None:
    g = graph([("a", "b", "LEADS", 1), ("c", "d", "LEADS", 1)])
    assert k_paths(g, "a", "d") == []
    with pytest.raises(QueryError, match="not in the projection"):
        k_paths(g, "a", "nobody")
    with pytest.raises(QueryError, match="same entity"):
        k_paths(g, "a", "A")
    with pytest.raises(QueryError, match="at least 1"):
        k_paths(g, "a", "b", k=0)


def test_resolve_node_by_iso() -> None:
    g = build_graph([{"id": "j1", "name": "South Korea", "kind": "Jurisdiction", "iso": "KR"}], [])
    assert resolve_node(g, "kr") == resolve_node(g, "south korea") == "j1"


@pytest.mark.neo4j
def test_projection_of_the_whole_graph_and_a_neighbourhood(seeded: Any, settings: Settings) -> None:
    db = settings.neo4j_database
    whole = load_projection(seeded, db)
    telegram = node_id("Telegram", "Platform")
    assert whole.nodes[telegram] == {
        "id": telegram,
        "name": "Telegram",
        "kind": "Platform",
    }
    founded = [d for _u, _v, d in whole.in_edges(telegram, data=True) if d["type"] == "FOUNDED"]
    assert len(founded) == 1 and founded[0]["evidence_count"] == 1 and founded[0]["key"]
    assert not any(d["type"] in ("MENTIONS", "REPORTED_IN") for *_e, d in whole.edges(data=True))
    near = load_projection(seeded, db, ["Woo Jong-soo"], depth=1)
    assert {d["name"] for _n, d in near.nodes(data=True)} == {
        "Woo Jong-soo",
        "National Office of Investigation",
    }
    assert load_projection(seeded, db, ["Durov"], depth=0).number_of_edges() == 0
    # From Korea to France through the projection: police cooperate with French enforcement.
    paths = k_paths(whole, "KR", "FR", k=3)
    assert ["South Korea", "South Korean police", "French law enforcement", "France"] in [
        p["names"] for p in paths
    ]
    assert centrality(whole)[0]["betweenness"] > 0
    with pytest.raises(QueryError, match="no entity named"):
        load_projection(seeded, db, ["Atlantis"])


def test_betweenness_samples_fewer_sources_on_a_big_graph() -> None:
    """Each source is a walk over every fact: the sample shrinks as the graph grows, so that
    the whole graph's brokers take seconds, never fewer than MIN_SAMPLE sources."""
    assert analytics.sample_size(0, 300) == 300
    assert analytics.sample_size(10_000, 300) == 300
    assert analytics.sample_size(100_000, 300) == analytics.EDGE_VISITS // 100_000 == 40
    assert analytics.sample_size(381_104, 300) == analytics.MIN_SAMPLE
    assert analytics.sample_size(10**8, 300) == analytics.MIN_SAMPLE
