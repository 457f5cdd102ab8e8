"""Reading what casegraph extracted: one article with its mentions, facts and cases
(`casegraph show`, the app's document view), and full-text search over article titles, texts and
evidence sentences (`casegraph search`, the app's search box).

Article texts live on the Article nodes (`text`, written by graph.store; docs/ARCHITECTURE.md
says why) and are indexed by Lucene through Neo4j's full-text indexes `article_text` (title and
text) and `evidence_text` (the sentence of every Evidence). The query is Lucene's syntax: words,
"phrases", AND / OR / NOT, fuzzy terms (`telegarm~`), wildcards (`extradit*`). Snippets and their
highlights are cut here from the stored text, around the words and phrases of the query.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import neo4j

from graph import ontology
from graph.curation import rejected_facts
from graph.errors import InputError, QueryError
from graph.store import ARTICLE_TEXT_INDEX, EVIDENCE_TEXT_INDEX
from graph.views import read

MAX_QUERY_CHARS = 500
MAX_LIMIT = 500
SNIPPET_CHARS = 160  # around the first match
_ID = re.compile(r"^[0-9a-f]{6,64}$")


# --------------------------------------------------------------------------- one article


@dataclass
class Document:
    """An article as casegraph stored it, with what was found in it."""

    id: str
    title: str | None
    date: str | None
    url: str | None
    path: str | None
    text: str
    # {entity, name, kind, start, end}, in text order, not overlapping
    mentions: list[dict[str, Any]] = field(default_factory=list)
    # {key, type, source, target, sentence, start, end, rule, confidence, page (of a PDF, or
    #  None), confirmed,
    #  rejected: None or the rejection {id, who, when, why}}
    facts: list[dict[str, Any]] = field(default_factory=list)
    # {id, title, case_kind, status, jurisdiction, sentence, start, end, event_date}
    cases: list[dict[str, Any]] = field(default_factory=list)
    date_source: str | None = None  # where the date was read (ingest.sources)
    publisher: str | None = None
    author: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_article_id(driver: neo4j.Driver, database: str, given: str) -> str:
    """The id of the article `given` names: its id, or a unique beginning of it (6+ characters)."""
    given = given.strip().lower()
    if not _ID.match(given):
        raise InputError(
            f"{given!r} is not an article id: ids are hexadecimal, as `casegraph search` and the "
            "app show them (6 characters or more of one are enough)"
        )
    rows = read(
        driver,
        database,
        f"MATCH (a:{ontology.ARTICLE_LABEL}) WHERE a.id STARTS WITH $given "
        "RETURN a.id AS id ORDER BY id LIMIT 6",
        given=given,
    )
    ids = [r["id"] for r in rows]
    if given in ids:
        return given
    if not ids:
        raise InputError(f"no article with id {given}: find one with `casegraph search`")
    if len(ids) > 1:
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        raise InputError(f"{given} begins several article ids ({shown}): give more of it")
    return ids[0]


def document(driver: neo4j.Driver, database: str, article_id: str) -> Document:
    """The article `article_id` (an id or a unique beginning of one) with its mentions, facts
    and cases. An article stored before texts were kept has text "" and no mention offsets."""
    aid = find_article_id(driver, database, article_id)
    (row,) = read(
        driver,
        database,
        "MATCH (a:Article {id: $id}) RETURN a.title AS title, a.date AS date, a.url AS url, "
        "a.path AS path, coalesce(a.text, '') AS text, a.date_source AS date_source, "
        "a.publisher AS publisher, a.author AS author",
        id=aid,
    )
    mentions = read(
        driver,
        database,
        "MATCH (:Article {id: $id})-[m:MENTIONS]->(e:Entity) "
        "RETURN e.id AS entity, e.name AS name, e.kind AS kind, coalesce(m.spans, []) AS spans",
        id=aid,
    )
    evidence = read(
        driver,
        database,
        "MATCH (ev:Evidence {article_id: $id}) WHERE ev.type IN $types "
        "RETURN ev.fact_key AS key, ev.type AS type, ev.sentence AS sentence, "
        "ev.start AS start, ev.end AS end, ev.rule AS rule, ev.confidence AS confidence, "
        "ev.page AS page, ev.event_date AS event_date",
        id=aid,
        types=sorted(ontology.FACT_PATTERNS),
    )
    ends = _fact_ends(driver, database, evidence)
    missing = sorted({ev["key"] for ev in evidence} - set(ends))
    for key, rejection in rejected_facts(driver, database, missing).items():
        ends[key] = {
            "source": rejection["source"], "target": rejection["target"],
            "source_id": rejection["source_id"], "target_id": rejection["target_id"],
            "source_kind": None, "target_kind": None, "confirmed": False,
            "rejected": {k: rejection.get(k) for k in ("id", "who", "when", "why")},
        }  # fmt: skip
    facts = sorted(
        ({"rejected": None, **ev, **ends[ev["key"]]} for ev in evidence if ev["key"] in ends),
        key=lambda f: (f["start"], f["type"], f["source"], f["target"]),
    )
    cases = read(
        driver,
        database,
        "MATCH (c:Case)-[r:REPORTED_IN]->(:Article {id: $id}) "
        "RETURN c.id AS id, c.title AS title, c.case_kind AS case_kind, c.status AS status, "
        "c.jurisdiction AS jurisdiction, r.sentence AS sentence, r.start AS start, r.end AS end, "
        "r.event_date AS event_date "
        "ORDER BY start, title",
        id=aid,
    )
    return Document(
        id=aid,
        title=row["title"],
        date=row["date"],
        url=row["url"],
        path=row["path"],
        text=row["text"],
        mentions=_mention_spans(mentions, len(row["text"])),
        facts=facts,
        cases=cases,
        date_source=row["date_source"],
        publisher=row["publisher"],
        author=row["author"],
    )


def byline(doc: Document) -> str:
    """Where the date came from, the publisher and the author, in one line."""
    dated = f"date from {doc.date_source}" if doc.date else "no date found"
    return " · ".join(
        [dated, f"publisher {doc.publisher or 'unknown'}", f"author {doc.author or 'unknown'}"]
    )


def _mention_spans(rows: list[dict[str, Any]], length: int) -> list[dict[str, Any]]:
    """One span per mention, in text order; where two overlap the longer one is kept."""
    spans = [
        {"entity": r["entity"], "name": r["name"], "kind": r["kind"], "start": s, "end": e}
        for r in rows
        for s, e in zip(r["spans"][::2], r["spans"][1::2], strict=False)
        if 0 <= s < e <= length
    ]
    spans.sort(key=lambda m: (m["start"], -(m["end"] - m["start"]), m["name"]))
    out: list[dict[str, Any]] = []
    for span in spans:
        if out and span["start"] < out[-1]["end"]:
            continue
        out.append(span)
    return out


# --------------------------------------------------------------------------- search


@dataclass
class Hit:
    """One article found by a search, best first."""

    id: str
    title: str | None
    date: str | None
    path: str | None
    score: float
    snippet: str  # a passage of the text (or the matching evidence sentence)
    highlights: list[tuple[int, int]]  # offsets of the query's words in `snippet`
    # evidence sentences of this article that match: {type, source, target, sentence}
    evidence: list[dict[str, Any]] = field(default_factory=list)


def search(
    driver: neo4j.Driver,
    database: str,
    query: str,
    limit: int = 20,
    entity: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[Hit]:
    """Articles whose title or text match the Lucene `query`, ranked by Lucene's score (the
    best of the article's own and its matching evidence sentences'); optionally only those
    mentioning the entity named `entity` (name or alias), or an entity of `kind`, or dated
    within [date_from, date_to]."""
    query = query.strip()
    if not query:
        raise InputError('empty search: type words, a "phrase", or terms joined by AND / OR')
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"a search is at most {MAX_QUERY_CHARS} characters")
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"--limit must be between 1 and {MAX_LIMIT}")
    if kind is not None and kind not in ontology.NODE_KINDS:
        raise InputError(f"unknown kind {kind!r}: use one of {', '.join(ontology.NODE_KINDS)}")
    pool = max(limit * 5, 100)
    try:
        articles = read(
            driver,
            database,
            "CALL db.index.fulltext.queryNodes($index, $query, {limit: $pool}) "
            "YIELD node, score RETURN node.id AS id, score",
            index=ARTICLE_TEXT_INDEX,
            query=query,
            pool=pool,
        )
        sentences = read(
            driver,
            database,
            "CALL db.index.fulltext.queryNodes($index, $query, {limit: $pool}) "
            "YIELD node, score RETURN node.article_id AS id, node.fact_key AS key, "
            "node.type AS type, node.sentence AS sentence, score",
            index=EVIDENCE_TEXT_INDEX,
            query=query,
            pool=pool,
        )
    except QueryError as exc:
        raise InputError(_query_problem(str(exc))) from None
    # An article matches when its title or text does (so AND / NOT apply to the whole
    # article); its matching sentences add the facts they state. An article stored before texts
    # were kept is found by its sentences alone.
    best: dict[str, float] = {r["id"]: float(r["score"]) for r in articles}
    for r in sentences:
        if r["id"] is not None:  # a fact added by hand has no article
            best[r["id"]] = max(best.get(r["id"], 0.0), float(r["score"]))
    if not best:
        return []
    meta = read(
        driver,
        database,
        "MATCH (a:Article) WHERE a.id IN $ids "
        "AND ($from IS NULL OR a.date >= $from) AND ($to IS NULL OR a.date <= $to) "
        "AND ($entity IS NULL OR EXISTS { MATCH (a)-[:MENTIONS]->(e:Entity) "
        "     WHERE e.norm = $entity OR $entity_raw IN e.aliases OR e.name = $entity_raw }) "
        "AND ($kind IS NULL OR EXISTS { MATCH (a)-[:MENTIONS]->(e:Entity {kind: $kind}) }) "
        "RETURN a.id AS id, a.title AS title, a.date AS date, a.path AS path, "
        "coalesce(a.text, '') AS text",
        ids=list(best),
        **{"from": date_from, "to": date_to},
        entity=_norm(entity),
        entity_raw=entity,
        kind=kind,
    )
    facts = _fact_ends(driver, database, sentences)
    terms = query_terms(query)
    found = {r["id"] for r in articles}
    hits = []
    for m in meta:
        if m["id"] not in found and m["text"]:
            continue  # its sentence matched, but the article as a whole does not
        matching = [
            {**facts.get(s["key"], {}), "type": s["type"], "sentence": s["sentence"]}
            for s in sentences
            if s["id"] == m["id"]
        ]
        source = m["text"] or (matching[0]["sentence"] if matching else "") or (m["title"] or "")
        snippet, marks = snippet_of(source, terms)
        hits.append(
            Hit(m["id"], m["title"], m["date"], m["path"], round(best[m["id"]], 4), snippet, marks,
                _dedupe(matching))
        )  # fmt: skip
    hits.sort(key=lambda h: (-h.score, h.date or "", h.id))
    return hits[:limit]


def _norm(name: str | None) -> str | None:
    from ingest.records import normalize_name

    return None if name is None else normalize_name(name)


def _fact_ends(
    driver: neo4j.Driver, database: str, evidence: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Fact key -> its source and target names and kinds, one query per fact type (the key
    constraint of each type is the index that finds them)."""
    by_type: dict[str, set[str]] = {}
    for ev in evidence:
        if ev.get("type") in ontology.FACT_PATTERNS and ev.get("key"):
            by_type.setdefault(ev["type"], set()).add(ev["key"])
    out: dict[str, dict[str, Any]] = {}
    for rel_type, keys in sorted(by_type.items()):
        rel = ontology.check_relationship(rel_type)
        for r in read(
            driver,
            database,
            f"UNWIND $keys AS key MATCH (s:Entity)-[r:{rel} {{key: key}}]->(t:Entity) "
            "RETURN key, s.name AS source, t.name AS target, s.kind AS source_kind, "
            "t.kind AS target_kind, coalesce(r.confirmed, false) AS confirmed, "
            "s.id AS source_id, t.id AS target_id",
            keys=sorted(keys),
        ):
            out[r["key"]] = {
                k: r[k]
                for k in ("source", "target", "source_kind", "target_kind", "confirmed",
                          "source_id", "target_id")
            }  # fmt: skip
    return out


def _dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for r in rows:
        key = (r.get("type"), r.get("source"), r.get("target"), r.get("sentence"))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _query_problem(message: str) -> str:
    if "Cannot parse" in message or "ParseException" in message or "parse" in message.lower():
        return (
            "the search is not valid Lucene syntax (close quotes and brackets; escape + - && || ! "
            '( ) { } [ ] ^ " ~ * ? : \\ / with a backslash): ' + message[:160]
        )
    if "no such fulltext" in message.lower() or "index" in message.lower():
        return "the search indexes are not there yet: ingest articles first (casegraph ingest)"
    return message


# Lucene syntax that is not a word to find: operators, field names, boosts, fuzziness, ranges.
_PHRASE = re.compile(r'"([^"]+)"')
_TERM = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "TO"}


def query_terms(query: str) -> list[str]:
    """The phrases and words of a Lucene query, to highlight (operators and syntax left out;
    a wildcard term keeps its stem)."""
    phrases = [p.strip() for p in _PHRASE.findall(query) if p.strip()]
    rest = _PHRASE.sub(" ", query)
    rest = re.sub(r"\b\w+:", " ", rest)  # field names
    words = [w for w in _TERM.findall(rest) if w not in _OPERATORS]
    seen: dict[str, None] = {}
    for term in [*phrases, *words]:
        seen.setdefault(term.lower(), None)
    return list(seen)


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern finding any of `terms` as whole words (a phrase's words
    separated by any whitespace)."""
    if not terms:
        return None
    parts = [r"\s+".join(re.escape(w) for w in t.split()) for t in sorted(terms, key=len)[::-1]]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")\w*", re.IGNORECASE)


def snippet_of(text: str, terms: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A passage of `text` around the first match of `terms` (its start when none matches),
    and the offsets of every match inside the passage."""
    pattern = term_pattern(terms)
    first = pattern.search(text) if pattern else None
    center = first.start() if first else 0
    start = max(0, center - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < center else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > center else end
    passage = text[start:end]
    marks = [(m.start(), m.end()) for m in pattern.finditer(passage)] if pattern else []
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix)
    return prefix + passage.replace("\n", " ") + suffix, [(a + shift, b + shift) for a, b in marks]


# --------------------------------------------------------------------------- review


def facts_to_review(
    driver: neo4j.Driver, database: str, max_confidence: float = 0.5, limit: int = 50
) -> list[dict[str, Any]]:
    """Facts a person has not confirmed whose classifier confidence is below `max_confidence`,
    least confident first, each with one sentence and its article (the Review page)."""
    if not 0 <= max_confidence <= 1 or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"confidence 0-1 and at most {MAX_LIMIT} facts")
    # One index-backed walk per fact type (graph.store indexes r.confidence), least confident
    # first, instead of a scan of every relationship.
    per_type = " UNION ALL ".join(
        f"MATCH (s:Entity)-[r:{ontology.check_relationship(rel_type)}]->(t:Entity) "
        "WHERE r.confidence < $max AND r.confirmed IS NULL "
        "RETURN s, r, t ORDER BY r.confidence, r.key LIMIT $limit"
        for rel_type in sorted(ontology.FACT_PATTERNS)
    )
    return read(
        driver,
        database,
        f"CALL () {{ {per_type} }} "
        "WITH s, r, t ORDER BY r.confidence, r.key LIMIT $limit "
        "CALL (r) { MATCH (ev:Evidence {fact_key: r.key}) "
        "  RETURN ev.sentence AS sentence, ev.article_id AS article ORDER BY ev.article_id LIMIT 1 } "
        "RETURN r.key AS key, type(r) AS type, s.id AS source_id, s.name AS source, "
        "t.id AS target_id, t.name AS target, r.confidence AS confidence, "
        "r.evidence_count AS evidence_count, sentence, article",
        max=max_confidence,
        limit=limit,
    )
