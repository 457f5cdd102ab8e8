"""All write-side Cypher of casegraph: schema, batched idempotent writes, retraction, reset, stats.

The graph model is the one in docs/ARCHITECTURE.md. How it stays correct:

- Identity. Every node is MERGEd on a deterministic `id` that a uniqueness constraint guards,
  every fact and case relationship on a deterministic `key` that a relationship uniqueness
  constraint guards, so concurrent writers cannot create duplicates.
- Provenance is the source of truth. Every fact and case relationship is backed by `Evidence`
  nodes (one per fact, article and sentence). A relationship's `articles`, `evidence_count` and
  `status` are recomputed from its Evidence, which makes re-writing a no-op and retraction exact.
- Order independence. Node properties that several articles may disagree on are joined with
  fixed rules (see `_better_name`, `STATUS_PRECEDENCE`...), which give the same answer whatever
  the order of articles and batches.
- Lost updates. A read-modify-write first takes the node's or relationship's write lock by
  setting a throwaway `_lock` property (the explicit-locking idiom of the Neo4j manual), so a
  concurrent writer waits and then reads the committed state.
- Atomicity. One managed transaction per batch writes its articles, entities, mentions,
  evidence, facts and cases: an article and its facts are visible together or not at all.

Labels and relationship types are formatted into Cypher only after `ontology.check_label` /
`check_relationship`; every value travels as a parameter.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from graph import ontology
from graph.corrections import (
    ENTITY_ACTIONS,
    apply_entity_map,
    apply_splits,
    resolve_map,
    split_map,
)
from graph.errors import DatabaseUnavailable, QueryError
from ingest.records import Article, Extraction, normalize_name
from ingest.syndication import Signature, is_copy, signature

T = TypeVar("T")

# COOPERATES_WITH status when articles disagree: the strongest statement wins. A stated
# refusal outranks any cooperation, an ongoing cooperation implies it was agreed, an
# agreement that it was sought.
STATUS_PRECEDENCE: dict[str, int] = {s: i for i, s in enumerate(ontology.COOPERATION_STATUSES)}
# Case status when articles disagree: the most specific stage of the proceeding wins.
CASE_STATUS_PRECEDENCE: dict[str, int] = {
    s: i
    for i, s in enumerate(
        ("unknown", "open", "closed", "charged", "acquitted", "convicted", "sentenced")
    )
}
# Case kind when articles disagree (only possible for targeted cases): the most specific wins.
CASE_KIND_PRECEDENCE: dict[str, int] = {
    k: i
    for i, k in enumerate(("investigation", "operation", "regulatory", "lawsuit", "prosecution"))
}
assert set(CASE_STATUS_PRECEDENCE) == set(ontology.CASE_STATUSES)
assert set(CASE_KIND_PRECEDENCE) == set(ontology.CASE_KINDS)

_RETRYABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.TransientError,
    neo4j_errors.IncompleteCommit,
    # A uniqueness violation can only come from a race with another writer; the retry MERGEs
    # onto what that writer committed.
    neo4j_errors.ConstraintError,
)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def fact_key(rel_type: str, source: str, target: str) -> str:
    """The `key` of a fact or case relationship; symmetric facts ignore the direction."""
    if rel_type in ontology.SYMMETRIC_FACTS:
        source, target = sorted((source, target))
    return _digest(rel_type, source, target)


def evidence_id(key: str, article_id: str, start: int, end: int) -> str:
    """One Evidence per (fact, article, sentence)."""
    return _digest(key, article_id, str(start), str(end))


def _better_name(a: str | None, b: str | None) -> str | None:
    """The preferred of two names: the longer, then the lexicographically smaller."""
    if a is None or b is None:
        return a if b is None else b
    return min(a, b, key=lambda s: (-len(s), s))


def _min_present(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _max_ranked(a: str | None, b: str | None, rank: dict[str, int]) -> str | None:
    if a is None or b is None:
        return a if b is None else b
    return a if rank[a] >= rank[b] else b


@dataclass
class WriteResult:
    """What one `Store.write` committed: counts of distinct records and database counters."""

    articles: tuple[str, ...] = ()
    entities: int = 0
    mentions: int = 0
    facts: int = 0
    cases: int = 0
    evidence: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    # (old id, new id): stored articles with the new one's URL or file that it replaced
    replaced: tuple[tuple[str, str], ...] = ()

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            replaced=self.replaced + other.replaced,
            articles=self.articles + other.articles,
            entities=self.entities + other.entities,
            mentions=self.mentions + other.mentions,
            facts=self.facts + other.facts,
            cases=self.cases + other.cases,
            evidence=self.evidence + other.evidence,
            nodes_created=self.nodes_created + other.nodes_created,
            relationships_created=self.relationships_created + other.relationships_created,
        )


@dataclass(frozen=True)
class RetractResult:
    """What `Store.retract` removed."""

    article_id: str
    evidence_deleted: int
    relationships_deleted: int
    entities_deleted: int
    cases_deleted: int

    def __str__(self) -> str:
        return (
            f"retracted article {self.article_id}: removed {self.evidence_deleted} evidence, "
            f"{self.relationships_deleted} facts/case links, {self.entities_deleted} entities, "
            f"{self.cases_deleted} cases"
        )


class WriteFailed(DatabaseUnavailable):
    """A write batch could not be committed; `written` holds the article ids that were."""

    def __init__(self, message: str, written: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.written = written


# ---------------------------------------------------------------------------------------------
# Planning: from extractions to the parameter rows of each statement (pure, no database).


@dataclass
class BatchPlan:
    """The rows of every write statement for one batch, deduplicated and deterministic."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    entities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by kind label
    mentions: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    reported_in: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by fact type
    case_links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by role type


def _surfaces(entity: Any) -> list[str]:
    forms = {entity.name, *entity.aliases, *(m.text for m in entity.mentions)}
    return sorted({f.strip() for f in forms if f and f.strip()})


def _check_fact(ex: Extraction, rel: Any, kinds: dict[str, str]) -> None:
    where = f"article {ex.article.id}: {rel.type} {rel.source} -> {rel.target}"
    ontology.check_relationship(rel.type)
    if rel.type not in ontology.FACT_PATTERNS:
        raise ValueError(f"{where}: {rel.type} is not a fact type")
    if rel.source not in kinds or rel.target not in kinds:
        raise ValueError(f"{where}: both ends must be entities of the same extraction")
    if not ontology.fact_allowed(rel.type, kinds[rel.source], kinds[rel.target]):
        raise ValueError(
            f"{where}: {kinds[rel.source]} -[{rel.type}]-> {kinds[rel.target]} "
            "is not allowed by the ontology"
        )
    if rel.status is not None and rel.status not in STATUS_PRECEDENCE:
        raise ValueError(f"{where}: unknown cooperation status {rel.status!r}")


class _Planner:
    """Accumulates one batch; each `add_*` joins rows with the order-independent rules."""

    def __init__(self) -> None:
        self.articles: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.mentions: dict[tuple[str, str], dict[str, Any]] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.reported_in: dict[tuple[str, str], dict[str, Any]] = {}
        self.evidence: dict[str, dict[str, Any]] = {}
        self.links: dict[str, dict[str, Any]] = {}  # fact and case relationships by key

    def add_article(self, ex: Extraction) -> None:
        a = ex.article
        props: dict[str, Any] = {"title": a.title, "date": a.date, "url": a.url, "path": a.path}
        props |= {"author": a.author, "date_source": a.date_source, "pages": list(a.pages) or None}
        props |= {"publisher": a.publisher}
        sig = signature(a.text)
        props |= {
            "minhash": list(sig.hashes) if sig else None,
            "shingles": sig.shingles if sig else None,
            "lsh": " ".join(sig.bands()) if sig else None,
        }
        old = self.articles.get(a.id)
        # The same text from several files: the smallest path supplies the metadata.
        if old is None or a.path < old["props"]["path"]:
            self.articles[a.id] = {
                "id": a.id, "path": a.path, "props": props, "text": a.text,
                "raw_digest": a.raw_digest or (old or {}).get("raw_digest"),
            }  # fmt: skip
        elif a.raw_digest and not old.get("raw_digest"):
            old["raw_digest"] = a.raw_digest

    def add_entities(self, ex: Extraction) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for e in ex.entities:
            if e.kind not in ontology.ENTITY_KINDS:
                raise ValueError(f"article {ex.article.id}: entity {e.id} has kind {e.kind!r}")
            kinds[e.id] = e.kind
            surfaces = _surfaces(e)
            row: dict[str, Any] = {
                "id": e.id,
                "kind": e.kind,
                "name": e.name,
                "norm": normalize_name(e.name),
                "iso": e.iso,
                "surfaces": surfaces,
            }
            old = self.entities.get(e.id)
            if old is not None:
                row["name"] = _better_name(old["name"], row["name"])
                row["norm"] = _min_present(old["norm"], row["norm"])
                row["iso"] = _min_present(old["iso"], row["iso"])
                row["surfaces"] = sorted(set(old["surfaces"]) | set(surfaces))
            self.entities[e.id] = row
            spans = sorted((m.start, m.end) for m in e.mentions)
            self._add_mention(ex.article.id, e.id, e.name, surfaces, spans)
        return kinds

    def _add_mention(
        self, aid: str, eid: str, name: str, surfaces: list[str], spans: list[tuple[int, int]]
    ) -> None:
        old = self.mentions.get((aid, eid))
        n = len(spans)
        if old is not None:  # an extraction listing one entity twice
            name = _better_name(old["name"], name) or name
            surfaces = sorted(set(old["surfaces"]) | set(surfaces))
            n += old["count"]
            pairs = zip(old["spans"][::2], old["spans"][1::2], strict=True)
            spans = sorted(set(spans) | set(pairs))
        row = {
            "article": aid, "entity": eid, "name": name, "surfaces": surfaces, "count": n,
            # where in the article's text: start, end, start, end ... (for the document view)
            "spans": [offset for span in spans for offset in span],
        }  # fmt: skip
        self.mentions[(aid, eid)] = row

    def add_evidence(self, rel_type: str, key: str, aid: str, ev: dict[str, Any]) -> None:
        eid = evidence_id(key, aid, ev["start"], ev["end"])
        props = {"fact_key": key, "type": rel_type, "article_id": aid, **ev}
        old = self.evidence.get(eid)
        # Two rules finding one fact in one sentence: keep the smallest rule, deterministically.
        if old is None or _evidence_order(props) < _evidence_order(old["props"]):
            self.evidence[eid] = {"id": eid, "props": props}

    def add_link(self, rel_type: str, source: str, target: str) -> str:
        if rel_type in ontology.SYMMETRIC_FACTS:
            source, target = sorted((source, target))
        key = fact_key(rel_type, source, target)
        self.links[key] = {"type": rel_type, "key": key, "source": source, "target": target}
        return key


def _evidence_order(props: dict[str, Any]) -> tuple[str, str, str, str]:
    return (props["rule"], props["model"], props["status"] or "", props["sentence"])


def _add_facts(p: _Planner, ex: Extraction, kinds: dict[str, str]) -> None:
    aid = ex.article.id
    for rel in ex.relations:
        _check_fact(ex, rel, kinds)
        key = p.add_link(rel.type, rel.source, rel.target)
        status = rel.status if rel.type == "COOPERATES_WITH" else None
        ev = {
            "sentence": rel.sentence,
            "start": rel.start,
            "end": rel.end,
            "rule": rel.rule,
            "model": rel.model,
            "status": status,
            "confidence": rel.confidence,
            "page": ex.article.page_of(rel.start),
            "event_date": rel.event_date,
            "reported_date": ex.article.date,
        }
        p.add_evidence(rel.type, key, aid, ev)


def _case_roles(case: Any) -> list[tuple[str, str]]:
    roles = [(ontology.CASE_LED_BY, t) for t in case.led_by]
    roles += [(ontology.CASE_TARGETS, t) for t in case.targets]
    roles += [(ontology.CASE_ALLEGES, t) for t in case.offenses]
    if case.jurisdiction_id:
        roles.append((ontology.CASE_IN_JURISDICTION, case.jurisdiction_id))
    return roles


def _add_case(p: _Planner, ex: Extraction, case: Any, kinds: dict[str, str]) -> None:
    aid = ex.article.id
    where = f"article {aid}: case {case.id}"
    if case.kind not in CASE_KIND_PRECEDENCE:
        raise ValueError(f"{where}: unknown case kind {case.kind!r}")
    if case.status not in CASE_STATUS_PRECEDENCE:
        raise ValueError(f"{where}: unknown case status {case.status!r}")
    row = {
        "id": case.id,
        "title": case.title,
        "case_kind": case.kind,
        "status": case.status,
        "jurisdiction": case.jurisdiction,
    }
    old = p.cases.get(case.id)
    if old is not None:
        row["title"] = _better_name(old["title"], row["title"])
        row["case_kind"] = _max_ranked(old["case_kind"], row["case_kind"], CASE_KIND_PRECEDENCE)
        row["status"] = _max_ranked(old["status"], row["status"], CASE_STATUS_PRECEDENCE)
        row["jurisdiction"] = _min_present(old["jurisdiction"], row["jurisdiction"])
    p.cases[case.id] = row
    ev = {"sentence": case.sentence, "start": case.start, "end": case.end, "rule": case.rule}
    ev["page"] = ex.article.page_of(case.start)
    ev |= {"event_date": case.event_date, "reported_date": ex.article.date}
    # One REPORTED_IN per (case, article); its properties let retraction recompute the case.
    props = {
        "title": case.title,
        "case_kind": case.kind,
        "status": case.status,
        "jurisdiction": case.jurisdiction,
        **ev,
    }
    p.reported_in[(case.id, aid)] = {"case": case.id, "article": aid, "props": props}
    for rel_type, target in _case_roles(case):
        if target not in kinds:
            raise ValueError(f"{where}: {rel_type} target {target} is not an entity of it")
        key = p.add_link(rel_type, case.id, target)
        p.add_evidence(rel_type, key, aid, {**ev, "model": "", "status": None, "confidence": None})


def plan_batch(extractions: Iterable[Extraction]) -> BatchPlan:
    """The statement rows for one batch. Raises ValueError when a record breaks the ontology."""
    p = _Planner()
    for ex in extractions:
        first = ex.article.id not in p.articles
        p.add_article(ex)
        if not first:
            # The same text again (another file, or a repeat): the same extraction, whose
            # mentions must not be counted twice; only its article metadata takes part.
            continue
        kinds = p.add_entities(ex)
        _add_facts(p, ex, kinds)
        for case in ex.cases:
            _add_case(p, ex, case, kinds)
    plan = BatchPlan(
        articles=[p.articles[k] for k in sorted(p.articles)],
        mentions=[p.mentions[k] for k in sorted(p.mentions)],
        cases=[p.cases[k] for k in sorted(p.cases)],
        reported_in=[p.reported_in[k] for k in sorted(p.reported_in)],
        evidence=[p.evidence[k] for k in sorted(p.evidence)],
    )
    # Sorted rows make concurrent writers lock in the same order, which avoids most deadlocks.
    for eid in sorted(p.entities):
        row = p.entities[eid]
        plan.entities.setdefault(row["kind"], []).append(row)
    for key in sorted(p.links):
        link = p.links[key]
        target = plan.facts if link["type"] in ontology.FACT_PATTERNS else plan.case_links
        target.setdefault(link["type"], []).append(link)
    return plan


# ---------------------------------------------------------------------------------------------
# Cypher. Only checked labels and relationship types are formatted into these texts.

# "Longer, then lexicographically smaller" in Cypher, as `_better_name` does in Python.
_NAME_WINS = (
    "({old} IS NULL OR size({new}) > size({old}) OR (size({new}) = size({old}) AND {new} < {old}))"
)
_MIN_PRESENT = "CASE WHEN {old} IS NULL OR {new} < {old} THEN {new} ELSE {old} END"
_MAX_RANKED = "CASE WHEN {old} IS NULL OR {rank}[{new}] > {rank}[{old}] THEN {new} ELSE {old} END"
# A file's raw digest replaces an article's when it has none or one made by another version of
# the reading code (the part before "-", `ingest.sources.raw_digest`). A second file with the
# same text and reader leaves the first one's: one digest each.
_DIGEST_REPLACED = "({old} IS NULL OR split({old}, '-')[0] <> split({new}, '-')[0])"

WRITE_ARTICLES = (
    """
UNWIND $rows AS row
MERGE (a:Article {id: row.id})
SET a._lock = true
WITH a, row, CASE WHEN a.path IS NULL OR row.path <= a.path THEN row.props ELSE {
    title: a.title, date: a.date, url: a.url, path: a.path, author: a.author,
    date_source: a.date_source, pages: a.pages, publisher: a.publisher
} END AS p
SET a.title = p.title, a.date = p.date, a.url = p.url, a.path = p.path, a.text = row.text,
    a.author = p.author, a.date_source = p.date_source, a.pages = p.pages,
    a.publisher = p.publisher,
    a.minhash = row.props.minhash, a.shingles = row.props.shingles, a.lsh = row.props.lsh,
    a.raw_digest = CASE WHEN row.raw_digest IS NOT NULL AND """
    + _DIGEST_REPLACED.format(old="a.raw_digest", new="row.raw_digest")
    + """
        THEN row.raw_digest ELSE a.raw_digest END
REMOVE a._lock
"""
)

_NOTE_RAW_DIGESTS = (
    """
UNWIND $rows AS row
MATCH (a:Article {id: row.id})
WHERE """
    + _DIGEST_REPLACED.format(old="a.raw_digest", new="row.d")
    + """
SET a.raw_digest = row.d
"""
)


def write_entities_cypher(kind: str) -> str:
    label = ontology.check_label(kind)
    wins = _NAME_WINS.format(old="e.name", new="row.name")
    return f"""
UNWIND $rows AS row
MERGE (e:Entity {{id: row.id}})
SET e:{label}, e._lock = true
WITH e, row, {wins} AS wins
SET e.kind = row.kind,
    e.name = CASE WHEN wins THEN row.name ELSE e.name END,
    e.norm = {_MIN_PRESENT.format(old="e.norm", new="row.norm")},
    e.iso = {_MIN_PRESENT.format(old="e.iso", new="row.iso")},
    e.aliases = COLLECT {{
        UNWIND coalesce(e.aliases, []) + row.surfaces AS s RETURN DISTINCT s ORDER BY s
    }}
REMOVE e._lock
"""


WRITE_MENTIONS = """
UNWIND $rows AS row
MATCH (a:Article {id: row.article})
MATCH (e:Entity {id: row.entity})
MERGE (a)-[m:MENTIONS]->(e)
SET m.surfaces = row.surfaces, m.count = row.count, m.name = row.name, m.spans = row.spans
"""

WRITE_CASES = f"""
UNWIND $rows AS row
MERGE (c:Entity {{id: row.id}})
SET c:Case, c._lock = true
WITH c, row, {_NAME_WINS.format(old="c.title", new="row.title")} AS wins
SET c.kind = 'Case',
    c.title = CASE WHEN wins THEN row.title ELSE c.title END,
    c.name = CASE WHEN wins THEN row.title ELSE c.name END,
    c.case_kind = {_MAX_RANKED.format(old="c.case_kind", new="row.case_kind", rank="$kind_rank")},
    c.status = {_MAX_RANKED.format(old="c.status", new="row.status", rank="$status_rank")},
    c.jurisdiction = {_MIN_PRESENT.format(old="c.jurisdiction", new="row.jurisdiction")}
REMOVE c._lock
"""

WRITE_REPORTED_IN = """
UNWIND $rows AS row
MATCH (c:Case {id: row.case})
MATCH (a:Article {id: row.article})
MERGE (c)-[r:REPORTED_IN]->(a)
SET r.title = row.props.title, r.case_kind = row.props.case_kind, r.status = row.props.status,
    r.jurisdiction = row.props.jurisdiction, r.sentence = row.props.sentence,
    r.start = row.props.start, r.end = row.props.end, r.rule = row.props.rule,
    r.event_date = row.props.event_date
"""

# A case's first and last known dates: the event dates its reports give, or the reporting
# article's date where a report gives none.
CASE_DATES = """
UNWIND $ids AS id
MATCH (c:Case {id: id})
WITH c, COLLECT { MATCH (c)-[r:REPORTED_IN]->(a:Article)
                  WITH coalesce(r.event_date, a.date) AS d WHERE d IS NOT NULL
                  RETURN d } AS dates
SET c.first_date = reduce(m = null, d IN dates | CASE WHEN m IS NULL OR d < m THEN d ELSE m END),
    c.last_date = reduce(m = null, d IN dates | CASE WHEN m IS NULL OR d > m THEN d ELSE m END)
"""

WRITE_EVIDENCE = """
UNWIND $rows AS row
MERGE (e:Evidence {id: row.id})
SET e.fact_key = row.props.fact_key, e.type = row.props.type,
    e.article_id = row.props.article_id, e.sentence = row.props.sentence,
    e.start = row.props.start, e.end = row.props.end, e.rule = row.props.rule,
    e.model = row.props.model, e.status = row.props.status, e.confidence = row.props.confidence,
    e.page = row.props.page,
    e.event_date = row.props.event_date, e.reported_date = row.props.reported_date
"""

# Recompute a locked relationship `r` from its Evidence; delete it when none is left or when a
# person rejected it (graph.curation) or set the source's jurisdiction to another place than
# this fact's target; `confirmed` when a person confirmed it. A fact a person
# added has Evidence without an article (`article_id` null): it counts, and no retraction
# removes it.
_REFRESH_FACT = """
SET r._lock = true
WITH r,
     COLLECT { MATCH (e:Evidence {fact_key: r.key}) WHERE e.article_id IS NOT NULL
               RETURN DISTINCT e.article_id AS a ORDER BY a } AS articles,
     COLLECT { MATCH (e:Evidence {fact_key: r.key}) WHERE e.status IS NOT NULL
               RETURN e.status AS s ORDER BY $status_rank[s] DESC LIMIT 1 } AS statuses,
     COUNT { MATCH (e:Evidence {fact_key: r.key}) } AS evidence
SET r.articles = articles,
    r.sources = size([a IN articles WHERE NOT EXISTS {
        MATCH (:Article {id: a})-[:SAME_STORY]-(c:Article) WHERE c.id IN articles AND c.id < a }]),
    r.evidence_count = evidence,
    r.status = statuses[0],
    r.confidence = COLLECT { MATCH (e:Evidence {fact_key: r.key}) WHERE e.confidence IS NOT NULL
                             RETURN max(e.confidence) }[0],
    r.first_event_date = COLLECT { MATCH (e:Evidence {fact_key: r.key})
                                   WHERE e.event_date IS NOT NULL RETURN min(e.event_date) }[0],
    r.last_event_date = COLLECT { MATCH (e:Evidence {fact_key: r.key})
                                  WHERE e.event_date IS NOT NULL RETURN max(e.event_date) }[0],
    r.confirmed = CASE WHEN EXISTS { MATCH (c:Curation {fact_key: r.key, action: 'confirm'})
                                     WHERE c.undone_at IS NULL } THEN true ELSE null END
REMOVE r._lock
WITH r, evidence WHERE evidence = 0
   OR EXISTS { MATCH (c:Curation {fact_key: r.key, action: 'reject'}) WHERE c.undone_at IS NULL }
   OR EXISTS { MATCH (c:Curation {source_id: startNode(r).id, action: 'jurisdiction'})
               WHERE c.undone_at IS NULL AND c.type = type(r) AND c.target_id <> endNode(r).id }
DELETE r
RETURN count(*) AS deleted
"""
_REFRESH_CASE_LINK = """
SET r._lock = true
WITH r, COLLECT {
       MATCH (e:Evidence {fact_key: r.key}) RETURN DISTINCT e.article_id AS a ORDER BY a
     } AS articles
SET r.articles = articles
REMOVE r._lock
WITH r, articles WHERE size(articles) = 0
DELETE r
RETURN count(*) AS deleted
"""


def _refresh(rel_type: str) -> str:
    return _REFRESH_FACT if rel_type in ontology.FACT_PATTERNS else _REFRESH_CASE_LINK


def write_links_cypher(rel_type: str) -> str:
    """MERGE fact or case relationships of one type, then recompute them from their Evidence."""
    rel = ontology.check_relationship(rel_type)
    return f"""
UNWIND $rows AS row
MATCH (s:Entity {{id: row.source}})
MATCH (t:Entity {{id: row.target}})
MERGE (s)-[r:{rel} {{key: row.key}}]->(t)
WITH r
{_refresh(rel)}"""


def refresh_links_cypher(rel_type: str) -> str:
    """Recompute relationships of one type by key (after Evidence was removed)."""
    rel = ontology.check_relationship(rel_type)
    return f"""
UNWIND $keys AS key
MATCH ()-[r:{rel} {{key: key}}]->()
{_refresh(rel)}"""


REFRESH_ENTITIES = """
UNWIND $ids AS id
MATCH (e:Entity {id: id})
SET e._lock = true
WITH e,
     COLLECT { MATCH (:Article)-[m:MENTIONS]->(e) UNWIND m.surfaces AS s
               RETURN DISTINCT s ORDER BY s } AS aliases,
     COLLECT { MATCH (:Article)-[m:MENTIONS]->(e)
               WHERE m.name IS NOT NULL
               RETURN m.name AS n ORDER BY size(n) DESC, n LIMIT 1 } AS names,
     COUNT { (:Article)-[:MENTIONS]->(e) } AS mentions
SET e.aliases = aliases, e.name = coalesce(names[0], e.name)
REMOVE e._lock
WITH e, mentions WHERE mentions = 0
DETACH DELETE e
RETURN count(*) AS deleted
"""

REFRESH_CASES = """
UNWIND $ids AS id
MATCH (c:Case {id: id})
SET c._lock = true
WITH c,
     COLLECT { MATCH (c)-[r:REPORTED_IN]->(:Article) WHERE r.title IS NOT NULL
               RETURN r.title AS t ORDER BY size(t) DESC, t LIMIT 1 } AS titles,
     COLLECT { MATCH (c)-[r:REPORTED_IN]->(:Article)
               RETURN r.case_kind AS k ORDER BY $kind_rank[k] DESC LIMIT 1 } AS kinds,
     COLLECT { MATCH (c)-[r:REPORTED_IN]->(:Article)
               RETURN r.status AS s ORDER BY $status_rank[s] DESC LIMIT 1 } AS statuses,
     COLLECT { MATCH (c)-[r:REPORTED_IN]->(:Article) WHERE r.jurisdiction IS NOT NULL
               RETURN r.jurisdiction AS j ORDER BY j LIMIT 1 } AS places,
     COUNT { (c)-[:REPORTED_IN]->(:Article) } AS reports
SET c.title = coalesce(titles[0], c.title), c.name = coalesce(titles[0], c.name),
    c.case_kind = coalesce(kinds[0], c.case_kind), c.status = coalesce(statuses[0], c.status),
    c.jurisdiction = places[0]
REMOVE c._lock
WITH c, reports WHERE reports = 0
DETACH DELETE c
RETURN count(*) AS deleted
"""


def schema_statements() -> list[str]:
    """Constraints and indexes, all `IF NOT EXISTS`; relationship keys are unique per type."""
    out = []
    for label in (
        ontology.ARTICLE_LABEL,
        ontology.ENTITY_LABEL,
        *ontology.NODE_KINDS,
        ontology.EVIDENCE_LABEL,
        ontology.CURATION_LABEL,
    ):
        label = ontology.check_label(label)
        out.append(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        )
    for label, prop in (
        ("Entity", "name"),
        ("Entity", "norm"),
        ("Jurisdiction", "iso"),
        ("Evidence", "fact_key"),
        ("Evidence", "article_id"),
        ("Case", "status"),
        ("Article", "date"),
        ("Article", "url"),
        ("Article", "path"),
        ("Article", "raw_digest"),
        ("Curation", "fact_key"),
        ("Curation", "source_id"),
    ):
        label = ontology.check_label(label)
        out.append(
            f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        )
    for rel_type in ontology.GRAPH_RELATIONSHIPS:
        rel = ontology.check_relationship(rel_type)
        out.append(
            f"CREATE CONSTRAINT {rel.lower()}_key IF NOT EXISTS "
            f"FOR ()-[r:{rel}]-() REQUIRE r.key IS UNIQUE"
        )
    # The Review page (graph.documents.facts_to_review) walks facts from the least confident.
    for rel_type in ontology.FACT_TYPES:
        rel = ontology.check_relationship(rel_type)
        out.append(
            f"CREATE INDEX {rel.lower()}_confidence IF NOT EXISTS "
            f"FOR ()-[r:{rel}]-() ON (r.confidence)"
        )
    # The entity search (graph.views.search_entities) asks Lucene for candidates first.
    out.append(
        f"CREATE FULLTEXT INDEX {ENTITY_NAMES_INDEX} IF NOT EXISTS "
        f"FOR (e:{ontology.ENTITY_LABEL}) ON EACH [e.name, e.aliases, e.iso]"
    )
    # The text search (graph.search): articles by title and text, evidence by its sentence.
    out.append(
        f"CREATE FULLTEXT INDEX {ARTICLE_TEXT_INDEX} IF NOT EXISTS "
        f"FOR (a:{ontology.ARTICLE_LABEL}) ON EACH [a.title, a.text]"
    )
    # Near-duplicate articles (ingest/syndication.py): band keys are whitespace-separated words.
    out.append(
        f"CREATE FULLTEXT INDEX {ARTICLE_LSH_INDEX} IF NOT EXISTS "
        f"FOR (a:{ontology.ARTICLE_LABEL}) ON EACH [a.lsh] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"
    )
    out.append(
        f"CREATE FULLTEXT INDEX {EVIDENCE_TEXT_INDEX} IF NOT EXISTS "
        f"FOR (e:{ontology.EVIDENCE_LABEL}) ON EACH [e.sentence]"
    )
    return out


ENTITY_NAMES_INDEX = "entity_names"
ARTICLE_LSH_INDEX = "article_lsh"
ARTICLE_TEXT_INDEX = "article_text"
EVIDENCE_TEXT_INDEX = "evidence_text"
_SCHEMA_NAME = re.compile(r"(?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS")


def _short(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).splitlines()[0][:200]


def _ignorable_schema_error(exc: neo4j_errors.Neo4jError) -> bool:
    # Two processes creating the same schema at once: the loser finds it already there.
    return bool(exc.code) and "AlreadyExists" in str(exc.code)


def _run(tx: neo4j.ManagedTransaction, query: str, counts: dict[str, int], **params: Any) -> Any:
    result = tx.run(query, params)
    records = list(result)
    summary = result.consume().counters
    counts["nodes"] += summary.nodes_created
    counts["relationships"] += summary.relationships_created
    return records


_RANKS = {"status_rank": STATUS_PRECEDENCE}  # graph.curation recomputes facts with it too
_CASE_RANKS = {"status_rank": CASE_STATUS_PRECEDENCE, "kind_rank": CASE_KIND_PRECEDENCE}


def _run_schema(tx: neo4j.ManagedTransaction, query: str) -> None:
    tx.run(query).consume()


# Earlier versions of the articles of a batch: another text under the same URL, or in the same
# file (a row of a corpus file is found by its URL only: rows move when a file is re-sorted).
_OLD_VERSIONS = """
UNWIND $rows AS row
CALL (row) {
  MATCH (old:Article {url: row.props.url}) WHERE row.props.url IS NOT NULL RETURN old
  UNION
  MATCH (old:Article {path: row.path}) WHERE NOT row.path CONTAINS '#' RETURN old
}
WITH row, old WHERE old.id <> row.id AND NOT old.id IN $ids
RETURN DISTINCT old.id AS old, row.id AS new ORDER BY old
"""


# Stored articles sharing an LSH band with one of the batch's (Lucene looks the band keys up).
_COPY_CANDIDATES = f"""
UNWIND $rows AS row
CALL db.index.fulltext.queryNodes('{ARTICLE_LSH_INDEX}', row.query, {{limit: 50}})
YIELD node
WHERE node.id <> row.id AND NOT node.id IN $ids
RETURN row.id AS id, node.id AS other, node.minhash AS hashes, node.shingles AS shingles
"""
_WRITE_COPIES = f"""
UNWIND $pairs AS pair
MATCH (a:Article {{id: pair[0]}}), (b:Article {{id: pair[1]}})
MERGE (a)-[:{ontology.SAME_STORY}]->(b)
"""


def _relink_copies(tx: neo4j.ManagedTransaction, plan: BatchPlan) -> None:
    """After a batch committed: link its articles to copies another writer committed at the
    same time (neither transaction could see the other's), and recompute the `sources` of the
    facts of the articles newly linked."""
    counts: dict[str, Any] = defaultdict(int)
    pairs = _link_copies(tx, plan, counts)
    if not counts["relationships"]:
        return
    ids = sorted({i for pair in pairs for i in pair})
    rows = tx.run(
        "MATCH (e:Evidence) WHERE e.article_id IN $ids AND e.type IN $types "
        "RETURN e.type AS type, collect(DISTINCT e.fact_key) AS keys",
        ids=ids, types=list(ontology.FACT_TYPES),
    )  # fmt: skip
    for r in sorted(rows, key=lambda r: r["type"]):
        tx.run(refresh_links_cypher(r["type"]), keys=sorted(r["keys"]), **_RANKS).consume()


def _link_copies(
    tx: neo4j.ManagedTransaction, plan: BatchPlan, counts: dict[str, Any]
) -> set[tuple[str, str]]:
    """SAME_STORY between the batch's articles and the articles (stored or in the batch) whose
    text they contain or that contain theirs (ingest/syndication.py); returns the pairs."""
    sigs = {
        row["id"]: Signature(tuple(row["props"]["minhash"]), row["props"]["shingles"])
        for row in plan.articles
        if row["props"].get("minhash")
    }
    if not sigs:
        return set()
    rows = [{"id": i, "query": " OR ".join(s.bands())} for i, s in sigs.items()]
    pairs: set[tuple[str, str]] = set()
    for r in tx.run(_COPY_CANDIDATES, rows=rows, ids=sorted(sigs)):
        if r["hashes"] and is_copy(sigs[r["id"]], Signature(tuple(r["hashes"]), r["shingles"])):
            pairs.add((max(r["id"], r["other"]), min(r["id"], r["other"])))
    ids = sorted(sigs)
    for i, a in enumerate(ids):  # the batch's own articles, not yet in the index
        for b in ids[i + 1 :]:
            if is_copy(sigs[a], sigs[b]):
                pairs.add((max(a, b), min(a, b)))
    if pairs:
        _run(tx, _WRITE_COPIES, counts, pairs=[list(p) for p in sorted(pairs)])
    return pairs


def _version_key(article: Article) -> str | None:
    """What makes two articles versions of one another (as in _OLD_VERSIONS): the URL, or the
    file of a text that is not a corpus row."""
    if article.url:
        return f"url:{article.url}"
    return None if "#" in article.path else f"path:{article.path}"


def _version_batches(
    extractions: Sequence[Extraction], size: int
) -> Iterator[Sequence[Extraction]]:
    """`extractions` in order, `size` at a time, but two versions of one article never in one
    batch: the later starts a new batch, so that it replaces the earlier as it would have in
    another run."""
    chunk: list[Extraction] = []
    keys: set[str] = set()
    for extraction in extractions:
        key = _version_key(extraction.article)
        if len(chunk) >= size or (key is not None and key in keys):
            yield chunk
            chunk, keys = [], set()
        chunk.append(extraction)
        if key is not None:
            keys.add(key)
    if chunk:
        yield chunk


def _replace_old_versions(tx: neo4j.ManagedTransaction, plan: BatchPlan) -> list[list[str]]:
    """Retract the earlier versions of the batch's articles (in the batch's transaction)."""
    ids = [row["id"] for row in plan.articles]
    pairs = [[r["old"], r["new"]] for r in tx.run(_OLD_VERSIONS, rows=plan.articles, ids=ids)]
    for old in sorted({old for old, _ in pairs}):
        _retract_tx(tx, old)
    return pairs


def _write_plan(tx: neo4j.ManagedTransaction, plan: BatchPlan) -> dict[str, Any]:
    """Every statement of one batch, in one transaction; nodes before relationships."""
    counts: dict[str, Any] = defaultdict(int)
    counts["replaced"] = _replace_old_versions(tx, plan)
    _run(tx, WRITE_ARTICLES, counts, rows=plan.articles)
    _link_copies(tx, plan, counts)
    for kind, rows in sorted(plan.entities.items()):
        _run(tx, write_entities_cypher(kind), counts, rows=rows)
    if plan.cases:
        _run(tx, WRITE_CASES, counts, rows=plan.cases, **_CASE_RANKS)
    if plan.mentions:
        _run(tx, WRITE_MENTIONS, counts, rows=plan.mentions)
    if plan.reported_in:
        _run(tx, WRITE_REPORTED_IN, counts, rows=plan.reported_in)
        _run(tx, CASE_DATES, counts, ids=sorted({row["case"] for row in plan.reported_in}))
    if plan.evidence:
        _run(tx, WRITE_EVIDENCE, counts, rows=plan.evidence)
    for rel_type, rows in sorted({**plan.facts, **plan.case_links}.items()):
        _run(tx, write_links_cypher(rel_type), counts, rows=rows, **_RANKS)
    _restore_manual_facts(tx, [row["id"] for rows in plan.entities.values() for row in rows])
    return counts


# Facts people added by hand (graph.curation: `add`, `jurisdiction`) whose entity this batch
# writes: an entity that went with a retracted article and comes back brings them back.
_MANUAL_FACTS = """
MATCH (c:Curation) WHERE c.action IN ['add', 'jurisdiction'] AND c.undone_at IS NULL
  AND (c.source_id IN $ids OR c.target_id IN $ids)
RETURN c.type AS type, c.source_id AS source, c.target_id AS target, c.fact_key AS key
"""


def _restore_manual_facts(tx: neo4j.ManagedTransaction, entity_ids: list[str]) -> None:
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in tx.run(_MANUAL_FACTS, ids=entity_ids):
        by_type[r["type"]].append(r.data())
    for rel_type, rows in sorted(by_type.items()):
        tx.run(write_links_cypher(rel_type), rows=rows, **_RANKS).consume()


def _retract_tx(tx: neo4j.ManagedTransaction, article_id: str) -> RetractResult | None:
    counts: dict[str, int] = defaultdict(int)
    found = _run(
        tx, "MATCH (a:Article {id: $id}) SET a._lock = true RETURN a.id", counts, id=article_id
    )
    if not found:
        return None
    links = _run(
        tx,
        "MATCH (e:Evidence {article_id: $id}) "
        "RETURN e.type AS type, collect(DISTINCT e.fact_key) AS keys",
        counts,
        id=article_id,
    )
    entities = _run(
        tx,
        "MATCH (:Article {id: $id})-[:MENTIONS]->(e:Entity) RETURN collect(e.id) AS ids",
        counts,
        id=article_id,
    )[0]["ids"]
    cases = _run(
        tx,
        "MATCH (c:Case)-[:REPORTED_IN]->(:Article {id: $id}) RETURN collect(c.id) AS ids",
        counts,
        id=article_id,
    )[0]["ids"]
    evidence = _run(
        tx,
        "MATCH (e:Evidence {article_id: $id}) DELETE e RETURN count(*) AS n",
        counts,
        id=article_id,
    )[0]["n"]
    rels = 0
    for rec in sorted(links, key=lambda r: r["type"]):
        query = refresh_links_cypher(rec["type"])
        rels += _run(tx, query, counts, keys=sorted(rec["keys"]), **_RANKS)[0]["deleted"]
    _run(tx, "MATCH (a:Article {id: $id}) DETACH DELETE a", counts, id=article_id)
    gone = _run(tx, REFRESH_ENTITIES, counts, ids=sorted(entities))[0]["deleted"]
    gone_cases = _run(tx, REFRESH_CASES, counts, ids=sorted(cases), **_CASE_RANKS)[0]["deleted"]
    _run(tx, CASE_DATES, counts, ids=sorted(cases))
    return RetractResult(article_id, evidence, rels, gone, gone_cases)


def _delete_some(tx: neo4j.ManagedTransaction, query: str) -> int:
    return int(tx.run(query).single(strict=True)["n"])


class Store:
    """The write side of the casegraph graph in one Neo4j database."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str = "neo4j",
        batch_size: int = 200,
        retries: int = 5,
    ) -> None:
        if batch_size < 1 or retries < 1:
            raise ValueError("batch_size and retries must be at least 1")
        self._driver = driver
        self.database = database
        self.batch_size = batch_size
        self.retries = retries
        self._schema_ready = False
        self.backoff = 0.5  # seconds before the second attempt, doubled each time, max 8

    def _attempt(
        self, what: str, work: Callable[[neo4j.ManagedTransaction], T], read: bool = False
    ) -> T:
        """Run `work` in a write (or read) transaction, retrying transient failures with backoff."""
        last: BaseException | None = None
        for attempt in range(self.retries):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 8.0))
            try:
                with self._driver.session(database=self.database) as s:
                    return s.execute_read(work) if read else s.execute_write(work)
            except _RETRYABLE as exc:
                last = exc
        assert last is not None
        if isinstance(last, neo4j_errors.ConstraintError):
            raise QueryError(f"{what} kept conflicting with another writer: {_short(last)}")
        raise DatabaseUnavailable(
            f"{what} failed after {self.retries} attempts ({type(last).__name__}: "
            f"{_short(last)}): check that Neo4j is running and run the command again"
        )

    def entity_corrections(self) -> list[dict[str, Any]]:
        """The active entity corrections (graph.curation), as records."""
        return self._attempt("reading the corrections", _entity_corrections, read=True)

    def entity_map(self) -> dict[str, dict[str, str]]:
        """Old entity id -> {id, kind, name} from the active entity corrections."""
        return resolve_map(self.entity_corrections())

    def init_schema(self) -> None:
        """Create the constraints and indexes (idempotent) and wait until they are online."""
        names = {r["name"] for r in self._read("SHOW CONSTRAINTS YIELD name RETURN name")}
        names |= {r["name"] for r in self._read("SHOW INDEXES YIELD name RETURN name")}
        for statement in schema_statements():
            name = _SCHEMA_NAME.search(statement)
            if name is not None and name.group(1) in names:
                continue
            try:
                self._attempt("creating the schema", partial(_run_schema, query=statement))
            except neo4j_errors.ClientError as exc:
                if not _ignorable_schema_error(exc):
                    raise
        self._read("CALL db.awaitIndexes(300)")
        self._schema_ready = True

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            self.init_schema()

    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` whose Article is already stored."""
        return self._stored_values("id", ids, "checking which articles are stored")

    def known_raw_digests(self, digests: Iterable[str]) -> set[str]:
        """Those of `digests` (`ingest.sources.raw_digest`) that a stored Article was read from."""
        return self._stored_values("raw_digest", digests, "checking which files were read before")

    def _stored_values(self, prop: str, values: Iterable[str], what: str) -> set[str]:
        """Those of `values` that some Article has as its `prop` (an indexed property)."""
        wanted = sorted(set(values))
        if not wanted:
            return set()
        query = f"UNWIND $values AS v MATCH (a:Article {{{prop}: v}}) RETURN DISTINCT v"

        def work(tx: neo4j.ManagedTransaction) -> set[str]:
            return {r["v"] for r in tx.run(query, values=wanted)}

        # Ingest reads between its writes: an outage here gets the writes' retries, not a
        # raw driver error.
        return self._attempt(what, work, read=True)

    def note_raw_digests(self, digests: dict[str, str]) -> None:
        """Record the raw digest of stored articles (id -> digest) that have none yet, or one an
        earlier version of the reading code made: articles stored before digests were kept or
        before casegraph was upgraded."""
        rows = [{"id": i, "d": d} for i, d in sorted(digests.items())]
        if not rows:
            return
        self._ensure_schema()

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(_NOTE_RAW_DIGESTS, rows=rows).consume()

        self._attempt("recording the files read", work)

    def write(self, extractions: Sequence[Extraction]) -> WriteResult:
        """Write extractions, `batch_size` articles per transaction, and return what committed.

        Each article is written with all its entities, mentions, evidence, facts and cases in
        one transaction. Raises `WriteFailed` (a `DatabaseUnavailable`) naming what was
        committed before a batch failed, and ValueError for records that break the ontology.
        """
        total = WriteResult()
        if not extractions:
            return total
        self._ensure_schema()
        try:
            extractions = self._corrected(extractions)
        except DatabaseUnavailable as exc:
            raise WriteFailed(
                f"{exc} (0 article(s) of this call were written before it)", written=()
            ) from None
        plans = [plan_batch(chunk) for chunk in _version_batches(extractions, self.batch_size)]
        for plan in plans:
            try:
                counts = self._attempt("writing a batch", partial(_write_plan, plan=plan))
            except DatabaseUnavailable as exc:
                done = len(total.articles)
                raise WriteFailed(
                    f"{exc} ({done} article(s) of this call were written before it)",
                    written=total.articles,
                ) from None
            total = total + _result(plan, counts)
            # The batch is written; if this fails, only links to a concurrent writer's copies
            # are missing.
            with contextlib.suppress(DatabaseUnavailable):
                self._attempt("linking republished copies", partial(_relink_copies, plan=plan))
        return total

    def _corrected(self, extractions: Sequence[Extraction]) -> list[Extraction]:
        """`extractions` with people's corrections of entities (graph.curation) applied:
        merged, re-kinded, renamed, aliases split off."""
        records = self._attempt("reading the corrections", _entity_corrections, read=True)
        emap, splits = resolve_map(records), split_map(records)
        return [apply_entity_map(apply_splits(ex, splits), emap) for ex in extractions]

    def rewrite(self, extraction: Extraction) -> WriteResult:
        """Replace a stored article by a new extraction of it in one transaction: the old
        version's evidence, facts and cases go and the new ones come, or nothing changes."""
        self._ensure_schema()
        plan = plan_batch(self._corrected([extraction]))

        def work(tx: neo4j.ManagedTransaction) -> dict[str, int]:
            _retract_tx(tx, extraction.article.id)
            return _write_plan(tx, plan)

        return _result(plan, self._attempt("rewriting an article", work))

    def retract(self, article_id: str) -> RetractResult:
        """Remove an article and everything only it supports, in one transaction."""
        self._ensure_schema()
        result = self._attempt("retracting an article", lambda tx: _retract_tx(tx, article_id))
        if result is None:
            raise QueryError(f"no article with id {article_id!r}: see `casegraph stats` or the app")
        return result

    def reset(self) -> None:
        """Delete all data, in bounded transactions; constraints and indexes stay."""
        # Relationships first: a DETACH DELETE of a batch of nodes would also delete every
        # relationship of the hubs among them in one transaction, which can exceed the
        # server's transaction memory on a big graph.
        for query in (
            "MATCH ()-[r]->() WITH r LIMIT 10000 DELETE r RETURN count(*) AS n",
            "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n",
        ):
            while self._attempt("deleting the graph", partial(_delete_some, query=query)):
                pass

    def stats(self) -> dict[str, Any]:
        """Counts by label and relationship type (from Neo4j's count store: cheap)."""
        labels = (
            ontology.ARTICLE_LABEL,
            ontology.ENTITY_LABEL,
            *ontology.NODE_KINDS,
            ontology.EVIDENCE_LABEL,
        )
        parts = [f"COUNT {{ (:{ontology.check_label(x)}) }} AS `{x}`" for x in labels]
        parts += [
            f"COUNT {{ ()-[:{ontology.check_relationship(t)}]->() }} AS `{t}`"
            for t in ontology.ALL_RELATIONSHIPS
        ]
        rec = self._read("RETURN " + ", ".join(parts))[0]
        nodes = {x: rec[x] for x in labels}
        return {
            "nodes": nodes,
            "relationships": {t: rec[t] for t in ontology.ALL_RELATIONSHIPS},
            "articles": nodes[ontology.ARTICLE_LABEL],
            "entities": nodes[ontology.ENTITY_LABEL] - nodes[ontology.CASE],
            "cases": nodes[ontology.CASE],
            "evidence": nodes[ontology.EVIDENCE_LABEL],
        }

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        try:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise DatabaseUnavailable(
                f"Neo4j is not reachable ({_short(exc)}): check that it is running"
            ) from None
        return records


def _entity_corrections(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
    result = tx.run(
        "MATCH (c:Curation) WHERE c.action IN $actions AND c.undone_at IS NULL "
        "RETURN properties(c) AS c",
        actions=list(ENTITY_ACTIONS),
    )
    return [dict(r["c"]) for r in result]


def _result(plan: BatchPlan, counts: dict[str, Any]) -> WriteResult:
    return WriteResult(
        articles=tuple(row["id"] for row in plan.articles),
        entities=sum(len(rows) for rows in plan.entities.values()),
        mentions=len(plan.mentions),
        facts=sum(len(rows) for rows in plan.facts.values()),
        cases=len(plan.cases),
        evidence=len(plan.evidence),
        nodes_created=counts["nodes"],
        relationships_created=counts["relationships"],
        replaced=tuple((old, new) for old, new in counts.get("replaced", [])),
    )


def dump(driver: neo4j.Driver, database: str = "neo4j") -> dict[str, Any]:
    """The whole graph in a canonical, JSON-serialisable form, for comparing graphs.

    Nodes are sorted by id, relationships by (type, start id, end id, key); list properties
    keep their stored order (the store keeps them sorted).
    """
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start, b.id AS end, "
        "properties(r) AS props",
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    out_nodes = [
        {"id": r["id"], "labels": sorted(r["labels"]), "properties": _plain(r["props"])}
        for r in nodes
    ]
    out_rels = [
        {"type": r["type"], "start": r["start"], "end": r["end"], "properties": _plain(r["props"])}
        for r in rels
    ]
    out_nodes.sort(key=lambda n: (str(n["id"]), n["labels"]))
    out_rels.sort(
        key=lambda r: (
            r["type"],
            str(r["start"]),
            str(r["end"]),
            str(r["properties"].get("key", "")),
        )
    )
    return {"nodes": out_nodes, "relationships": out_rels}


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    def value(v: Any) -> Any:
        if isinstance(v, list):
            return [value(x) for x in v]
        if v is None or isinstance(v, bool | int | float | str):
            return v
        return str(v)  # temporal and spatial values

    return {k: value(props[k]) for k in sorted(props)}
