"""Does the fact model's per-type threshold choice generalise? A nested check, not part of
`make bench` (`python -m bench.fact_thresholds`, about 9 minutes on the 2-core VM).

`make train` chooses the fact classifier's thresholds (`ingest.fact_training`): one `keep` and
one `add` shared by all fact types, then one of each per type and a `pass` for the types whose
rules read a trigger, every change kept that raises the out-of-fold objective (the mean of
relations F1 on the train split out of fold plus dev, and on the gold set). With 4 folds of a
few hundred articles a per-type threshold rests on few facts, and successive trainings moved
some of them far. Here each train fold in turn is held out: the thresholds are chosen as `make
train` chooses them on the other three folds (out of fold), dev and gold, and then scored on
the held-out fold, for the shared thresholds alone and for the per-type ones kept only when
their gain is at least a margin. Each per-type threshold is chosen on its own from the shared
ones (the types barely interact). The test split is never read.
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import replace

from graph import ontology
from graph.settings import load_settings
from ingest import fact_training as ft
from ingest.annotations import Annotated, load_split, story_folds
from ingest.evaluate import DEFAULT_GOLD, gold_articles
from ingest.facts import READ_BY, FactClassifier
from ingest.pipeline import Extractor

MARGINS = (0.0, 0.001, 0.002, 0.004)
STRENGTH = 1.0  # the C `make train` chose in the sixteenth to eighteenth sessions


def _objective(classifier: FactClassifier, chosen: list, gold: list, thresholds: dict) -> float:
    c = replace(classifier, thresholds=thresholds)
    return (ft._relations_f1(chosen, c) + ft._relations_f1(gold, c)) / 2


def _shared(classifier: FactClassifier, chosen: list, gold: list) -> dict[str, float]:
    thresholds = {"keep": 0.5, "add": 0.5}
    current = _objective(classifier, chosen, gold, thresholds)
    for name in ["keep", "add"] * 2:
        for value in ft.KEEP_GRID if name == "keep" else ft.GRID:
            trial = {**thresholds, name: value}
            if trial != thresholds:
                score = _objective(classifier, chosen, gold, trial)
                if score > current:
                    current, thresholds = score, trial
    return thresholds


def _gains(
    classifier: FactClassifier, chosen: list, gold: list, shared: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """Per-type threshold -> (its best value, the objective's gain over the shared ones)."""
    base = _objective(classifier, chosen, gold, shared)
    types = {c.type for d in chosen for c in d.candidates}
    out = {}
    for rel, mode in itertools.product(ontology.FACT_TYPES, ("keep", "add", "pass")):
        if rel not in types or (mode == "pass" and rel not in READ_BY):
            continue
        name = f"{mode}:{rel}"
        best, best_score = None, base
        grid = ft.KEEP_GRID if mode == "keep" else ft.GRID
        for value in (*grid, 1.0) if mode == "pass" else grid:
            score = _objective(classifier, chosen, gold, {**shared, name: value})
            if score > best_score:
                best, best_score = value, score
        if best is not None:
            out[name] = (best, best_score - base)
    return out


def main() -> int:
    started = time.monotonic()
    settings = load_settings()
    extractor = Extractor(
        settings.spacy_model, kinds_model=settings.kinds_model, facts_model="none"
    )

    def parsed(items: list[Annotated]) -> list:
        pipe = extractor.nlp.pipe(((a.article.text, a) for a in items), as_tuples=True)
        return [ft._Parsed(a, *ft.article_candidates(extractor, doc)) for doc, a in pipe]

    train_set = load_split("train")
    train, dev = parsed(train_set), parsed(load_split("dev"))
    records, texts = gold_articles(DEFAULT_GOLD)
    gold = parsed([Annotated(r, t) for r, t in zip(records, texts, strict=True)])
    folds = story_folds(train_set, ft.FOLDS)
    rows = [ft.labelled([d]) for d in train]
    meta = {"name": "nested-check"}
    for f in sorted(set(folds)):
        model = ft.fit(
            [r for rs, g in zip(rows, folds, strict=True) if g != f for r in rs], STRENGTH, meta
        )
        for d, g in zip(train, folds, strict=True):
            if g == f:
                d.scores = [model.score(c.features) for c in d.candidates]
    full = ft.fit([r for rs in rows for r in rs], STRENGTH, meta)
    for d in (*dev, *gold):
        d.scores = [full.score(c.features) for c in d.candidates]
    held_out: dict[str, list[float]] = {"shared only": []} | {f"margin {m}": [] for m in MARGINS}
    for h in sorted(set(folds)):
        chosen = [d for d, g in zip(train, folds, strict=True) if g != h] + dev
        held = [d for d, g in zip(train, folds, strict=True) if g == h]
        shared = _shared(full, chosen, gold)
        gains = _gains(full, chosen, gold, shared)
        print(f"fold {h}: shared {shared}; per type (value, gain) {gains}", flush=True)
        held_out["shared only"].append(ft._relations_f1(held, replace(full, thresholds=shared)))
        for m in MARGINS:
            thresholds = {**shared, **{k: v for k, (v, gain) in gains.items() if gain >= m}}
            held_out[f"margin {m}"].append(
                ft._relations_f1(held, replace(full, thresholds=thresholds))
            )
    for name, scores in held_out.items():
        mean = sum(scores) / len(scores)
        print(
            f"{name:<14} held-out relations F1 {mean:.4f}  by fold {[round(s, 4) for s in scores]}"
        )
    print(f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
