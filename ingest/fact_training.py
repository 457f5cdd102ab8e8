"""`make train`, second step: the fact classifier (`ingest.facts`), trained on the train split.

Run by `python -m ingest.training` after the kinds model, whose entities it reads.

Every article of the train split of `data/annotations/` goes through casegraph's own pipeline
(spaCy, the entity rules and the trained kinds model, the relation rules), and every candidate
fact of `ingest.facts.candidates` is labelled against the annotation: true when the annotated
article holds that fact between the annotated entities our two entities match (matched as the
official scorer matches them) and the candidate's sentence is the fact's evidence sentence (or
the candidate is a rule's proposal the sentence cannot describe); false when the article does
not hold the fact. A candidate whose fact is annotated with another sentence as evidence is left
out: the sentence may or may not state it. A logistic regression (scikit-learn, L2, lbfgs) is
fitted for each strength in `STRENGTHS`; the strength and the thresholds (one for all types,
then one per type, coordinate search on `GRID`) are chosen out of fold: the train split is cut by
story into `FOLDS` folds, each fold's candidates are scored by a model fitted on the other folds,
the dev split's and the gold set's by the model fitted on all of train, and the choice maximises
the mean of two relations F1 (official scorer): on these news articles (train out of fold and
dev, 392 articles) and on the gold set, so the choice fits neither a few dev articles nor one genre.
The test split is never read here. The same data and code give the same file.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from graph import ontology
from ingest.annotations import Annotated, load_split, story_folds
from ingest.facts import (
    READ_BY,
    Candidate,
    FactClassifier,
    candidates,
    decide,
    fact_key,
)
from ingest.kinds import typed_mentions
from ingest.records import Entity, Extraction
from ingest.relations import propose
from ingest.resolve import resolve

STRENGTHS = (0.1, 0.3, 1.0)
GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
KEEP_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)
FOLDS = 4  # cross-validation folds of the train split, by story
MODEL_NAME = "casegraph-facts-1"
_EVIDENCE_OVERLAP = 0.6  # share of the evidence's words a sentence must hold to be it
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _is_evidence(sentence: str, evidence: str) -> bool:
    ev = _words(evidence)
    if not ev:
        return False
    s = _words(sentence)
    return len(ev & s) >= _EVIDENCE_OVERLAP * len(ev) and len(ev & s) >= _EVIDENCE_OVERLAP * min(
        len(s), len(ev)
    )


def _scorer_module() -> Any:
    from ingest.evaluate import DEFAULT_SCORER, _scorer

    return _scorer(DEFAULT_SCORER)


def _gold_facts(record: dict[str, Any]) -> dict[tuple[str, int, int], list[str]]:
    """(type, gold source index, gold target index) -> evidence sentences."""
    index = {e["name"]: j for j, e in enumerate(record["entities"])}
    out: dict[tuple[str, int, int], list[str]] = {}
    for r in record.get("relations", []):
        s, t = index.get(r["source"]), index.get(r["target"])
        if s is None or t is None:
            continue
        if r["type"] in ontology.SYMMETRIC_FACTS:
            s, t = sorted((s, t))
        out.setdefault((r["type"], s, t), []).append(str(r.get("evidence") or ""))
    return out


def article_candidates(extractor: Any, doc: Doc) -> tuple[list[Entity], list[Candidate]]:
    """The entities of one parsed article and its candidate facts (the extraction's code path)."""
    found, resolved = resolve(doc, typed_mentions(doc, extractor.classifier))
    entities = resolved.entities
    sentences, proposals = propose(doc, found, resolved.entity_of, entities, extractor.model)
    return entities, candidates(doc, sentences, proposals)


def labelled(docs: list[_Parsed]) -> list[tuple[tuple[str, ...], int]]:
    """(features, 0 or 1) of the train candidates; see the module's docstring."""
    scorer = _scorer_module()
    rows: list[tuple[tuple[str, ...], int]] = []
    for d in docs:
        a, entities, cands = d.annotated, d.entities, d.candidates
        pred = [
            {"name": e.name, "kind": e.kind, "aliases": list(e.aliases)}
            for e in entities
            if e.kind in ontology.ENTITY_KINDS
        ]
        ids = [e.id for e in entities if e.kind in ontology.ENTITY_KINDS]
        matched = scorer.match_entities(pred, a.record["entities"])
        gold_of = {ids[i]: j for i, j in matched.items()}
        gold = _gold_facts(a.record)
        for c in cands:
            s, t = gold_of.get(c.source.id), gold_of.get(c.target.id)
            if s is None or t is None:
                rows.append((c.features, 0))
                continue
            evidence = gold.get(fact_key(c.type, s, t))  # type: ignore[arg-type]
            if evidence is None:
                rows.append((c.features, 0))
            elif c.apart or any(_is_evidence(c.sentence.text, ev) for ev in evidence):
                rows.append((c.features, 1))
    return rows


def fit(
    rows: list[tuple[tuple[str, ...], int]], strength: float, meta: dict[str, Any]
) -> FactClassifier:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(feats, 1) for feats, _ in rows])
    y = [label for _, label in rows]
    model = LogisticRegression(C=strength, max_iter=5000, tol=1e-6)
    model.fit(x, y)
    weights = {
        str(name): round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    return FactClassifier(
        bias=round(float(model.intercept_[0]), 5),
        weights=weights,
        thresholds={"keep": 0.5, "add": 0.5},
        meta={**meta, "C": strength},
    )


@dataclass
class _Parsed:
    """One annotated article, its entities and candidate facts, computed once."""

    annotated: Annotated
    entities: list[Entity]
    candidates: list[Candidate]
    scores: list[float] = field(default_factory=list)


def _relations_f1(docs: list[_Parsed], classifier: FactClassifier) -> float:
    """Relations F1 (official scorer) of the facts `classifier` keeps, on cached candidates."""
    from ingest.evaluate import DEFAULT_SCORER, _run_scorer, _scorer
    from ingest.relations import cooperation_status

    with tempfile.TemporaryDirectory() as tmp:
        gold_file, pred_file = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        gold_file.write_text("".join(json.dumps(d.annotated.record) + "\n" for d in docs), "utf-8")
        with pred_file.open("w", encoding="utf-8") as out:
            for d in docs:
                by_id = {e.id: e for e in d.entities}
                rels = decide(
                    d.candidates, by_id, classifier, MODEL_NAME, cooperation_status, d.scores
                )
                ex = Extraction(d.annotated.article, tuple(d.entities), tuple(rels), ())
                out.write(json.dumps(ex.to_json()) + "\n")
        return float(_run_scorer(_scorer(DEFAULT_SCORER), gold_file, pred_file)["relations"]["f1"])


def train(
    out: Path,
    base_model: str = "en_core_web_sm",
    data: tuple[list[Annotated], list[Annotated]] | None = None,
    gold: bool = True,
    kinds_model: str = "builtin",
) -> dict[str, Any]:
    """Fit, choose the strength and thresholds out of fold, write the model to `out`;
    returns what was measured. `data` (train, dev) replaces the annotation splits and `gold`
    False leaves the gold set out of the choice (tests)."""
    from ingest.evaluate import DEFAULT_GOLD, gold_articles
    from ingest.pipeline import Extractor

    started = time.monotonic()
    extractor = Extractor(base_model, kinds_model=kinds_model, facts_model="none")
    train_set, dev_set = data or (load_split("train"), load_split("dev"))

    def parsed(items: list[Annotated]) -> list[_Parsed]:
        texts = ((a.article.text, a) for a in items)
        out = []
        for doc, a in extractor.nlp.pipe(texts, as_tuples=True, batch_size=16):
            out.append(_Parsed(a, *article_candidates(extractor, doc)))
        return out

    train_docs, dev_docs = parsed(train_set), parsed(dev_set)
    gold_docs: list[_Parsed] = []
    if gold:
        records, texts = gold_articles(DEFAULT_GOLD)
        gold_docs = parsed([Annotated(r, t) for r, t in zip(records, texts, strict=True)])
    folds = story_folds(train_set, FOLDS)
    fold_ids = sorted(set(folds))
    by_doc = [labelled([d]) for d in train_docs]
    rows = [row for doc_rows in by_doc for row in doc_rows]
    meta = {
        "name": MODEL_NAME,
        "base_model": extractor.model,
        "train": {
            "articles": len(train_set),
            "candidates": len(rows),
            "labels": dict(sorted(Counter(str(y) for _, y in rows).items())),
            "folds": len(fold_ids),
        },
        "dev": {"articles": len(dev_set)},
    }
    tried: dict[str, list[float]] = {}
    news = [*train_docs, *dev_docs]

    def fitted(strength: float) -> FactClassifier:
        """The model fitted on all of train; as a side effect every train article is scored by
        a model fitted on the other folds, the dev and gold articles by the full model."""
        full = fit(rows, strength, meta)
        for f in fold_ids:
            held_in = [
                r for doc_rows, g in zip(by_doc, folds, strict=True) if g != f for r in doc_rows
            ]
            model = fit(held_in, strength, meta)
            for d, g in zip(train_docs, folds, strict=True):
                if g == f:
                    d.scores = [model.score(c.features) for c in d.candidates]
        for d in (*dev_docs, *gold_docs):
            d.scores = [full.score(c.features) for c in d.candidates]
        return full

    def score(classifier: FactClassifier, thresholds: dict[str, float]) -> float:
        chosen = replace(classifier, thresholds=thresholds)
        f1 = _relations_f1(news, chosen)
        other = _relations_f1(gold_docs, chosen) if gold_docs else f1
        key = f"C={classifier.meta['C']} " + " ".join(f"{k}={v}" for k, v in thresholds.items())
        tried[key] = [round(f1, 4), round(other, 4)]
        return (f1 + other) / 2

    def search(
        classifier: FactClassifier, current: float, thresholds: dict[str, float], names: list[str]
    ) -> tuple[float, dict[str, float]]:
        """Coordinate search over the named thresholds, in order."""
        for name in names:
            grid = KEEP_GRID if name.startswith("keep") else GRID
            for value in (*grid, 1.0) if name.startswith("pass") else grid:
                trial = {**thresholds, name: value}
                if trial != thresholds:
                    result = score(classifier, trial)
                    if result > current:
                        current, thresholds = result, trial
        return current, thresholds

    # The strength with the thresholds shared by all types, then the thresholds per type.
    scored = [*train_docs, *dev_docs, *gold_docs]
    best: tuple[float, FactClassifier, dict[str, float], list[list[float]]] | None = None
    for strength in STRENGTHS:
        classifier = fitted(strength)
        start = {"keep": 0.5, "add": 0.5}
        current, thresholds = search(
            classifier, score(classifier, start), start, ["keep", "add"] * 2
        )
        print(f"C {strength:<4}  out-of-fold relations F1 {current:.3f}  {thresholds}", flush=True)
        if best is None or current > best[0]:
            best = (current, classifier, thresholds, [d.scores for d in scored])
    assert best is not None
    current, classifier, thresholds, scores = best
    for d, s in zip(scored, scores, strict=True):  # the best strength's, not the last one's
        d.scores = s
    per_type = [
        f"{mode}:{rel}" for rel, mode in itertools.product(ontology.FACT_TYPES, ("keep", "add"))
    ]
    # then, for the types whose rules read a trigger, the score of a pair they passed over
    per_type += [f"pass:{rel}" for rel in ontology.FACT_TYPES if rel in READ_BY]
    current, thresholds = search(classifier, current, thresholds, per_type)
    print(
        f"C {classifier.meta['C']:<4}  per type: out-of-fold relations F1 {current:.3f}", flush=True
    )
    chosen = replace(classifier, thresholds=thresholds)
    chosen.meta["selection"] = {"news_out_of_fold_f1, gold_f1": tried}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(chosen.to_json(), indent=0, ensure_ascii=False) + "\n", "utf-8")
    return {
        "C": chosen.meta["C"],
        "score": current,
        "thresholds": chosen.thresholds,
        "features": len(chosen.weights),
        "seconds": round(time.monotonic() - started, 1),
        "bytes": out.stat().st_size,
        **meta,
    }
