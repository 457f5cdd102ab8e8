"""Read-side views the Streamlit app shows: overview counts, entity search, neighbourhoods with
evidence, node profiles, cases. Named questions live in `queries/*.cypher` (graph.queries);
this module holds the reads that only make sense as screens of the app.

Every function takes the driver and the database name and returns plain dicts and lists, so
that the app can cache them with `st.cache_data`. Labels and relationship types come from the
ontology only; values always travel as parameters.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from graph import ontology
from graph.errors import DatabaseUnavailable, InputError, QueryError
from graph.store import ENTITY_NAMES_INDEX
from ingest.records import normalize_name

_DOWN_HINT = "run `casegraph db start` or set NEO4J_URI (with NEO4J_USER and NEO4J_PASSWORD)"


def read(driver: neo4j.Driver, database: str, cypher: str, **params: Any) -> list[dict[str, Any]]:
    """Run one read query and return its records as dicts; driver failures become our errors."""
    try:
        records, _, _ = driver.execute_query(
            cypher, params, database_=database, routing_=neo4j.RoutingControl.READ
        )
    except AuthError:
        raise DatabaseUnavailable(
            "Neo4j refused the credentials: check NEO4J_USER and NEO4J_PASSWORD"
        ) from None
    except (ServiceUnavailable, SessionExpired, OSError):
        raise DatabaseUnavailable(f"Neo4j is not reachable: {_DOWN_HINT}") from None
    except Neo4jError as exc:
        raise QueryError(f"Neo4j could not run a read of the app: {exc.message}") from None
    return [r.data() for r in records]


# --------------------------------------------------------------------------- overview


def overview_counts(driver: neo4j.Driver, database: str) -> dict[str, dict[str, int]]:
    """Nodes per kind (plus Article) and relationships per type."""
    (row,) = read(driver, database, _COUNTS)
    out: dict[str, dict[str, int]] = {"nodes": {}, "relationships": {}}
    for i, (part, name) in enumerate(_COUNTED):
        if row[f"c{i}"]:
            out[part][name] = row[f"c{i}"]
    return out


# One count per label and per relationship type, each from Neo4j's count store (no graph
# read: a scan of every relationship took a third of a second at 1M), in one row.
_COUNTED = [("nodes", k) for k in (*ontology.NODE_KINDS, ontology.ARTICLE_LABEL)] + [
    ("relationships", t) for t in ontology.ALL_RELATIONSHIPS
]
_COUNTS = "RETURN " + ", ".join(
    f"COUNT {{ (:{ontology.check_label(name)}) }} AS c{i}"
    if part == "nodes"
    else f"COUNT {{ ()-[:{ontology.check_relationship(name)}]->() }} AS c{i}"
    for i, (part, name) in enumerate(_COUNTED)
)


def latest_articles(driver: neo4j.Driver, database: str, limit: int = 10) -> list[dict[str, Any]]:
    """The most recent articles (undated ones last) with how many entities each mentions."""
    return read(
        driver,
        database,
        "MATCH (a:Article) "
        "RETURN a.id AS id, a.title AS title, a.date AS date, a.url AS url, "
        "COUNT { (a)-[:MENTIONS]->() } AS entities "
        "ORDER BY a.date IS NULL, a.date DESC, a.title LIMIT $limit",
        limit=limit,
    )


def most_connected(driver: neo4j.Driver, database: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entities with the most facts (relationships to other entities)."""
    return read(
        driver,
        database,
        # The degree store's counts (_FACT_DEGREE), not a walk of every relationship.
        f"MATCH (n:Entity) WITH n, {_FACT_DEGREE} AS degree WHERE degree > 0 "
        "RETURN n.id AS id, n.name AS name, n.kind AS kind, degree "
        "ORDER BY degree DESC, name LIMIT $limit",
        limit=limit,
    )


def jurisdictions(driver: neo4j.Driver, database: str) -> list[dict[str, Any]]:
    """Every jurisdiction with its ISO code, the articles mentioning it and its cases."""
    return read(
        driver,
        database,
        "MATCH (j:Jurisdiction) "
        "RETURN j.id AS id, j.name AS name, j.iso AS iso, "
        "COUNT { (:Article)-[:MENTIONS]->(j) } AS articles, "
        "COUNT { (:Case)-[:IN_JURISDICTION]->(j) } AS cases "
        "ORDER BY name",
    )


def to_alpha3(iso: str | None) -> str | None:
    """ISO 3166-1 alpha-3 of a country code (alpha-2, alpha-3 or a subdivision like US-CA)."""
    import pycountry

    if not iso:
        return None
    code = iso.strip().upper().split("-")[0]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None and len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    return country.alpha_3 if country is not None else None


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Match:
    id: str
    name: str
    kind: str
    score: float
    matched: str  # the name or alias that matched
    iso: str | None = None  # a jurisdiction's ISO code


def rank_matches(
    term: str, candidates: Iterable[dict[str, Any]], limit: int = 20, cutoff: float = 0.6
) -> list[Match]:
    """Fuzzy-rank entities by name and aliases; exact and prefix matches come first.

    A candidate is a dict with id, name, kind, aliases (and optionally iso).
    """
    check_term(term)
    q = normalize_name(term)
    if not q:
        return []
    best: list[Match] = []
    for c in candidates:
        # str(): a graph written by another tool may hold a number where a name or code is.
        forms = [str(f) for f in (c.get("name"), *(c.get("aliases") or []), c.get("iso")) if f]
        if not forms:
            continue
        scored = [(_score(q, normalize_name(f), cutoff), f) for f in forms]
        score, form = max(scored, key=lambda s: s[0])
        if score >= cutoff:
            best.append(Match(c["id"], c["name"], c["kind"], round(score, 3), form, c.get("iso")))
    best.sort(key=lambda m: (-m.score, len(m.name), m.name))
    return best[:limit]


MAX_SEARCH_CHARS = 200  # entity names are far shorter; a longer term is a paste, not a name


def check_term(term: str) -> None:
    """InputError for a search term longer than any name (a pasted text)."""
    if len(term) > MAX_SEARCH_CHARS:
        raise InputError(
            f"a search term is at most {MAX_SEARCH_CHARS} characters (this one has {len(term):,})"
        )


_FUZZY = 0.85  # the weight of a fuzzy (difflib) match against exact and prefix ones


def _score(q: str, form: str, cutoff: float = 0.0) -> float:
    if not form:
        return 0.0
    if q == form:
        return 1.0
    if form.startswith(q) or f" {q}" in f" {form}":
        # a whole-word prefix ("telegram" in "telegram messenger") ranks close to exact
        return 0.9 + 0.09 * len(q) / len(form)
    if q in form:
        return 0.8
    matcher = difflib.SequenceMatcher(None, q, form)
    # The cheap upper bounds first: most forms are far from the term and never need ratio().
    if matcher.real_quick_ratio() * _FUZZY < cutoff or matcher.quick_ratio() * _FUZZY < cutoff:
        return 0.0
    return matcher.ratio() * _FUZZY


def entity_index(driver: neo4j.Driver, database: str) -> list[dict[str, Any]]:
    """Id, name, kind, aliases and ISO code of every entity and case (the search index)."""
    return read(
        driver,
        database,
        "MATCH (e:Entity) RETURN e.id AS id, e.name AS name, e.kind AS kind, "
        "coalesce(e.aliases, []) AS aliases, e.iso AS iso",
    )


# Candidates asked of the full-text index before ranking; a term's words beyond this many are
# not sent (a name has a handful).
INDEX_HITS = 500
_INDEX_WORDS = 12
_WORD = re.compile(r"[^\W_]+")


def lucene_query(term: str) -> str:
    """The full-text query for the candidates of `term`: each of its words as a word, a prefix,
    a part of a word and (four letters or more) a fuzzy term, any of them, boosted in that
    order so that Lucene's best INDEX_HITS hold the best matches. Only letters and digits
    reach Lucene, so no word of the term is read as Lucene syntax."""
    parts: list[str] = []
    for word in _WORD.findall(normalize_name(term))[:_INDEX_WORDS]:
        parts += [f"{word}^8", f"{word}*^4", f"*{word}*"]
        if len(word) >= 4:
            parts.append(f"{word}~^2")
    return " OR ".join(parts)


def search_entities(
    driver: neo4j.Driver, database: str, term: str, limit: int = 20
) -> list[dict[str, Any]]:
    """Entities whose name, alias or ISO code looks like `term`, best first.

    Lucene (the full-text index `entity_names`) finds the candidates, at most INDEX_HITS, and
    `rank_matches` orders them, so the Python ranking sees at most INDEX_HITS entities whatever
    the size of the graph (Lucene's own cost grows with its dictionary of words). A graph written before the index existed is scanned whole until the next ingest
    creates it."""
    check_term(term)  # before any query
    query = lucene_query(term)
    if not query:
        return []
    try:
        candidates = read(
            driver,
            database,
            "CALL db.index.fulltext.queryNodes($index, $query, {limit: $hits}) YIELD node AS e "
            "RETURN e.id AS id, e.name AS name, e.kind AS kind, "
            "coalesce(e.aliases, []) AS aliases, e.iso AS iso",
            index=ENTITY_NAMES_INDEX,
            query=query,
            hits=INDEX_HITS,
        )
    except QueryError as exc:
        if ENTITY_NAMES_INDEX not in str(exc):
            raise
        candidates = entity_index(driver, database)
    return [m.__dict__ for m in rank_matches(term, candidates, limit)]


# --------------------------------------------------------------------------- neighbourhood


@dataclass
class Subgraph:
    """Nodes and edges for drawing; each node has id/name/kind, each edge id/type/source/target."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges}


HUB_FLOOR = 25  # an entity with at most this many facts is never collapsed as a hub
# An entity's facts and case links from the counts Neo4j keeps per node (no expansion): only
# articles MENTION and only cases are REPORTED_IN.
_FACT_DEGREE = (
    "COUNT { (n)--() } - COUNT { (n)<-[:MENTIONS]-() } - COUNT { (n)-[:REPORTED_IN]->() }"
)
_NODE = (
    "{id: n.id, name: n.name, kind: n.kind, iso: n.iso, status: n.status, case_kind: n.case_kind, "
    f"degree: {_FACT_DEGREE}}}"
)


def hub_degree(driver: neo4j.Driver, database: str) -> int:
    """How many facts make an entity a hub: the 99th percentile of the entities' fact counts,
    at least HUB_FLOOR (countries and big agencies, not an ordinary suspect)."""
    rows = read(
        driver,
        database,
        f"MATCH (n:Entity) RETURN percentileDisc({_FACT_DEGREE}, 0.99) AS p99",
    )
    return max(HUB_FLOOR, int((rows[0]["p99"] if rows else 0) or 0))


EDGES_PER_NODE = 3  # facts drawn at most per entity allowed in a neighbourhood


def neighbourhood(
    driver: neo4j.Driver,
    database: str,
    ids: Sequence[str],
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 300,
    min_confidence: float | None = None,
    hub_degree: int | None = None,
    include_undated: bool = True,
) -> dict[str, Any]:
    """The entities within `depth` facts of `ids` and the facts among them.

    The walk keeps the best-supported neighbours first (most independent sources) and stops
    at `limit` entities and EDGES_PER_NODE x `limit` facts, the seeds' facts first
    (`truncated` then says so). An entity with more than `hub_degree`
    facts that is not one of `ids` is a hub: it is drawn, with its number of facts
    (`degree`), but the walk does not go on through it (`hubs` lists them). Filters: node
    kinds, relationship types, a date range on the supporting articles (a fact is kept when
    one of its articles falls inside the range; a fact none of whose articles has a date only
    with `include_undated`), and the fact classifier's confidence (facts it did not score,
    such as case links, are kept).
    """
    depth = max(1, min(int(depth), 4))
    kinds = list(kinds or ontology.NODE_KINDS)
    types = [ontology.check_relationship(t) for t in (types or ontology.GRAPH_RELATIONSHIPS)]
    # Breadth-first, one query per hop: a variable-length pattern would enumerate every path
    # around a hub (a country, a big agency) before the limit applies.
    seen, frontier = list(dict.fromkeys(ids)), list(dict.fromkeys(ids))
    hubs: list[str] = []
    truncated = False
    for _ in range(depth):
        room = limit - len(seen)
        if not frontier or room <= 0:
            truncated = truncated or bool(frontier)
            break
        rows = read(
            driver,
            database,
            "MATCH (a:Entity)-[r]-(b:Entity) WHERE a.id IN $frontier AND type(r) IN $types "
            "AND b.kind IN $kinds AND NOT b.id IN $seen "
            "WITH b, max(coalesce(r.sources, size(r.articles), 0)) AS support "
            "ORDER BY support DESC, b.name, b.id LIMIT $room + 1 "
            f"WITH b AS n RETURN n.id AS id, {_FACT_DEGREE} AS degree",
            frontier=frontier,
            types=types,
            kinds=kinds,
            seen=seen,
            room=room,
        )
        truncated = truncated or len(rows) > room
        rows = rows[:room]
        seen += [r["id"] for r in rows]
        big = [r["id"] for r in rows if hub_degree is not None and r["degree"] > hub_degree]
        hubs += big
        frontier = [r["id"] for r in rows if r["id"] not in big]
    nodes = read(
        driver,
        database,
        "MATCH (n:Entity) WHERE n.id IN $ids RETURN " + _NODE + " AS node",
        ids=seen,
    )
    cap = EDGES_PER_NODE * limit
    edges = edges_among(
        driver, database, seen, types, date_from, date_to, min_confidence, include_undated,
        seeds=ids, max_edges=cap + 1,
    )  # fmt: skip
    truncated = truncated or len(edges) > cap
    edges = edges[:cap]
    keep = set(ids) | {e["source"] for e in edges} | {e["target"] for e in edges}
    out = Subgraph([r["node"] for r in nodes if r["node"]["id"] in keep], edges).as_dict()
    return {
        **out,
        "hubs": [h for h in hubs if h in keep],
        "expanded": list(dict.fromkeys(ids)),
        "truncated": truncated,
    }


def edges_among(
    driver: neo4j.Driver,
    database: str,
    node_ids: Sequence[str],
    types: Sequence[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_confidence: float | None = None,
    include_undated: bool = True,
    seeds: Sequence[str] = (),
    max_edges: int | None = None,
) -> list[dict[str, Any]]:
    """Facts between the given nodes, each with its evidence count, independent sources,
    supporting articles, confidence (the fact classifier's best score, none for facts it did
    not score) and whether a person confirmed it. With a date range, a fact none of whose
    articles is dated is kept only with `include_undated`.

    `max_edges` keeps that many: the facts of `seeds` first, then the best-supported (hubs
    among the nodes can share thousands of facts, more than anyone can read in a drawing)."""
    types = [ontology.check_relationship(t) for t in (types or ontology.GRAPH_RELATIONSHIPS)]
    return [
        r["edge"]
        for r in read(
            driver,
            database,
            # Each fact is walked from its end with fewer relationships (nodes sorted by
            # degree, each expanded towards the later ones only): a hub's thousands of
            # facts are never read to find the few among the drawn nodes.
            "MATCH (n:Entity) WHERE n.id IN $ids "
            "WITH n, COUNT { (n)--() } AS degree ORDER BY degree, n.id "
            "WITH collect(n) AS nodes UNWIND range(0, size(nodes) - 2) AS i "
            "WITH nodes[i] AS a, nodes[i + 1..] AS later "
            "MATCH (a)-[r]-(b:Entity) WHERE b IN later AND type(r) IN $types "
            "AND ($from IS NULL AND $to IS NULL OR any(aid IN coalesce(r.articles, []) WHERE "
            "  EXISTS { MATCH (x:Article {id: aid}) WHERE x.date IS NOT NULL "
            "  AND ($from IS NULL OR x.date >= $from) AND ($to IS NULL OR x.date <= $to) }) "
            "  OR $undated AND NOT any(aid IN coalesce(r.articles, []) WHERE "
            "  EXISTS { MATCH (x:Article {id: aid}) WHERE x.date IS NOT NULL })) "
            "AND ($min IS NULL OR r.confidence IS NULL OR r.confidence >= $min) "
            "WITH r ORDER BY startNode(r).id IN $seeds OR endNode(r).id IN $seeds DESC, "
            "coalesce(r.sources, size(r.articles), 0) DESC, r.key LIMIT $max "
            "RETURN {id: coalesce(r.key, elementId(r)), key: r.key, type: type(r), "
            "source: startNode(r).id, target: endNode(r).id, status: r.status, "
            "confidence: r.confidence, "
            "evidence_count: coalesce(r.evidence_count, size(coalesce(r.articles, []))), "
            "sources: coalesce(r.sources, size(coalesce(r.articles, []))), "
            "confirmed: r.confirmed, articles: coalesce(r.articles, [])} AS edge",
            ids=list(node_ids),
            types=types,
            undated=include_undated,
            seeds=list(seeds),
            max=_NO_LIMIT if max_edges is None else max(0, int(max_edges)),
            **{"from": date_from, "to": date_to, "min": min_confidence},
        )
    ]


def article_dates(driver: neo4j.Driver, database: str) -> dict[str, str | None]:
    """The earliest and latest article date (ISO strings), for date-range widgets."""
    rows = read(
        driver,
        database,
        "MATCH (a:Article) WHERE a.date IS NOT NULL RETURN min(a.date) AS first, max(a.date) AS last",
    )
    return rows[0] if rows else {"first": None, "last": None}


# --------------------------------------------------------------------------- profiles, evidence


PROFILE_FACTS = 300  # facts listed in a profile, best-evidenced first (a hub has thousands)
PROFILE_ARTICLES = 50  # articles listed in a profile, latest first


def node_profile(driver: neo4j.Driver, database: str, node_id: str) -> dict[str, Any] | None:
    """An entity's properties, its facts (with evidence counts; the PROFILE_FACTS best
    evidenced) and the articles mentioning it or reporting its case (the PROFILE_ARTICLES
    latest); `fact_count` and `article_count` say how many there are in all."""
    rows = read(
        driver,
        database,
        "MATCH (n:Entity {id: $id}) "
        "CALL (n) { "
        "  MATCH (n)-[r]-(o:Entity) WHERE type(r) IN $types "
        "  WITH n, r, o, coalesce(r.evidence_count, size(coalesce(r.articles, []))) AS evidence "
        "  ORDER BY evidence DESC, type(r), o.name "
        "  RETURN count(r) AS fact_count, collect({type: type(r), "
        "    direction: CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END, other: o.name, "
        "    other_id: o.id, other_kind: o.kind, key: r.key, "
        "    evidence_count: evidence})[..$facts] AS facts "
        "} "
        "CALL (n) { "
        "  CALL (n) { MATCH (a:Article)-[:MENTIONS]->(n) RETURN a "
        "    UNION MATCH (n)-[:REPORTED_IN]->(a:Article) RETURN a } "
        "  WITH a ORDER BY a.date IS NULL, a.date DESC, a.title "
        "  RETURN count(a) AS article_count, collect({id: a.id, title: a.title, "
        "    date: a.date, url: a.url})[..$articles] AS articles "
        "} "
        "RETURN properties(n) AS props, facts, fact_count, articles, article_count",
        id=node_id,
        types=list(ontology.GRAPH_RELATIONSHIPS),
        facts=PROFILE_FACTS,
        articles=PROFILE_ARTICLES,
    )
    return rows[0] if rows else None


# A fact by its key: one lookup in each type's key index (a match without the type reads
# every relationship of the graph: a quarter of a second at a million).
_FACT_BY_KEY = " UNION ".join(
    f"MATCH (a:Entity)-[r:{ontology.check_relationship(t)} {{key: $key}}]->(b:Entity) "
    "RETURN a, r, b"
    for t in ontology.GRAPH_RELATIONSHIPS
)


def evidence(driver: neo4j.Driver, database: str, fact_key: str) -> dict[str, Any] | None:
    """A fact (by its key) with every sentence that supports it and the article it came from."""
    rows = read(
        driver,
        database,
        f"CALL () {{ {_FACT_BY_KEY} }} WITH a, r, b LIMIT 1 "
        "OPTIONAL MATCH (ev:Evidence {fact_key: $key}) "
        "OPTIONAL MATCH (art:Article {id: ev.article_id}) "
        "WITH a, r, b, ev, art ORDER BY art.date DESC, ev.start "
        "RETURN a.name AS source, type(r) AS type, b.name AS target, r.status AS status, "
        "a.id AS source_id, b.id AS target_id, r.key AS key, r.confirmed AS confirmed, "
        "null AS rejected, "
        "[x IN collect(CASE WHEN ev IS NULL THEN NULL ELSE {sentence: ev.sentence, "
        "rule: ev.rule, confidence: ev.confidence, page: ev.page, article_id: ev.article_id, title: art.title, date: art.date, "
        "url: coalesce(art.url, ev.cite), path: art.path, added_by: ev.who} END) "
        "WHERE x IS NOT NULL] AS evidence LIMIT 1",
        key=fact_key,
    )
    return rows[0] if rows else None


# --------------------------------------------------------------------------- cases


def case_filter_options(driver: neo4j.Driver, database: str) -> dict[str, list[str]]:
    """Values offered by the case filters: jurisdictions, statuses, offences, platforms."""
    # One subquery per filter: chained OPTIONAL MATCHes multiply rows (cases x offences x
    # targets x platforms) and took seconds on a graph of 100k relationships.
    rows = read(
        driver,
        database,
        "CALL () { MATCH (c:Case) OPTIONAL MATCH (c)-[:IN_JURISDICTION]->(j:Jurisdiction) "
        "  RETURN collect(DISTINCT coalesce(j.name, c.jurisdiction)) AS jurisdictions, "
        "  collect(DISTINCT c.status) AS statuses } "
        "CALL () { MATCH (o:Offense) WHERE EXISTS { (:Case)-[:ALLEGES]->(o) } "
        "  RETURN collect(o.name) AS offenses } "
        "CALL () { MATCH (p:Platform) WHERE EXISTS { (:Case)-[:TARGETS]->(p) } "
        "  OR EXISTS { (:Case)-[:TARGETS]->()-[:FOUNDED|LEADS]-(p) } "
        "  RETURN collect(p.name) AS platforms } "
        "RETURN jurisdictions, statuses, offenses, platforms",
    )
    row = rows[0] if rows else {}
    return {k: sorted({v for v in row.get(k, []) if v}) for k in _CASE_FILTERS}


_CASE_FILTERS = ("jurisdictions", "statuses", "offenses", "platforms")


CASES_PAGE = 100  # cases listed per page: a big graph has tens of thousands
_CASE_SORTS = {
    "title": "coalesce(c.title, c.name)",
    "latest": "coalesce(c.last_date, c.first_date, '') DESC, coalesce(c.title, c.name)",
    "sources": "COUNT { (c)-[:REPORTED_IN]->() } DESC, coalesce(c.title, c.name)",
}
CASE_SORTS = tuple(_CASE_SORTS)


def cases(
    driver: neo4j.Driver,
    database: str,
    jurisdiction: str | None = None,
    status: str | None = None,
    offense: str | None = None,
    platform: str | None = None,
    title: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    include_undated: bool = True,
    sort: str = "title",
    skip: int = 0,
    limit: int = CASES_PAGE,
) -> dict[str, Any]:
    """One page of the cases that meet the filters: `total` (how many meet them) and `rows`,
    each with its jurisdiction, leads, targets, offences, sources and known dates.

    `platform` keeps cases that target the platform or someone who founded or leads it;
    `title` is a case-insensitive part of the title; the date window keeps cases whose known
    dates [first_date, last_date] meet it (at the precision of the dates), and undated cases
    only with `include_undated`. Only the page's cases are read in full, so a page costs about
    the same on a graph of a hundred cases or of a hundred thousand.
    """
    title = (title or "").strip().lower() or None
    check_term(title or "")
    if sort not in _CASE_SORTS:
        raise InputError(f"sort must be one of {', '.join(CASE_SORTS)} (got {sort!r})")
    rows = read(
        driver,
        database,
        "MATCH (c:Case) "
        "WHERE ($status IS NULL OR c.status = $status) "
        "AND ($title IS NULL OR toLower(coalesce(c.title, c.name, '')) CONTAINS $title) "
        "AND ($jurisdiction IS NULL OR c.jurisdiction = $jurisdiction "
        "  OR EXISTS { (c)-[:IN_JURISDICTION]->(:Jurisdiction {name: $jurisdiction}) }) "
        "AND ($offense IS NULL OR EXISTS { (c)-[:ALLEGES]->(:Offense {name: $offense}) }) "
        "AND ($platform IS NULL OR EXISTS { (c)-[:TARGETS]->(p:Platform {name: $platform}) } "
        "  OR EXISTS { (c)-[:TARGETS]->()-[:FOUNDED|LEADS]-(:Platform {name: $platform}) }) "
        "AND CASE WHEN c.first_date IS NULL THEN $include_undated "
        "  ELSE ($date_to IS NULL OR substring(c.first_date, 0, size($date_to)) <= $date_to) "
        "  AND ($date_from IS NULL OR coalesce(c.last_date, c.first_date) >= "
        "    substring($date_from, 0, size(coalesce(c.last_date, c.first_date)))) END "
        f"WITH c ORDER BY {_CASE_SORTS[sort]} "
        "WITH collect(c) AS matched "
        "RETURN size(matched) AS total, [c IN matched[$skip..$skip + $limit] | {"
        "id: c.id, title: coalesce(c.title, c.name), kind: c.case_kind, status: c.status, "
        "jurisdiction: coalesce(head([(c)-[:IN_JURISDICTION]->(j:Jurisdiction) | j.name]), "
        "  c.jurisdiction), "
        "led_by: [(c)-[:LED_BY]->(x) | x.name], targets: [(c)-[:TARGETS]->(x) | x.name], "
        "offenses: [(c)-[:ALLEGES]->(x) | x.name], "
        "sources: size([(c)-[:REPORTED_IN]->(a) | a]), "
        "first_date: c.first_date, last_date: c.last_date}] AS rows",
        jurisdiction=jurisdiction,
        status=status,
        offense=offense,
        platform=platform,
        title=title,
        date_from=date_from,
        date_to=date_to,
        include_undated=include_undated,
        skip=max(0, int(skip)),
        limit=max(0, int(limit)),
    )
    return {"total": rows[0]["total"], "rows": rows[0]["rows"]}


def case_labels(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each case's title, numbered when two of `rows` share one (so that both can be picked)."""
    out: list[str] = []
    seen: set[str] = set()
    for row in rows:
        label, n = str(row["title"]), 2
        while label in seen:
            label, n = f"{row['title']} ({n})", n + 1
        seen.add(label)
        out.append(label)
    return out


def case_detail(driver: neo4j.Driver, database: str, case_id: str) -> dict[str, Any] | None:
    """A case with its roles, sources and the cases linked to it."""
    rows = read(
        driver,
        database,
        "MATCH (c:Case {id: $id}) "
        "RETURN properties(c) AS case, "
        "[(c)-[r]->(x:Entity) WHERE type(r) IN $roles | "
        " {role: type(r), id: x.id, name: x.name, kind: x.kind, key: r.key}] AS roles, "
        "[(c)-[:REPORTED_IN]->(a:Article) | "
        " {id: a.id, title: a.title, date: a.date, url: a.url}] AS sources",
        id=case_id,
        roles=list(ontology.CASE_RELATIONSHIPS),
    )
    if not rows:
        return None
    detail = rows[0]
    detail["linked"] = linked_cases(driver, database, case_id)
    return detail


# Linked cases stay cheap on a big graph: a party with more relationships than this (a country,
# "fraud") links cases by itself only, not through each of its facts; and at most
# LINKED_PER_ENTITY cases per party and LINKED_CASES in all are listed, most links first.
LINKED_HUB_DEGREE = 200
LINKED_PER_ENTITY = 50
LINKED_CASES = 100


def linked_cases(driver: neo4j.Driver, database: str, case_id: str) -> list[dict[str, Any]]:
    """Cases sharing a party, offence or place with this one, or whose parties share a fact.

    `via` says how: the shared entity, or the two entities and the fact between them
    (e.g. Telegram targeted in one case, founded by the person charged in the other).
    """
    return read(
        driver,
        database,
        "MATCH (c:Case {id: $id})-[r1]->(x:Entity) WHERE type(r1) IN $roles "
        "CALL (c, x) { "
        "  MATCH (other:Case)-[r2]->(x) WHERE other <> c AND type(r2) IN $roles "
        "  AND type(r2) <> 'IN_JURISDICTION' "
        "  WITH other, x LIMIT $per_entity "
        "  RETURN other, x.name AS via "
        "  UNION "
        "  WITH c, x WHERE COUNT { (x)--() } <= $hub "
        "  MATCH (x)-[f]-(y:Entity)<-[r2]-(other:Case) WHERE other <> c AND type(f) IN $facts "
        "  AND type(r2) IN $roles AND NOT y:Jurisdiction "
        "  WITH other, f LIMIT $per_entity "
        "  RETURN other, startNode(f).name + ' ' + type(f) + ' ' + endNode(f).name AS via "
        "} "
        "WITH other, collect(DISTINCT via) AS via "
        "WITH other, via, coalesce(other.title, other.name) AS title "
        "ORDER BY size(via) DESC, title LIMIT $limit "
        "RETURN other.id AS id, title, other.status AS status, via ORDER BY title",
        id=case_id,
        roles=list(ontology.CASE_RELATIONSHIPS),
        facts=list(ontology.FACT_TYPES),
        hub=LINKED_HUB_DEGREE,
        per_entity=LINKED_PER_ENTITY,
        limit=LINKED_CASES,
    )


def merge_subgraphs(*subs: dict[str, Any]) -> dict[str, Any]:
    """One subgraph holding every node and edge of `subs` once (first occurrence wins); a hub
    stays collapsed unless one of `subs` expanded it (walked through it)."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}
    for sub in subs:
        for n in sub["nodes"]:
            nodes.setdefault(n["id"], n)
        for e in sub["edges"]:
            edges.setdefault(e["id"], e)
    expanded = {i for sub in subs for i in sub.get("expanded", ())}
    hubs = {h for sub in subs for h in sub.get("hubs", ())} - expanded
    out = Subgraph(list(nodes.values()), list(edges.values())).as_dict()
    return {
        **out,
        "hubs": sorted(h for h in hubs if h in nodes),
        "truncated": any(sub.get("truncated") for sub in subs),
    }


def bundle_edges(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts between the same two entities (either direction) as one drawn edge: the
    best-supported fact's id, type and ends, `members` the ids of all of them (best first),
    `caption` its type and how many more ("INVESTIGATES +2"), `evidence` their sum."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in edges:
        pair = (min(e["source"], e["target"]), max(e["source"], e["target"]))
        groups.setdefault(pair, []).append(e)
    out = []
    for group in groups.values():
        group = sorted(
            group,
            key=lambda e: (-(e.get("sources") or 0), -(e.get("evidence_count") or 0), e["type"]),
        )
        first = group[0]
        more = f" +{len(group) - 1}" if len(group) > 1 else ""
        out.append(
            {
                **first,
                "caption": first["type"] + more,
                "members": [e["id"] for e in group],
                "evidence": sum(e.get("evidence_count") or 0 for e in group),
            }
        )
    return out


def edge_label(edge: dict[str, Any], names: dict[str, str]) -> str:
    """`Source —TYPE→ Target` for lists and select boxes."""
    source = names.get(edge["source"], edge["source"])
    target = names.get(edge["target"], edge["target"])
    status = f" ({edge['status']})" if edge.get("status") else ""
    return f"{source} —{edge['type']}{status}→ {target}"


def result_subgraph(
    nodes: Sequence[dict[str, Any]], relationships: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """A drawable subgraph from the graph parts of a query result (graph.queries.QueryResult).

    Articles and evidence are left out: the drawing shows entities and the facts between them.
    """
    keep = [
        n
        for n in nodes
        if ontology.ARTICLE_LABEL not in n["labels"] and ontology.EVIDENCE_LABEL not in n["labels"]
    ]
    ids = {n["id"] for n in keep}
    out_nodes = [
        {"id": n["id"], "name": n["name"], "kind": n["kind"], **_extra(n["properties"])}
        for n in keep
    ]
    out_edges = []
    for r in relationships:
        if r["source"] not in ids or r["target"] not in ids:
            continue
        props = r["properties"]
        out_edges.append(
            {
                "id": props.get("key") or r["element_id"],
                "key": props.get("key"),
                "type": r["type"],
                "source": r["source"],
                "target": r["target"],
                "status": props.get("status"),
                "evidence_count": props.get("evidence_count") or len(props.get("articles") or []),
                "articles": props.get("articles") or [],
            }
        )
    return Subgraph(out_nodes, out_edges).as_dict()


def _extra(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props.get(k) for k in ("iso", "status", "case_kind")}


# --------------------------------------------------------------------------- time


_NO_LIMIT = 2**62  # Cypher's LIMIT takes no null


def fact_timeline(
    driver: neo4j.Driver,
    database: str,
    node_id: str,
    date_from: str | None = None,
    date_to: str | None = None,
    include_undated: bool = True,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The facts of an entity, or of a case (its roles and the facts among its parties), one
    row per piece of evidence, by date: the event date its sentence gives, else the date of the
    article that reported it (`dated_by` says which; None when neither is known).

    [date_from, date_to] (ISO strings, either may be None) keeps the rows dated inside it;
    undated rows are kept, last, only with `include_undated`. `limit` keeps the first rows in
    that order (a case between hubs has thousands).
    """
    rows = read(
        driver,
        database,
        "MATCH (n:Entity {id: $id}) "
        "CALL (n) { "
        "  MATCH (n)-[r]-(:Entity) WHERE type(r) IN $types RETURN r "
        "  UNION "
        "  MATCH (n:Case)-[]->(p:Entity) WITH n, collect(p) AS parties "
        "  UNWIND parties AS p MATCH (p)-[r]-(q:Entity) "
        "  WHERE q IN parties AND type(r) IN $facts RETURN r "
        "} "
        "WITH DISTINCT r "
        "MATCH (ev:Evidence {fact_key: r.key}) "
        "OPTIONAL MATCH (a:Article {id: ev.article_id}) "
        "WITH r, ev, a, coalesce(ev.event_date, a.date) AS date "
        "WHERE (date IS NULL AND $undated) OR (date IS NOT NULL "
        "  AND ($from IS NULL OR date >= left($from, size(date))) AND ($to IS NULL OR left(date, size($to)) <= $to)) "
        "RETURN date, CASE WHEN ev.event_date IS NOT NULL THEN 'event' "
        "  WHEN a.date IS NOT NULL THEN 'report' END AS dated_by, "
        "ev.event_date AS event_date, a.date AS reported_date, type(r) AS type, r.key AS key, "
        "startNode(r).name AS source, endNode(r).name AS target, ev.sentence AS sentence, "
        "a.id AS article_id, a.title AS title "
        "ORDER BY date IS NULL, date, type, source, target, article_id LIMIT $limit",
        id=node_id,
        limit=_NO_LIMIT if limit is None else max(0, int(limit)),
        types=list(ontology.GRAPH_RELATIONSHIPS),
        facts=list(ontology.FACT_TYPES),
        undated=include_undated,
        **{"from": date_from, "to": date_to},
    )
    return rows
