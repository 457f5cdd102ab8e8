"""`make train`: the entity-kinds classifier, trained on casegraph's annotations of real news.

    python -m ingest.training [--out FILE]

The classifier (`ingest.kinds`) gives each candidate name that the rules are not sure of a kind
(Person, Agency, Platform, Organization, Offense) or none. Its training data are the candidates
(their binary features and the NER's context vector, `ingest.kinds.context_vector`)
that casegraph's own pipeline finds in the train split of `data/annotations/` (the same code
path as extraction: spaCy, the rules, `ingest.kinds.candidates`), each labelled with the kind of
the annotated entity whose name or alias it is (normalised as the official scorer does), or
none. A multinomial logistic regression (scikit-learn, L2, lbfgs, balanced class weights) is fitted for each
regularisation strength in `STRENGTHS`; the dev sets pick the strength and the
thresholds of `ingest.kinds` (per kind, coordinate search on `GRID`) whose extraction scores best
on the issue's two entity targets: the mean of entities F1 (with kinds, official scorer) and
Person precision, each on the news dev split and on the gold set (DOJ press releases, another
genre users feed casegraph, so the choice does not overfit news). The test
split is never read here. The
model is written as plain JSON weights (no pickle; inference needs no learning library), with
what it was trained on and how it scored. The same data and code give the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
from spacy.tokens import Doc

from ingest.annotations import Annotated, load_split
from ingest.entities import find_mentions
from ingest.kinds import (
    BUILTIN_KINDS_MODEL,
    CLASSIFIED,
    NONE,
    DenseWeights,
    KindClassifier,
    candidate_features,
)
from ingest.records import normalize_name

STRENGTHS = (0.1, 0.3, 1.0)  # inverse L2 strength C, chosen on dev
# P(none) at which a candidate is dropped, per kind the rules gave it and for untyped names
# ("add"): chosen on the dev sets by coordinate search over GRID, two rounds.
THRESHOLDS = ("Person", "Organization", "Platform", "Offense", "add")
GRID = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)
MODEL_NAME = "casegraph-kinds-1"
# Weight of the standardised NER context vector against the binary features (one shared L2
# strength): 0.05 / 0.1 / 0.2 compared by 4-fold cross-validation on the train split and on the
# dev sets (0.05 best on all three); 0 leaves the vectors out.
DENSE_SCALE = 0.05


def gold_kinds(record: dict[str, Any]) -> dict[str, str]:
    """Normalised name or alias -> kind, for the kinds the classifier decides."""
    out: dict[str, str] = {}
    for e in record["entities"]:
        for form in (e["name"], *(e.get("aliases") or ())):
            key = normalize_name(form)
            if key:
                out.setdefault(key, e["kind"] if e["kind"] in CLASSIFIED else NONE)
    return out


Row = tuple[list[str], numpy.ndarray | None, str]


def labelled(docs: Iterable[tuple[Doc, Annotated]]) -> list[Row]:
    """(features, context vector, label) of every candidate of the parsed annotated articles."""
    out = []
    for doc, a in docs:
        gold = gold_kinds(a.record)
        for c, feats, vector in candidate_features(doc, find_mentions(doc)):
            out.append((feats, vector, gold.get(normalize_name(c.text), NONE)))
    return out


def fit(rows: list[Row], strength: float, meta: dict[str, Any]) -> KindClassifier:
    """A multinomial logistic regression on binary features and, when every candidate has
    one, the standardised context vector scaled by `DENSE_SCALE`; exported as weights."""
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(feats, 1) for feats, _, _ in rows])
    y = [label for _, _, label in rows]
    vectors = [v for _, v, _ in rows if v is not None]
    dense_x = None
    if DENSE_SCALE > 0 and rows and len(vectors) == len(rows):
        dense_x = numpy.stack(vectors)
        mean, std = dense_x.mean(0), dense_x.std(0) + 1e-6
        x = sparse.hstack([x, sparse.csr_matrix(DENSE_SCALE * (dense_x - mean) / std)]).tocsr()
    model = LogisticRegression(C=strength, max_iter=3000, tol=1e-6, class_weight="balanced")
    model.fit(x, y)
    labels = tuple(str(c) for c in model.classes_)
    coef = model.coef_ if len(labels) > 2 else None
    if coef is None:
        raise ValueError("the training data hold fewer than three labels")
    weights = {}
    names = vectorizer.get_feature_names_out()
    for j, name in enumerate(names):
        column = tuple(round(float(coef[i, j]), 5) for i in range(len(labels)))
        if any(abs(w) >= 1e-4 for w in column):
            weights[str(name)] = column
    dense = None
    if dense_x is not None:
        # (v - mean) / std * scale . w  ==  (v - mean) . (w * scale / std)
        folded = coef[:, len(names) :].T * (DENSE_SCALE / std)[:, None]
        dense = DenseWeights(
            numpy.round(mean, 5).astype("float32"), numpy.round(folded, 5).astype("float32")
        )
    bias = tuple(round(float(b), 5) for b in model.intercept_)
    meta = {**meta, "C": strength}
    if dense is not None:
        meta["dense"] = {
            "vector": "NER tok2vec: first word, last word, mean of 3 words before, 3 after",
            "width": int(dense.mean.shape[0]),
            "scale": DENSE_SCALE,
        }
    return KindClassifier(labels, bias, weights, meta, dense)


def _dev_score(extractor: Any, docs: list[tuple[Doc, Annotated]]) -> tuple[float, float]:
    """Entities F1 (with kinds) and Person precision of the extraction of the dev docs,
    official scorer."""
    import tempfile

    from ingest.evaluate import DEFAULT_SCORER, _run_scorer, _scorer

    with tempfile.TemporaryDirectory() as tmp:
        gold_file, pred_file = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        gold_file.write_text("".join(json.dumps(a.record) + "\n" for _, a in docs), "utf-8")
        with pred_file.open("w", encoding="utf-8") as out:
            for doc, a in docs:
                out.write(json.dumps(extractor.extract_doc(doc, a.article).to_json()) + "\n")
        result = _run_scorer(_scorer(DEFAULT_SCORER), gold_file, pred_file)
        person = result.get("per_kind", {}).get("Person", {})
        return float(result["entities"]["f1"]), float(person.get("p", 1.0))


def train(
    out: Path,
    base_model: str = "en_core_web_sm",
    data: tuple[list[Annotated], list[Annotated]] | None = None,
    gold: bool = True,
) -> dict[str, Any]:
    """Fit, choose the strength and thresholds on the dev sets, write the model to `out`;
    returns what was measured. `data` (train, dev) replaces the annotation splits and `gold`
    False leaves the gold set out of the choice (tests)."""
    from ingest.pipeline import Extractor

    started = time.monotonic()
    extractor = Extractor(base_model, kinds_model="none", facts_model="none")
    train_set, dev_set = data or (load_split("train"), load_split("dev"))

    def parsed(items: list[Annotated]) -> list[tuple[Doc, Annotated]]:
        texts = ((a.article.text, a) for a in items)
        return list(extractor.nlp.pipe(texts, as_tuples=True, batch_size=16))

    train_docs, dev_docs = parsed(train_set), parsed(dev_set)
    rows = labelled(train_docs)
    counts = Counter(label for _, _, label in rows)
    meta = {
        "name": MODEL_NAME,
        "base_model": extractor.model,
        "train": {
            "articles": len(train_set),
            "candidates": len(rows),
            "labels": dict(sorted(counts.items())),
        },
        "dev": {"articles": len(dev_set)},
    }
    from ingest.evaluate import DEFAULT_GOLD, gold_articles

    gold_docs = []
    if gold:
        gold_records, gold_texts = gold_articles(DEFAULT_GOLD)
        gold_docs = parsed([Annotated(r, t) for r, t in zip(gold_records, gold_texts, strict=True)])
    tried: dict[str, list[float]] = {}

    def score(classifier: KindClassifier, thresholds: dict[str, float]) -> float:
        classifier.meta["thresholds"] = dict(thresholds)
        extractor.classifier = classifier
        dev, dev_person = _dev_score(extractor, dev_docs)
        other, other_person = _dev_score(extractor, gold_docs) if gold_docs else (dev, dev_person)
        key = f"C={classifier.meta['C']} " + " ".join(f"{k}={v}" for k, v in thresholds.items())
        tried[key] = [round(x, 4) for x in (dev, other, dev_person, other_person)]
        # the two entity targets, entities F1 and Person precision, on both sets
        return (dev + other + dev_person + other_person) / 4

    best: tuple[float, KindClassifier] | None = None
    for strength in STRENGTHS:
        classifier = fit(rows, strength, meta)
        thresholds = dict.fromkeys(THRESHOLDS, 0.5)
        current = score(classifier, thresholds)
        for _ in range(2):
            for name in THRESHOLDS:
                for value in GRID:
                    trial = {**thresholds, name: value}
                    result = score(classifier, trial)
                    if result > current:
                        current, thresholds = result, trial
        classifier.meta["thresholds"] = thresholds
        print(
            f"C {strength:<4}  mean dev F1 and Person precision {current:.3f}  {thresholds}",
            flush=True,
        )
        if best is None or current > best[0]:
            best = (current, classifier)
    assert best is not None
    chosen = best[1]
    chosen.meta["selection"] = {"news_dev_f1, gold_f1, news_dev_person_p, gold_person_p": tried}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(chosen.to_json(), indent=0, ensure_ascii=False) + "\n", "utf-8")
    return {
        "C": chosen.meta["C"],
        "dev_f1": best[0],
        "features": len(chosen.weights),
        "seconds": round(time.monotonic() - started, 1),
        "bytes": out.stat().st_size,
        **meta,
    }


def main(argv: list[str] | None = None) -> int:
    from ingest import fact_training
    from ingest.facts import BUILTIN_FACTS_MODEL

    parser = argparse.ArgumentParser(prog="python -m ingest.training", description=__doc__)
    parser.add_argument("--out", type=Path, default=BUILTIN_KINDS_MODEL)
    parser.add_argument("--facts-out", type=Path, default=BUILTIN_FACTS_MODEL)
    parser.add_argument("--base", default="en_core_web_sm")
    args = parser.parse_args(argv)
    from graph.errors import CasegraphError

    try:
        report = train(args.out, args.base)
        print(
            f"trained {args.out} in {report['seconds'] / 60:.1f} min on "
            f"{report['train']['articles']} articles ({report['train']['candidates']} "
            f"candidates): C {report['C']}, dev score {report['dev_f1']:.3f}, "
            f"{report['features']} features, {report['bytes'] / 1e6:.1f} MB",
            flush=True,
        )
        facts = fact_training.train(args.facts_out, args.base, kinds_model=str(args.out))
    except CasegraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(
        f"trained {args.facts_out} in {facts['seconds'] / 60:.1f} min on "
        f"{facts['train']['articles']} articles ({facts['train']['candidates']} candidates): "
        f"C {facts['C']}, mean dev relations F1 {facts['dev_f1']:.3f}, {facts['features']} "
        f"features, {facts['bytes'] / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
