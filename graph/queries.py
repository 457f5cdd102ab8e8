"""The named Cypher queries of `queries/*.cypher`: loading by name, typed parameters, running.

Each file opens with a header of `//` comment lines (see docs/QUERIES.md):

    // name: neighbors
    // Entities around an entity, up to `depth` hops over facts and case links.
    // param: name string required — entity name, alias or ISO code
    // param: depth int default=1 range=1..3 — hops to expand
    // param: kinds list[string] optional choices=@node_kinds — keep only these kinds
    // returns: entity, neighbor, kind, hops, path

Every string parameter `x` also reaches the query as `$x_norm`, its
`ingest.records.normalize_name` form, so names match the indexed `Entity.norm` (a list of strings
as the list of its items' forms). A `date` parameter takes YYYY-MM-DD and reaches the query as
that string, comparable with the stored dates.
Cypher cannot take a parameter as a variable-length bound, so an int parameter with a `range`
may appear in the text as `{{x}}`; it is formatted in only after validation against the range.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph import ontology
from graph.errors import CasegraphError, DatabaseUnavailable, QueryError
from ingest.records import normalize_name

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
PARAM_TYPES = ("string", "int", "float", "bool", "date", "list[string]")
# Named value lists a `choices=@name` modifier may refer to.
CHOICE_SETS: dict[str, tuple[str, ...]] = {
    "node_kinds": ontology.NODE_KINDS,
    "entity_kinds": ontology.ENTITY_KINDS,
    "fact_types": ontology.FACT_TYPES,
    "relationship_types": ontology.GRAPH_RELATIONSHIPS,
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM = re.compile(
    r"^(\w+)\s+(string|int|float|bool|date|list\[string\])(?=\s)\s*(.*?)\s+(?:—|--)\s+(.+)$"
)
_BOUND = re.compile(r"\{\{(\w+)\}\}")
_WANTS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
}
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


@dataclass(frozen=True)
class Param:
    """One `$parameter` of a named query, as its header declares it."""

    name: str
    type: str  # one of PARAM_TYPES
    default: Any = None
    required: bool = False
    help: str = ""
    minimum: int | float | None = None
    maximum: int | float | None = None
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        """`name (type, default 1, 1..3)`: one line for listings and error messages."""
        bits = [self.type]
        if self.required:
            bits.append("required")
        elif self.default is not None:
            shown = ",".join(self.default) if isinstance(self.default, list) else self.default
            bits.append(f"default {shown}")
        if self.minimum is not None:
            bits.append(f"{self.minimum}..{self.maximum}")
        return f"{self.name} ({', '.join(bits)})"


@dataclass(frozen=True)
class NamedQuery:
    """A named query: the header's declarations and the Cypher text (may hold `{{bound}}`s)."""

    name: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    cypher: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def render(self, params: Mapping[str, Any]) -> str:
        """The Cypher text with validated `{{bound}}` ints formatted in."""

        def bound(m: re.Match[str]) -> str:
            p = self.param(m.group(1))
            value = params.get(m.group(1), p.default if p else None)
            if p is None or p.type != "int" or not isinstance(value, int):
                raise QueryError(f"query {self.name}: {{{{{m.group(1)}}}}} needs an int parameter")
            return str(int(value))

        return _BOUND.sub(bound, self.cypher)


DEFAULT_BYTE_LIMIT = 32 * 2**20  # CASEGRAPH_RESULT_MB's default


@dataclass
class QueryResult:
    """Rows of a read query, capped at the row limit, and the graph parts found in them."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    nodes: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    # Why rows were left out, for people: the row limit or the size limit.
    truncated_note: str = ""


# ---- loading -----------------------------------------------------------------------------


def _choices(spec: str, where: str) -> tuple[str, ...]:
    if spec.startswith("@"):
        if spec[1:] not in CHOICE_SETS:
            raise QueryError(
                f"{where}: unknown choice set {spec}; use one of {sorted(CHOICE_SETS)}"
            )
        return CHOICE_SETS[spec[1:]]
    return tuple(c for c in spec.split("|") if c)


def _parse_param(line: str, where: str) -> Param:
    m = _PARAM.match(line)
    if not m:
        raise QueryError(
            f"{where}: bad param line {line!r}; write `// param: NAME TYPE [required|optional|"
            f"default=V] [range=A..B] [choices=A|B] — help` with TYPE one of {', '.join(PARAM_TYPES)}"
        )
    name, type_, mods, help_ = m.groups()
    info: dict[str, Any] = {"required": False, "default": None}
    raw_default = None
    for mod in mods.split():
        key, _, value = mod.partition("=")
        if key == "required":
            info["required"] = True
        elif key == "optional":
            pass
        elif key == "default":
            raw_default = value
        elif key == "range":
            lo, _, hi = value.partition("..")
            num = int if type_ == "int" else float
            info["minimum"], info["maximum"] = num(lo), num(hi)
        elif key == "choices":
            info["choices"] = _choices(value, where)
        else:
            raise QueryError(f"{where}: unknown modifier {mod!r} for param {name}")
    param = Param(name=name, type=type_, help=help_.strip(), **info)
    if raw_default is not None:
        param = Param(**{**param.__dict__, "default": _convert(param, raw_default)})
    return param


def parse_query_text(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """Parse one `.cypher` file: its `//` header and the Cypher below it."""
    where = str(path or name)
    header: list[str] = []
    lines = text.splitlines()
    while lines and lines[0].lstrip().startswith("//"):
        header.append(lines.pop(0).lstrip()[2:].strip())
    declared: str | None = None
    description: list[str] = []
    params: list[Param] = []
    columns: tuple[str, ...] = ()
    for line in header:
        key, sep, value = line.partition(":")
        if sep and key in ("name", "param", "returns"):
            value = value.strip()
            if key == "name":
                declared = value
            elif key == "param":
                params.append(_parse_param(value, where))
            else:
                columns = tuple(c.strip() for c in value.split(",") if c.strip())
        elif line:
            description.append(line)
    if declared != name or not _NAME.match(name):
        raise QueryError(f"{where}: the header must start with `// name: {name}` (the file name)")
    if not columns:
        raise QueryError(f"{where}: the header needs a `// returns: col, ...` line")
    query = NamedQuery(
        name, " ".join(description), tuple(params), columns, "\n".join(lines).strip(), path
    )
    for bound in _BOUND.findall(query.cypher):
        p = query.param(bound)
        if p is None or p.type != "int" or p.maximum is None:
            raise QueryError(f"{where}: {{{{{bound}}}}} must name an int param with a range")
    return query


@cache
def _load_dir(directory: Path, stamp: tuple[tuple[str, float], ...]) -> tuple[NamedQuery, ...]:
    # `stamp` (names and mtimes) is part of the cache key, so edited files are reloaded.
    out = []
    for path in sorted(directory.glob("*.cypher")):
        out.append(parse_query_text(path.read_text(encoding="utf-8"), path.stem, path))
    return tuple(out)


def list_queries(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query of `directory` (default: the project's `queries/`), sorted by name."""
    directory = (directory or QUERIES_DIR).resolve()
    if not directory.is_dir():
        raise QueryError(f"query directory {directory} does not exist")
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(directory.glob("*.cypher")))
    return list(_load_dir(directory, stamp))


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    """The named query `name`; an unknown name is a QueryError listing the valid ones."""
    queries = list_queries(directory)
    for q in queries:
        if q.name == name:
            return q
    valid = ", ".join(q.name for q in queries)
    raise QueryError(f"unknown query {name!r}; valid queries: {valid}")


# ---- parameters --------------------------------------------------------------------------


class _Want(ValueError):
    """What a value should have been, for the error message."""


def _convert_one(param: Param, raw: Any) -> Any:
    t = param.type
    if t == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise _Want("true or false")
    if t == "int":
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise _Want("a whole number")
        return int(str(raw).strip()) if isinstance(raw, str) else int(raw)
    if t == "float":
        if isinstance(raw, bool):
            raise _Want("a number")
        return float(raw)
    if t == "date":
        # A date (or the date part of a datetime) from the CLI, the app or a JSON export.
        value = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip()[:10])
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return str(raw).strip()


def _convert(param: Param, raw: Any) -> Any:
    """Type one raw value (a CLI string, or an already typed value from the app)."""
    if param.type == "list[string]":
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        values = [str(i).strip() for i in items if str(i).strip()]
        return [_check_choice(param, v) for v in values]
    try:
        value = _convert_one(param, raw)
    except (TypeError, ValueError) as exc:
        want = str(exc) if isinstance(exc, _Want) else _WANTS.get(param.type, param.type)
        raise QueryError(f"parameter {param.name} must be {want}, got {raw!r}") from None
    if param.minimum is not None and not param.minimum <= value <= param.maximum:
        raise QueryError(
            f"parameter {param.name} must be between {param.minimum} and {param.maximum}, got {value}"
        )
    if param.type == "string":
        if not value:
            raise QueryError(f"parameter {param.name} must not be empty")
        return _check_choice(param, value)
    return value


def _check_choice(param: Param, value: str) -> str:
    if not param.choices:
        return value
    for choice in param.choices:
        if choice.lower() == value.lower():
            return choice
    raise QueryError(f"parameter {param.name}: {value!r} is not one of {', '.join(param.choices)}")


def parse_params(query: NamedQuery, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed, validated parameters from `key=value` strings (or typed values), with defaults.

    An unknown, missing or badly typed parameter is a QueryError listing the valid ones.
    """
    valid = "; ".join(p.describe() for p in query.params) or "none"
    unknown = sorted(set(raw) - {p.name for p in query.params})
    if unknown:
        raise QueryError(f"query {query.name} has no parameter {unknown[0]!r}; valid: {valid}")
    out: dict[str, Any] = {}
    for p in query.params:
        value = raw.get(p.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if p.required:
                raise QueryError(f"query {query.name} needs --param {p.name}=...; valid: {valid}")
            out[p.name] = p.default
            continue
        try:
            out[p.name] = _convert(p, value)
        except QueryError as exc:
            raise QueryError(f"query {query.name}: {exc}; valid: {valid}") from None
    return out


def split_assignments(pairs: list[str]) -> dict[str, str]:
    """`["key=value", ...]` (as typed after `--param`) into a dict; a bad pair is a QueryError."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"parameter {pair!r} must look like key=value")
        out[key.strip()] = value
    return out


def bind_params(query: NamedQuery, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as sent to Neo4j: every declared one, plus `x_norm` for each string (for a
    list of strings, the list of their normalized forms)."""
    bound = {p.name: params.get(p.name, p.default) for p in query.params}
    for p in query.params:
        value = bound[p.name]
        if p.type == "string":
            bound[f"{p.name}_norm"] = normalize_name(value) if value is not None else None
        elif p.type == "list[string]":
            bound[f"{p.name}_norm"] = [normalize_name(v) for v in value] if value else None
    return bound


# ---- running -----------------------------------------------------------------------------


def run_query(
    driver: Any,
    database: str,
    query: NamedQuery,
    params: Mapping[str, Any],
    row_limit: int,
    timeout: float,
    byte_limit: int | None = DEFAULT_BYTE_LIMIT,
) -> QueryResult:
    """Run a named query (already-parsed params) in a read transaction, capped at `row_limit`
    rows and about `byte_limit` bytes (None: no size cap, for exports)."""
    from graph.readonly import execute_read

    return execute_read(
        driver, database, query.render(params), bind_params(query, params), row_limit, timeout,
        byte_limit,
    )  # fmt: skip


def describe_error(exc: Exception) -> CasegraphError:
    """A one-line CasegraphError for a driver exception raised while reading."""
    from neo4j import exceptions as nx

    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired):
        return DatabaseUnavailable(
            "Neo4j is not reachable: run `casegraph db start` or set NEO4J_URI"
        )
    if isinstance(exc, nx.AuthError):
        return DatabaseUnavailable("Neo4j refused the credentials: check NEO4J_USER/NEO4J_PASSWORD")
    code = getattr(exc, "code", "") or ""
    message = (getattr(exc, "message", None) or str(exc)).strip().splitlines()
    first = message[0] if message else type(exc).__name__
    if "TransactionTimedOut" in code or "Terminated" in code:
        return QueryError(
            "the query took too long and was cancelled; narrow it (LIMIT, anchors) or raise "
            "CASEGRAPH_QUERY_TIMEOUT"
        )
    if "AccessMode" in code or "Forbidden" in code:
        return QueryError("refused: the server rejected a write — the console is read-only")
    if "SyntaxError" in code:
        return QueryError(f"Cypher syntax error: {first}")
    if "MemoryPool" in code or "OutOfMemory" in code:
        return QueryError("the query needs more memory than allowed; narrow it (LIMIT, anchors)")
    return QueryError(f"the query failed: {first}")


# ---- values ------------------------------------------------------------------------------


class GraphCollector:
    """Turns driver values into plain Python, remembering the nodes and relationships seen."""

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, Any]] = {}
        self._rels: dict[str, dict[str, Any]] = {}

    def node_list(self) -> list[dict[str, Any]]:
        return list(self._nodes.values())

    def relationship_list(self) -> list[dict[str, Any]]:
        return list(self._rels.values())

    def _node(self, node: Any) -> dict[str, Any]:
        known = self._nodes.get(node.element_id)
        if known is not None:  # paths repeat their nodes: convert each node once
            return known
        props = {k: self.plain(v) for k, v in dict(node).items()}
        labels = sorted(node.labels)
        kind = props.get("kind") or next((x for x in labels if x != ontology.ENTITY_LABEL), "")
        entry = {
            "element_id": node.element_id,
            "id": props.get("id", node.element_id),
            "name": props.get("name") or props.get("title") or props.get("id") or node.element_id,
            "kind": kind,
            "labels": labels,
            "properties": props,
        }
        self._nodes[node.element_id] = entry
        return entry

    def _relationship(self, rel: Any) -> dict[str, Any]:
        if rel.element_id not in self._rels:
            start, end = self._node(rel.start_node), self._node(rel.end_node)
            self._rels[rel.element_id] = {
                "element_id": rel.element_id,
                "type": rel.type,
                "start": start["element_id"],
                "end": end["element_id"],
                "source": start["id"],
                "target": end["id"],
                "properties": {k: self.plain(v) for k, v in dict(rel).items()},
            }
        return self._rels[rel.element_id]

    def _path(self, path: Any) -> str:
        nodes = list(path.nodes)
        text = str(self._node(nodes[0])["name"])
        for i, rel in enumerate(path.relationships):
            forward = self._relationship(rel)["start"] == nodes[i].element_id
            arrow = f" -[{rel.type}]-> " if forward else f" <-[{rel.type}]- "
            text += arrow + str(self._node(nodes[i + 1])["name"])
        return text

    def plain(self, value: Any) -> Any:
        """A JSON-friendly form of one value; graph values are recorded as graph parts."""
        from neo4j import graph as ng

        if isinstance(value, ng.Path):
            return self._path(value)
        if isinstance(value, ng.Node):
            entry = self._node(value)
            return {"labels": entry["labels"], **entry["properties"]}
        if isinstance(value, ng.Relationship):
            entry = self._relationship(value)
            return {"type": entry["type"], **entry["properties"]}
        if isinstance(value, list | tuple):
            return [self.plain(v) for v in value]
        if isinstance(value, dict):
            return {k: self.plain(v) for k, v in value.items()}
        if hasattr(value, "iso_format"):
            return value.iso_format()
        if value is None or isinstance(value, str | int | float | bool):
            return value
        return str(value)


# ---- reference ---------------------------------------------------------------------------

REFERENCE_INTRO = """# Named queries

Generated from the headers of `queries/*.cypher` by `python -m graph.queries > docs/QUERIES.md`
(a test checks that this file is up to date).

Run one with `casegraph query NAME --param key=value ... [--format table|json|csv]`; list them
with `casegraph queries`. Names match an entity's name, any of its aliases, or a jurisdiction's
ISO code, ignoring case, possessives and a leading "the" (`ingest.records.normalize_name`).
List parameters are comma-separated (`--param kinds=Agency,Platform`).

## Header format

```
// name: FILE_STEM
// What the query answers (any number of lines).
// param: NAME TYPE [required|optional|default=V] [range=A..B] [choices=A|B|@set] — help
// returns: column, column, ...
```

TYPE is one of `string`, `int`, `float`, `bool`, `date` (YYYY-MM-DD), `list[string]`; `@set`
is one of `@node_kinds`, `@entity_kinds`, `@fact_types`, `@relationship_types` (from
`graph/ontology.py`). Every string parameter `x` is also bound as `$x_norm`, its normalized form,
to match the indexed `Entity.norm` (for a list, the list of its items' forms). Cypher cannot
take a parameter as a variable-length bound, so an `int` parameter with a `range` may appear in
the text as `{{x}}`; it is formatted in only after validation.
"""


def render_reference(directory: Path | None = None) -> str:
    """The Markdown reference of the named queries (docs/QUERIES.md)."""
    parts = [REFERENCE_INTRO]
    for q in list_queries(directory):
        parts.append(f"\n## `{q.name}`\n\n{q.description}\n")
        if q.params:
            parts.append("\n| parameter | type | default | help |\n|---|---|---|---|\n")
            for p in q.params:
                default = "required" if p.required else ("" if p.default is None else p.default)
                kind = p.type + (f" ({p.minimum}..{p.maximum})" if p.minimum is not None else "")
                help_ = p.help + (f" — one of {', '.join(p.choices)}" if p.choices else "")
                parts.append(f"| `{p.name}` | {kind} | {default} | {help_} |\n")
        parts.append(f"\nReturns: {', '.join(f'`{c}`' for c in q.columns)}.\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render_reference(), end="")
