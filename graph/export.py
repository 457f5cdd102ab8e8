"""Exports of the graph (whole, an entity's neighbourhood, or a named query's result).

Formats:
- `graphml`: one file; every node has `kind`, `name` and `labels`, every edge `type`, `key`,
  `evidence_count` and `articles`, so Gephi can partition and colour by kind and type. Lists
  are joined with "; " (GraphML has no list type). Evidence is not part of the GraphML.
- `json`: one canonical file (sorted nodes, relationships and evidence; stable ids only, no
  element ids), so two exports of the same graph are byte-identical.
- `csv`: a directory holding `nodes.csv`, `edges.csv` and `evidence.csv` (plus `rows.csv` for
  a named query); list and map properties are JSON in their cell.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import InputError, QueryError
from graph.queries import NamedQuery, QueryResult, parse_params, run_query

FORMATS = ("graphml", "json", "csv")
EXPORT_VERSION = 1
# Exports read everything they are asked for; the timeout only stops a runaway server.
_NO_CAP = 10**9
_TIMEOUT = 3600.0

_ALL_NODES = """
MATCH (n) WHERE NOT n:Evidence
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
"""
_ALL_RELS = """
MATCH (a)-[r]->(b) WHERE NOT a:Evidence AND NOT b:Evidence
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
"""
_ALL_EVIDENCE = "MATCH (e:Evidence) RETURN properties(e) AS props"
_NODES_BY_ID = """
UNWIND $ids AS id MATCH (n:Entity {id: id})
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
"""
_RELS_AMONG = """
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r:!MENTIONS&!REPORTED_IN]->(b:Entity) WHERE b.id IN $ids
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
"""
_EVIDENCE_FOR = """
UNWIND $keys AS key MATCH (e:Evidence {fact_key: key}) RETURN properties(e) AS props
"""


@dataclass
class ExportSummary:
    """What an export wrote."""

    format: str
    scope: str  # "graph" | "neighbourhood of ..." | "query NAME"
    nodes: int
    edges: int
    evidence: int
    files: list[Path] = field(default_factory=list)

    def __str__(self) -> str:
        where = ", ".join(str(f) for f in self.files) or "nothing written"
        return (
            f"exported the {self.scope} as {self.format}: {self.nodes} nodes, {self.edges} "
            f"relationships, {self.evidence} evidence sentences -> {where}"
        )


@dataclass
class _Data:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    rows: QueryResult | None = None


def _read(driver: Any, database: str, query: str, **params: Any) -> list[dict[str, Any]]:
    from graph.readonly import execute_read

    return execute_read(driver, database, query, params, _NO_CAP, _TIMEOUT, None).rows


_ARTICLE_INTERNAL = frozenset({"text", "minhash", "shingles", "lsh"})


def _node(row: dict[str, Any]) -> dict[str, Any]:
    labels = sorted(row["labels"])
    # An article's text stays in the graph (`casegraph show`), and so do its near-duplicate
    # signature (ingest/syndication.py); exports carry its metadata.
    props = {
        k: v
        for k, v in sorted(row["props"].items())
        if not (k in _ARTICLE_INTERNAL and "Article" in labels)
    }
    kind = props.get("kind") or next((x for x in labels if x != "Entity"), "")
    name = props.get("name") or props.get("title") or row["id"]
    return {"id": row["id"], "labels": labels, "kind": kind, "name": name, "properties": props}


def _edge(row: dict[str, Any]) -> dict[str, Any]:
    props = dict(sorted(row["props"].items()))
    return {
        "type": row["type"],
        "source": row["source"],
        "target": row["target"],
        "key": props.get("key"),
        "properties": props,
    }


def _canonical(data: _Data) -> _Data:
    data.nodes.sort(key=lambda n: (str(n["id"]), n["labels"]))
    data.edges.sort(key=lambda e: (e["type"], str(e["source"]), str(e["target"]), str(e["key"])))
    data.evidence = sorted(
        (dict(sorted(e.items())) for e in data.evidence), key=lambda e: str(e.get("id"))
    )
    return data


def _whole(driver: Any, database: str) -> _Data:
    nodes = [_node(r) for r in _read(driver, database, _ALL_NODES)]
    edges = [_edge(r) for r in _read(driver, database, _ALL_RELS)]
    evidence = [r["props"] for r in _read(driver, database, _ALL_EVIDENCE)]
    return _Data(nodes, edges, evidence)


def _neighbourhood(driver: Any, database: str, names: Sequence[str], depth: int) -> _Data:
    from graph.analytics import neighbourhood_ids

    ids = neighbourhood_ids(driver, database, names, depth)
    nodes = [_node(r) for r in _read(driver, database, _NODES_BY_ID, ids=ids)]
    edges = [_edge(r) for r in _read(driver, database, _RELS_AMONG, ids=ids)]
    keys = sorted({e["key"] for e in edges if e["key"]})
    evidence = [r["props"] for r in _read(driver, database, _EVIDENCE_FOR, keys=keys)]
    return _Data(nodes, edges, evidence)


def _query(driver: Any, database: str, query: NamedQuery, params: dict[str, Any]) -> _Data:
    # Raw `key=value` strings and already-typed values are both accepted.
    result = run_query(
        driver, database, query, parse_params(query, params), _NO_CAP, _TIMEOUT, None
    )
    nodes = [
        {
            "id": n["id"],
            "labels": n["labels"],
            "kind": n["kind"],
            "name": n["name"],
            "properties": dict(sorted(n["properties"].items())),
        }
        for n in result.nodes
    ]
    edges = [
        {
            "type": r["type"],
            "source": r["source"],
            "target": r["target"],
            "key": r["properties"].get("key"),
            "properties": dict(sorted(r["properties"].items())),
        }
        for r in result.relationships
    ]
    keys = sorted({e["key"] for e in edges if e["key"]})
    evidence = [r["props"] for r in _read(driver, database, _EVIDENCE_FOR, keys=keys)]
    return _Data(nodes, edges, evidence, rows=result)


def export_graph(
    driver: Any,
    database: str,
    fmt: str,
    out: Path,
    names: Sequence[str] | None = None,
    depth: int = 1,
    query: tuple[NamedQuery, dict[str, Any]] | None = None,
) -> ExportSummary:
    """Export the whole graph, the neighbourhood of `names`, or a named query's result."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if names and query:
        raise QueryError("export either a neighbourhood (names) or a query, not both")
    check_destination(fmt, Path(out))
    if query is not None:
        data, scope = _query(driver, database, *query), f"query {query[0].name}"
        if fmt == "graphml" and not data.nodes:
            raise QueryError(
                f"query {query[0].name} returns no nodes or paths to draw; "
                "export it with --format json or csv"
            )
    elif names:
        data, scope = (
            _neighbourhood(driver, database, names, depth),
            f"neighbourhood of {', '.join(names)}",
        )
    else:
        data, scope = _whole(driver, database), "graph"
    data = _canonical(data)
    try:
        files = _WRITERS[fmt](data, Path(out), scope)
    except OSError as exc:
        raise InputError(f"cannot write the export to {out}: {exc.strerror or exc}") from None
    return ExportSummary(fmt, scope, len(data.nodes), len(data.edges), len(data.evidence), files)


def check_destination(fmt: str, out: Path) -> None:
    """The export goes into a folder that exists: a mistyped path is an error, not a new tree
    of folders (a CSV export may create its own folder, inside an existing one)."""
    folder = out.parent
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist: create it first, or export elsewhere")
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise QueryError(
            f"{out} is a file; CSV exports write a directory (nodes.csv, edges.csv...)"
        )


# ---- writers -------------------------------------------------------------------------------------


def to_networkx(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> nx.MultiDiGraph:
    """A MultiDiGraph with GraphML-safe attributes (scalars only, no None)."""
    g = nx.MultiDiGraph()
    for n in nodes:
        attrs = {k: _scalar(v) for k, v in n["properties"].items() if v is not None}
        attrs.update(kind=n["kind"], name=str(n["name"]), labels="; ".join(n["labels"]))
        g.add_node(str(n["id"]), **attrs)
    for e in edges:
        attrs = {k: _scalar(v) for k, v in e["properties"].items() if v is not None}
        attrs["type"] = e["type"]
        key = str(e["key"] or f"{e['type']}:{e['source']}:{e['target']}")
        # `key` is also a property name, so the attributes are set after the edge exists.
        g.add_edge(str(e["source"]), str(e["target"]), key)
        g.edges[str(e["source"]), str(e["target"]), key].update(attrs)
    return g


def _scalar(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _write_graphml(data: _Data, out: Path, scope: str) -> list[Path]:
    nx.write_graphml(to_networkx(data.nodes, data.edges), out, encoding="utf-8")
    return [out]


def _write_json(data: _Data, out: Path, scope: str) -> list[Path]:
    doc: dict[str, Any] = {
        "format": "casegraph-export",
        "version": EXPORT_VERSION,
        "scope": scope,
        "nodes": data.nodes,
        "relationships": data.edges,
        "evidence": data.evidence,
    }
    if data.rows is not None:
        doc["columns"] = data.rows.columns
        doc["rows"] = data.rows.rows
    out.write_text(json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=False) + "\n", "utf-8")
    return [out]


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else value


def _write_table(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    return path


def _write_csv(data: _Data, out: Path, scope: str) -> list[Path]:
    out.mkdir(exist_ok=True)
    files = [
        _write_table(
            out / "nodes.csv",
            ["id", "kind", "name", "labels", "properties"],
            [[n["id"], n["kind"], n["name"], n["labels"], n["properties"]] for n in data.nodes],
        ),
        _write_table(
            out / "edges.csv",
            [
                "source",
                "target",
                "type",
                "key",
                "evidence_count",
                "articles",
                "status",
                "properties",
            ],
            [
                [
                    e["source"],
                    e["target"],
                    e["type"],
                    e["key"],
                    e["properties"].get("evidence_count"),
                    e["properties"].get("articles"),
                    e["properties"].get("status"),
                    e["properties"],
                ]
                for e in data.edges
            ],
        ),
    ]
    ev_cols = [
        "id",
        "fact_key",
        "type",
        "article_id",
        "sentence",
        "start",
        "end",
        "rule",
        "model",
        "status",
    ]
    files.append(
        _write_table(
            out / "evidence.csv", ev_cols, [[e.get(c) for c in ev_cols] for e in data.evidence]
        )
    )
    if data.rows is not None:
        cols = data.rows.columns
        files.append(
            _write_table(out / "rows.csv", cols, [[r.get(c) for c in cols] for r in data.rows.rows])
        )
    return files


_WRITERS = {"graphml": _write_graphml, "json": _write_json, "csv": _write_csv}
