"""The "what bounds the misses" section: reads this run's numbers and profiles, never invents.

Each paragraph is written only when its target was missed, and quotes the measured values
(ratios, profile shares, anchor latencies, PROFILE row counts) that support it. The causes
named are properties of the code and queries at the measured commit.
"""

from __future__ import annotations

import math
import re
from typing import Any

from bench.report import (
    TARGET_P95_MS,
    TARGET_RATIO,
    TARGET_REINGEST,
    TARGET_WRITE_SHARE,
    extraction_rows,
    write_share,
)


def _extraction(res: dict[str, Any]) -> list[str]:
    ex = res.get("extraction")
    if not ex:
        return []
    _, ratios = extraction_rows(ex)
    if all(r >= TARGET_RATIO for r in ratios.values()):
        return []
    text = ", ".join(f"{r:.2f}x with {w}" for w, r in sorted(ratios.items()))
    out = [
        f"**Extraction ({text} process(es); target {TARGET_RATIO}x).** casegraph runs every "
        "component bare spaCy runs except the lemmatizer (ingest/entities.py reads POS tags "
        "and dependencies, ingest/relations.py the parse, both sentence boundaries), then its "
        "span ruler and its rules; so it can only beat bare spaCy by doing less spaCy work "
        "per word, and by making its own rules cheap."
    ]
    one = ex.get("workers_1", {}).get("casegraph", {})
    bare = ex.get("workers_1", {}).get("bare", {})
    if "rules_seconds" in one and bare:
        spacy_part = one["seconds"] - one["rules_seconds"] - one["read_seconds"]
        out.append(
            f"- With 1 process casegraph took {one['seconds']:.1f} s: {one['read_seconds']:.1f} s "
            f"reading and cleaning, {one['rules_seconds']:.1f} s its rules after spaCy, "
            f"{spacy_part:.1f} s spaCy (its pipeline minus the lemmatizer, plus the span "
            f"ruler), against {bare['seconds']:.1f} s for bare spaCy. Even with free rules, "
            f"1.2x bare means spaCy at most {bare['seconds'] / TARGET_RATIO:.1f} s, so the "
            "statistical pipeline itself must do less work."
        )
    comp = ex.get("components")
    if comp:
        ours = comp["casegraph"]
        spacy_s = sum(v for k, v in ours.items() if k != "casegraph rules")
        heavy = sorted(((v, k) for k, v in ours.items() if k != "casegraph rules"), reverse=True)
        named = ", ".join(f"`{k}` {v:.1f} s ({v / spacy_s:.0%})" for v, k in heavy[:3])
        out.append(
            f"- Per step (section 1's second table), casegraph's spaCy pipeline took "
            f"{spacy_s:.1f} s against {sum(comp['bare'].values()):.1f} s for bare spaCy, and its "
            f"rules {ours.get('casegraph rules', 0.0):.1f} s more. The heaviest steps: {named}. "
            "The NER and the shared tok2vec are statistical layers over every token; "
            "casegraph already skips the lemmatizer, multiplies with numpy's BLAS instead of "
            "BLIS, caches the token embeddings and replaces the attribute ruler's matcher "
            "and its own trigger matcher by per-form lookups, so what is left to cut is "
            "running them on fewer tokens."
        )
    out.append(
        "- What would move it: run the NER and the span ruler first and the tagger and parser "
        "only on sentences holding two candidate entities or a trigger (boundaries from the "
        "`senter` component, which en_core_web_sm ships disabled). ingest/entities.py reads "
        "`pos_`, `tag_` and `dep_` outside fact sentences too, so each such rule must be "
        "re-checked with `make eval` (every score within 0.01)."
    )
    if ratios.get(2, 0) > ratios.get(1, 0):
        out.append(
            "- With 2 processes casegraph's workers send small extraction records back to the "
            "main process, while bare spaCy's `n_process` sends whole `Doc` objects (every "
            "token's annotations), which is why the ratio is higher than with 1."
        )
    return [x for line in out for x in (line, "")]


def _ingest(res: dict[str, Any]) -> list[str]:
    ing = res.get("ingest") or {}
    out = []
    for n, data in ing.items():
        p = data["first"]["phases"]
        share = write_share(p)
        if share > TARGET_WRITE_SHARE:
            out.append(
                f"**Write share ({n} articles: {share:.1%}).** The writer thread overlaps "
                "each batch's write with the NLP of the next one, so what remains is the wait "
                "for the last batch and for writes slower than the NLP. The first ingest on a "
                "fresh server plans each write statement once (one per entity kind and "
                "relationship type, about 30), which makes the first batch's write several "
                "times slower than the others."
            )
        again = data["again"]["phases"]
        speedup = p["total"] / again["total"] if again["total"] else math.inf
        if speedup < TARGET_REINGEST:
            out.append(
                f"**Unchanged re-ingest ({n} articles: {speedup:,.0f}x).** Nothing is "
                "extracted or written (no Extractor, no spaCy import); a .txt, .md or .html "
                "file whose bytes are stored is skipped by its raw digest before decoding, one "
                "lookup per 200 files, while corpus rows and PDF, Word and e-mail files are "
                f"still read and cleaned to compute their content hash: read+clean "
                f"{again['read_clean']:.2f} s of {again['total']:.2f} s. The ratio falls as the "
                f"first ingest gets faster ({p['total']:.1f} s here)."
            )
    return [x for line in out for x in (line, "")]


_SCAN = re.compile(r"NodeByLabelScan@\S+\s+rows=(\d+)")


def _query_causes(query: str) -> str:
    return {
        "neighbors": "an `ANY SHORTEST` breadth-first search over facts and case links, "
        "stopped after 2 x `limit` candidates (nearest first) and ranked in the server; the "
        "search still expands a whole level before it yields, and the first level of a hub, "
        "or the second level of an entity next to a hub, is thousands of relationships.",
        "linked_cases": "the cases of the anchor are capped (`cases`, default 25: direct "
        "before through a fact) and each case's links too (10, shared entities of at most 50 "
        "cases; facts only from targets with at most 50 relationships); what remains is "
        "ranking a hub's direct cases (one expansion of its case links, one degree read "
        "each) and building their link lists.",
        "entity_profile": "it reads the evidence count and the other end's name of every "
        "fact of the entity to keep the 200 best-supported (a top-k sort in the server), so "
        "it stays linear in the degree; a hub's degree is in the thousands.",
        "cooperation_paths": "paths of one to four hops are matched from both ends, by "
        "length (four-hop paths joined on their middle node), and a breadth-first search runs "
        "only for bounds past four hops; between hubs the two ends' neighbourhoods are "
        "thousands of relationships. Each hop then reads its three newest evidence "
        "sentences, sorting all of a hub fact's evidence by article date. What would move it: "
        "an `Evidence.date` property with a composite (fact_key, date) index so that a hop's "
        "newest evidence is a bounded index read.",
    }.get(query, "")


def _ms(values: list[float]) -> str:
    return ", ".join("over limit" if math.isinf(x) else f"{x:,.0f}" for x in values)


def _queries(res: dict[str, Any]) -> list[str]:
    sizes = list(res.get("queries") or {})
    if not sizes:
        return []
    largest = res["queries"][sizes[-1]]
    out: list[str] = []
    scans: list[int] = []
    for query, d in largest["latency"].items():
        if d["p95_ms"] <= TARGET_P95_MS:
            continue
        hubs = [a["median_ms"] for a in d["anchors"] if a["kind"] == "hub"]
        plain = [a["median_ms"] for a in d["anchors"] if a["kind"] == "ordinary"]
        p95 = "over limit" if math.isinf(d["p95_ms"]) else f"{d['p95_ms']:,.0f} ms"
        out += (
            f"**{query} (p95 {p95} at {int(sizes[-1]):,} relationships).** Medians: hubs "
            f"{_ms(hubs)} ms; ordinary anchors {_ms(plain)} ms. Bound: {_query_causes(query)}",
            "",
        )
        scans += [int(n) for n in _SCAN.findall(largest.get("profiles", {}).get(query, ""))]
    if scans and max(scans) > 0:
        out += [
            "**Name lookup.** Every named query resolves its name with an alias fallback whose "
            f"plan scans all `:Entity` nodes (NodeByLabelScan rows={max(scans):,} in the "
            "profiles below the sections above) and only then filters on `size(exact) = 0`, "
            "even when the exact index lookup found the entity: a cost per lookup that grows "
            "with the graph. Evaluating the fallback only when the exact lookup is empty "
            "(for example `OPTIONAL CALL` on a guarded argument, or two statements) removes it.",
            "",
        ]
    return out


def bounds(res: dict[str, Any]) -> list[str]:
    body = _extraction(res) + _ingest(res) + _queries(res)
    if not body:
        return []
    return ["## What bounds the missed targets, and what would move them", "", *body]
