"""Synthetic casegraph graphs of a given size, with the ontology's shape and Zipf degree skew.

The generator imitates how articles produce the graph. Each article has a cast of entities
drawn from per-kind pools with Zipf weights (rank r has weight 1/r^s, so a few platforms,
agencies and countries are hubs, most people appear once or twice); it states facts between
cast members whose kinds the ontology allows (`ontology.fact_allowed`), and sometimes reports
a case (new, or one already reported) led by, targeting, located in and alleging members of
its cast. Everything then has the model of docs/ARCHITECTURE.md and graph/store.py:

- `MENTIONS {surfaces, count, name}` from each article to its cast;
- one fact relationship per (type, source, target) with `key` (store.fact_key), `articles`,
  `evidence_count` and `status` (COOPERATES_WITH), one `Evidence` per (fact, article);
- case links `LED_BY|TARGETS|IN_JURISDICTION|ALLEGES {key, articles}` with their Evidence, and
  `REPORTED_IN` with the case's properties as that article reported them.

Articles are generated until the number of relationships (all types) reaches the target.
`load` writes the graph through a bulk path: the real schema first (Store.init_schema), then
UNWIND batches with CREATE in auto-commit `CALL {} IN TRANSACTIONS`, which the uniqueness
constraints still check. The generator is deterministic for a given size and seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pycountry

from graph import ontology
from graph.store import evidence_id, fact_key
from ingest.records import entity_id, normalize_name

# Relative frequency of fact types in the generated articles (press releases are mostly
# arrests, charges and prosecutions; data requests and extraditions are rare).
FACT_WEIGHTS: dict[str, float] = {
    "INVESTIGATES": 12, "PROSECUTES": 10, "ARRESTED": 12, "CHARGED_WITH": 14,
    "CONVICTED_OF": 6, "COOPERATES_WITH": 8, "REQUESTS_DATA_FROM": 3, "REFUSES_DATA_TO": 1,
    "FOUNDED": 3, "LEADS": 6, "MEMBER_OF": 5, "BELONGS_TO": 10, "BASED_IN": 8,
    "EXTRADITED_TO": 1, "SEIZED": 1,
}  # fmt: skip
assert set(FACT_WEIGHTS) == set(ontology.FACT_TYPES)
# How many cast members of each kind an article has (low, high inclusive).
CAST: dict[str, tuple[int, int]] = {
    ontology.PERSON: (1, 5),
    ontology.AGENCY: (1, 3),
    ontology.JURISDICTION: (1, 2),
    ontology.ORGANIZATION: (0, 2),
    ontology.PLATFORM: (0, 1),
    ontology.OFFENSE: (1, 2),
}
FACTS_PER_ARTICLE = (3, 9)
CASE_PROBABILITY = 0.4  # an article reports a case
CASE_REPEAT = 0.3  # ... which was already reported by an earlier article
ZIPF_S = 1.1
CHUNK = 20_000  # rows sent per statement; committed in transactions of TX_ROWS
TX_ROWS = 10_000


def pool_sizes(relationships: int) -> dict[str, int]:
    """Entities per kind for a graph of about `relationships` relationships."""
    r = relationships
    return {
        ontology.PERSON: max(50, r // 25),
        ontology.ORGANIZATION: max(20, r // 100),
        ontology.AGENCY: max(20, r // 100),
        ontology.PLATFORM: max(10, r // 1000),
        ontology.JURISDICTION: min(len(pycountry.countries), max(20, r // 500)),
        ontology.OFFENSE: min(300, max(20, r // 2000)),
    }


@dataclass
class SynthGraph:
    """Rows for every node label and relationship type, ready for `load`."""

    entities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by kind
    articles: list[dict[str, Any]] = field(default_factory=list)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    mentions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    reported_in: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    links: dict[str, dict[str, Any]] = field(default_factory=dict)  # facts and case links by key
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)
    degree: dict[str, int] = field(default_factory=dict)  # fact + case-link degree by entity id

    def relationship_count(self) -> int:
        return len(self.mentions) + len(self.reported_in) + len(self.links)

    def counts(self) -> dict[str, int]:
        by_type: dict[str, int] = {}
        for link in self.links.values():
            by_type[link["type"]] = by_type.get(link["type"], 0) + 1
        return {
            "relationships": self.relationship_count(),
            "MENTIONS": len(self.mentions),
            "REPORTED_IN": len(self.reported_in),
            **dict(sorted(by_type.items())),
            "entities": sum(len(v) for v in self.entities.values()),
            "cases": len(self.cases),
            "articles": len(self.articles),
            "evidence": len(self.evidence),
        }

    def top(self, kind: str, n: int = 1) -> list[dict[str, Any]]:
        """The `n` entities of `kind` with the highest fact/case-link degree."""
        pool = self.entities[kind] if kind != ontology.CASE else list(self.cases.values())
        return sorted(pool, key=lambda e: (-self.degree.get(e["id"], 0), e["id"]))[:n]


class _Zipf:
    """Draws pool indexes with Zipf weights, in pre-sampled blocks (numpy, fast)."""

    def __init__(self, rng: np.random.Generator, n: int, s: float = ZIPF_S) -> None:
        weights = 1.0 / np.arange(1, n + 1) ** s
        self._p = weights / weights.sum()
        self._rng, self._n = rng, n
        self._block: Iterator[int] = iter(())

    def draw(self) -> int:
        try:
            return next(self._block)
        except StopIteration:
            self._block = iter(self._rng.choice(self._n, size=4096, p=self._p).tolist())
            return next(self._block)


def _entity(kind: str, i: int) -> dict[str, Any]:
    iso = None
    if kind == ontology.JURISDICTION:
        country = list(pycountry.countries)[i]
        name, iso = country.name, country.alpha_2
    else:
        name = f"{kind} {i:06d}"
    return {
        "id": entity_id(kind, name),
        "kind": kind,
        "name": name,
        "norm": normalize_name(name),
        "iso": iso,
        "aliases": [name],
    }


def _jurisdiction_order(rng: np.random.Generator) -> list[int]:
    # A few big countries first (the hubs of real news), the rest in a seeded random order.
    countries = list(pycountry.countries)
    index = {c.alpha_2: i for i, c in enumerate(countries)}
    head = [index[iso] for iso in ("US", "GB", "FR", "DE", "KR", "CN")]
    rest = [i for i in rng.permutation(len(countries)).tolist() if i not in head]
    return head + rest


class _Generator:
    def __init__(self, relationships: int, seed: int) -> None:
        self.target = relationships
        self.rng = np.random.default_rng(seed)
        self.g = SynthGraph()
        sizes = pool_sizes(relationships)
        order = _jurisdiction_order(self.rng)
        for kind, n in sizes.items():
            idx = order[:n] if kind == ontology.JURISDICTION else range(n)
            self.g.entities[kind] = [_entity(kind, i) for i in idx]
        self.zipf = {kind: _Zipf(self.rng, n) for kind, n in sizes.items()}
        self.case_zipf: list[str] = []
        types = list(FACT_WEIGHTS)
        w = np.array([FACT_WEIGHTS[t] for t in types])
        self.types, self.type_p = types, w / w.sum()

    def run(self) -> SynthGraph:
        n = 0
        while self.g.relationship_count() < self.target:
            self._article(n)
            n += 1
        return self.g

    def _cast(self) -> dict[str, list[dict[str, Any]]]:
        cast: dict[str, list[dict[str, Any]]] = {}
        for kind, (lo, hi) in CAST.items():
            k = int(self.rng.integers(lo, hi + 1))
            picks = {self.zipf[kind].draw() for _ in range(k)}
            cast[kind] = [self.g.entities[kind][i] for i in sorted(picks)]
        return cast

    def _article(self, n: int) -> None:
        aid = hashlib.sha256(f"synth-article-{n}".encode()).hexdigest()[:20]
        date = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        self.g.articles.append({
            "id": aid, "title": f"Synthetic release {n}", "date": date,
            "url": f"https://example.org/synth/{n}", "path": f"synth/{n}.txt",
        })  # fmt: skip
        cast = self._cast()
        for members in cast.values():
            for e in members:
                self.g.mentions[(aid, e["id"])] = {
                    "article": aid, "entity": e["id"], "name": e["name"],
                    "surfaces": [e["name"]], "count": int(self.rng.integers(1, 4)),
                }  # fmt: skip
        lo, hi = FACTS_PER_ARTICLE
        for i in range(int(self.rng.integers(lo, hi + 1))):
            self._fact(aid, cast, i)
        if self.rng.random() < CASE_PROBABILITY:
            self._case(aid, cast, n)

    def _fact(self, aid: str, cast: dict[str, list[dict[str, Any]]], i: int) -> None:
        rel_type = self.types[int(self.rng.choice(len(self.types), p=self.type_p))]
        sources, targets = ontology.FACT_PATTERNS[rel_type]
        src = [e for k in sorted(sources) for e in cast[k]]
        tgt = [e for k in sorted(targets) for e in cast[k]]
        if not src or not tgt:
            return
        s = src[int(self.rng.integers(len(src)))]
        t = tgt[int(self.rng.integers(len(tgt)))]
        if s is t or not ontology.fact_allowed(rel_type, s["kind"], t["kind"]):
            return
        status = None
        if rel_type == "COOPERATES_WITH":
            status = ontology.COOPERATION_STATUSES[int(self.rng.integers(4))]
        sentence = f"{s['name']} {rel_type.lower().replace('_', ' ')} {t['name']}."
        self._link(rel_type, s["id"], t["id"], aid, sentence, i, status, "synth_rule")

    def _link(
        self, rel_type: str, source: str, target: str, aid: str, sentence: str, i: int,
        status: str | None, rule: str,
    ) -> None:  # fmt: skip
        if rel_type in ontology.SYMMETRIC_FACTS:
            source, target = sorted((source, target))
        key = fact_key(rel_type, source, target)
        link = self.g.links.get(key)
        if link is None:
            link = {"type": rel_type, "key": key, "source": source, "target": target,
                    "articles": [], "status": None, "evidence_count": 0}  # fmt: skip
            self.g.links[key] = link
            for end in (source, target):
                self.g.degree[end] = self.g.degree.get(end, 0) + 1
        start = 100 * i
        eid = evidence_id(key, aid, start, start + len(sentence))
        if eid in self.g.evidence:
            return
        link["evidence_count"] += 1
        if aid not in link["articles"]:
            link["articles"].append(aid)
        rank = {s: j for j, s in enumerate(ontology.COOPERATION_STATUSES)}
        if status and (link["status"] is None or rank[status] > rank[link["status"]]):
            link["status"] = status
        self.g.evidence[eid] = {
            "id": eid, "fact_key": key, "type": rel_type, "article_id": aid,
            "sentence": sentence, "start": start, "end": start + len(sentence),
            "rule": rule, "model": "synthetic" if rel_type in ontology.FACT_PATTERNS else "",
            "status": status,
        }  # fmt: skip

    def _case(self, aid: str, cast: dict[str, list[dict[str, Any]]], n: int) -> None:
        if self.case_zipf and self.rng.random() < CASE_REPEAT:
            case = self.g.cases[self.case_zipf[int(self.rng.integers(len(self.case_zipf)))]]
        else:
            j = cast[ontology.JURISDICTION][0]
            kind = ontology.CASE_KINDS[int(self.rng.integers(len(ontology.CASE_KINDS)))]
            status = ontology.CASE_STATUSES[int(self.rng.integers(len(ontology.CASE_STATUSES)))]
            title = f"Case {len(self.g.cases):06d} in {j['name']}"
            cid = hashlib.sha256(title.encode()).hexdigest()[:16]
            case = {"id": cid, "name": title, "title": title, "case_kind": kind,
                    "status": status, "jurisdiction": j["iso"], "jurisdiction_id": j["id"],
                    "kind": "Case"}  # fmt: skip
            self.g.cases[cid] = case
            self.case_zipf.append(cid)
            self.g.degree.setdefault(cid, 0)
        sentence = f"{case['title']} was announced."
        self.g.reported_in[(case["id"], aid)] = {
            "case": case["id"], "article": aid, "title": case["title"],
            "case_kind": case["case_kind"], "status": case["status"],
            "jurisdiction": case["jurisdiction"], "sentence": sentence, "start": 0,
            "end": len(sentence), "rule": "synth_case",
        }  # fmt: skip
        roles = [(ontology.CASE_IN_JURISDICTION, case["jurisdiction_id"])]
        roles += [(ontology.CASE_LED_BY, e["id"]) for e in cast[ontology.AGENCY][:2]]
        targets = (
            cast[ontology.PERSON][:2] + cast[ontology.PLATFORM] + cast[ontology.ORGANIZATION][:1]
        )
        roles += [(ontology.CASE_TARGETS, e["id"]) for e in targets]
        roles += [(ontology.CASE_ALLEGES, e["id"]) for e in cast[ontology.OFFENSE]]
        for i, (role, target) in enumerate(roles):
            self._link(role, case["id"], target, aid, sentence, 1000 + i, None, "synth_case")
        if case["jurisdiction_id"] not in {e["id"] for e in cast[ontology.JURISDICTION]}:
            j = next(e for e in self.g.entities[ontology.JURISDICTION]
                     if e["id"] == case["jurisdiction_id"])  # fmt: skip
            self.g.mentions.setdefault((aid, j["id"]), {
                "article": aid, "entity": j["id"], "name": j["name"], "surfaces": [j["name"]],
                "count": 1,
            })  # fmt: skip


def generate(relationships: int, seed: int = 7) -> SynthGraph:
    """A graph with at least `relationships` relationships (all types counted)."""
    g = _Generator(relationships, seed).run()
    for link in g.links.values():
        link["articles"].sort()
    _drop_unmentioned(g)
    return g


def _drop_unmentioned(g: SynthGraph) -> None:
    # The store deletes entities without MENTIONS; the pools may hold some never drawn.
    mentioned = {entity for _, entity in g.mentions}
    for kind, rows in g.entities.items():
        g.entities[kind] = [e for e in rows if e["id"] in mentioned]


# --------------------------------------------------------------------------------------------
# Bulk load. Labels and types come from the ontology and are checked before formatting.


def _bulk(label_or_type: str, body: str) -> str:
    return f"UNWIND $rows AS row CALL (row) {{ {body} }} IN TRANSACTIONS OF {TX_ROWS} ROWS"


def _statements(g: SynthGraph) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    yield _bulk("Article", "CREATE (:Article {id: row.id, title: row.title, date: row.date, "
                "url: row.url, path: row.path})"), g.articles  # fmt: skip
    for kind, rows in sorted(g.entities.items()):
        label = ontology.check_label(kind)
        yield (
            _bulk(
                label,
                f"CREATE (:Entity:{label} {{id: row.id, kind: row.kind, "
                "name: row.name, norm: row.norm, iso: row.iso, aliases: row.aliases})",
            ),
            rows,
        )
    yield _bulk("Case", "CREATE (:Entity:Case {id: row.id, kind: 'Case', name: row.name, "
                "title: row.title, case_kind: row.case_kind, status: row.status, "
                "jurisdiction: row.jurisdiction})"), list(g.cases.values())  # fmt: skip
    yield _bulk("Evidence", "CREATE (e:Evidence) SET e = row"), list(g.evidence.values())
    yield _bulk("MENTIONS", "MATCH (a:Article {id: row.article}) MATCH (e:Entity {id: row.entity}) "
                "CREATE (a)-[:MENTIONS {surfaces: row.surfaces, count: row.count, "
                "name: row.name}]->(e)"), list(g.mentions.values())  # fmt: skip
    yield _bulk("REPORTED_IN", "MATCH (c:Case {id: row.case}) MATCH (a:Article {id: row.article}) "
                "CREATE (c)-[r:REPORTED_IN]->(a) SET r = row "
                "REMOVE r.case, r.article"), list(g.reported_in.values())  # fmt: skip
    by_type: dict[str, list[dict[str, Any]]] = {}
    for link in g.links.values():
        by_type.setdefault(link["type"], []).append(link)
    for rel_type, rows in sorted(by_type.items()):
        rel = ontology.check_relationship(rel_type)
        props = "key: row.key, articles: row.articles"
        if rel_type in ontology.FACT_PATTERNS:
            props += ", evidence_count: row.evidence_count, status: row.status"
        yield _bulk(rel, f"MATCH (s:Entity {{id: row.source}}) MATCH (t:Entity {{id: row.target}}) "
                    f"CREATE (s)-[:{rel} {{{props}}}]->(t)"), rows  # fmt: skip


def load(driver: Any, database: str, g: SynthGraph) -> dict[str, float]:
    """Write `g` into an empty database with the real schema; seconds per statement kind."""
    from graph.store import Store

    Store(driver, database).init_schema()
    seconds: dict[str, float] = {}
    import time

    with driver.session(database=database) as session:
        for query, rows in _statements(g):
            name = query.split("CALL (row) { ", 1)[1].split(" ", 1)[0]
            t0 = time.perf_counter()
            for i in range(0, len(rows), CHUNK):
                session.run(query, rows=rows[i : i + CHUNK]).consume()
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
    return seconds
