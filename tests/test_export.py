"""Exports: GraphML for Gephi, canonical JSON, CSV directories; whole graph, neighbourhood, query."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.errors import QueryError
from graph.export import export_graph, to_networkx
from graph.queries import get_query
from graph.settings import Settings
from graph.store import Store
from tests.seed_graph import SEED_ARTICLE, extractions


def test_to_networkx_flattens_lists_and_drops_nulls() -> None:
    nodes = [
        {"id": "a", "kind": "Person", "name": "A", "labels": ["Entity", "Person"],
         "properties": {"aliases": ["x", "y"], "iso": None}},
        {"id": "b", "kind": "Platform", "name": "B", "labels": ["Entity", "Platform"],
         "properties": {}},
    ]  # fmt: skip
    edges = [{"type": "FOUNDED", "source": "a", "target": "b", "key": "k1",
              "properties": {"articles": ["p", "q"], "evidence_count": 2, "status": None}}]  # fmt: skip
    g = to_networkx(nodes, edges)
    assert g.nodes["a"] == {
        "aliases": "x; y",
        "kind": "Person",
        "name": "A",
        "labels": "Entity; Person",
    }
    assert g.edges["a", "b", "k1"] == {"articles": "p; q", "evidence_count": 2, "type": "FOUNDED"}


@pytest.mark.neo4j
def test_graphml_carries_kinds_and_types_for_gephi(
    seeded: Any, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "graph.graphml"
    summary = export_graph(seeded, settings.neo4j_database, "graphml", out)
    g = nx.read_graphml(out, force_multigraph=True)
    assert summary.files == [out] and g.number_of_nodes() == summary.nodes
    kinds = {d["kind"] for _n, d in g.nodes(data=True)}
    assert kinds >= {"Person", "Agency", "Platform", "Jurisdiction", "Offense", "Case", "Article"}
    types = {d["type"] for *_e, d in g.edges(data=True)}
    assert types >= {"FOUNDED", "COOPERATES_WITH", "TARGETS", "MENTIONS", "REPORTED_IN"}
    durov = next(d for _n, d in g.nodes(data=True) if d.get("name") == "Pavel Durov")
    assert durov["aliases"] == "Durov; Pavel Durov"


@pytest.mark.neo4j
def test_json_export_is_canonical_and_complete(
    seeded: Any, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    summary = export_graph(seeded, db, "json", first)
    export_graph(seeded, db, "json", second)
    assert first.read_bytes() == second.read_bytes()
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert doc["format"] == "casegraph-export" and doc["scope"] == "graph"
    assert len(doc["nodes"]) == summary.nodes and len(doc["evidence"]) == summary.evidence > 0
    arrested = next(r for r in doc["relationships"] if r["type"] == "ARRESTED")
    assert arrested["properties"]["evidence_count"] == 2
    assert [n["id"] for n in doc["nodes"]] == sorted(n["id"] for n in doc["nodes"])


@pytest.mark.neo4j
def test_retract_and_reingest_gives_the_same_json_export(
    clean_db: Any, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    store = Store(clean_db, db)
    store.write(extractions())
    export_graph(clean_db, db, "json", tmp_path / "before.json")
    store.retract(SEED_ARTICLE)
    export_graph(clean_db, db, "json", tmp_path / "retracted.json")
    store.write(extractions())
    export_graph(clean_db, db, "json", tmp_path / "after.json")
    before = (tmp_path / "before.json").read_text(encoding="utf-8")
    assert (tmp_path / "after.json").read_text(encoding="utf-8") == before
    assert (tmp_path / "retracted.json").read_text(encoding="utf-8") != before


@pytest.mark.neo4j
def test_csv_neighbourhood_export(seeded: Any, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "near"
    summary = export_graph(
        seeded, settings.neo4j_database, "csv", out, names=["Woo Jong-soo"], depth=1
    )
    assert [p.name for p in summary.files] == ["nodes.csv", "edges.csv", "evidence.csv"]
    with (out / "nodes.csv").open(encoding="utf-8") as f:
        names = {row["name"] for row in csv.DictReader(f)}
    assert names == {"Woo Jong-soo", "National Office of Investigation"}
    with (out / "edges.csv").open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert [(e["type"], e["evidence_count"]) for e in edges] == [("LEADS", "1")]
    with (out / "evidence.csv").open(encoding="utf-8") as f:
        assert "head of South Korea" in next(csv.DictReader(f))["sentence"]
    assert summary.scope == "neighbourhood of Woo Jong-soo"


@pytest.mark.neo4j
def test_query_export_and_errors(seeded: Any, settings: Settings, tmp_path: Path) -> None:
    db = settings.neo4j_database
    paths = (get_query("cooperation_paths"), {"from": "KR", "to": "FR"})
    out = tmp_path / "coop.graphml"
    summary = export_graph(seeded, db, "graphml", out, query=paths)
    g = nx.read_graphml(out, force_multigraph=True)
    assert {d["name"] for _n, d in g.nodes(data=True)} == {
        "South Korea", "South Korean police", "French law enforcement", "France",
    }  # fmt: skip
    assert summary.edges == 3 and summary.evidence == 3
    rows = export_graph(seeded, db, "csv", tmp_path / "rows", query=(get_query("top_entities"), {}))
    assert rows.files[-1].name == "rows.csv"
    with pytest.raises(QueryError, match="no nodes or paths"):
        export_graph(
            seeded, db, "graphml", tmp_path / "x.graphml", query=(get_query("top_entities"), {})
        )
    with pytest.raises(QueryError, match="unknown export format"):
        export_graph(seeded, db, "xlsx", tmp_path / "x")
    (tmp_path / "file").write_text("x")
    with pytest.raises(QueryError, match="is a file"):
        export_graph(seeded, db, "csv", tmp_path / "file")
    with pytest.raises(QueryError, match="no entity named"):
        export_graph(seeded, db, "json", tmp_path / "n.json", names=["Atlantis"])
