"""The whole extraction measured out of fold on the train split: an honest, larger dev set.

`python -m bench.out_of_fold [--out FILE]` (about 5 minutes on the 2-core VM; not part of `make
bench`). The news dev split has 35 articles, too few to see a change of one or two facts, and
the committed models were fitted on the train split, so extracting train with them measures
memory. Here the train split (530 articles in December 2026) is cut by story into the folds
`make train` uses; for each fold, a kinds model and then a fact model are fitted on the other
folds (with the regularisation strengths and thresholds of the committed models, so nothing is
chosen here), and the held-out fold is extracted with them. The scores (official scorer, entities,
relations by type, cases, ISO codes) are those of news the models never saw. The rules were
written with the train split in view, so this is not a test split: it is what rule and feature
changes are weighed on before the test split is read. `--out` writes the predictions (JSON
lines, in the split's order) for error analysis. `--misses` also says where each annotated fact
that was not found was lost: an entity at one end missing, no candidate pair in any sentence,
or a candidate the fold's fact model scored below its threshold (`add`, `keep` or `pass`).
The test split is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from graph.settings import load_settings
from ingest import fact_training, training
from ingest.annotations import Annotated, load_split, story_folds
from ingest.evaluate import DEFAULT_SCORER, _run_scorer, _scorer
from ingest.facts import BUILTIN_FACTS_MODEL, FactClassifier
from ingest.kinds import BUILTIN_KINDS_MODEL, KindClassifier
from ingest.pipeline import Extractor


def predictions(
    items: list[Annotated],
    base_model: str,
    kinds: KindClassifier,
    facts: FactClassifier,
    folds: int = training.FOLDS,
    work: Path | None = None,
    candidates: list[Candidates] | None = None,
) -> list[dict[str, Any]]:
    """Each article's extraction by models fitted without its story's fold, in `items` order.
    `kinds` and `facts` give the strengths and thresholds (their weights are not used). With
    `candidates` (a list), it receives each article's candidate facts scored by its fold's
    fact model (`Candidates`), for `fact_misses` (a second candidate pass per article, so only
    when asked)."""
    parser = Extractor(base_model, kinds_model="none", facts_model="none")
    docs = list(parser.nlp.pipe((a.article.text for a in items), batch_size=16))
    fold_of = story_folds(items, folds)
    kind_rows = [training.labelled([(d, a)]) for d, a in zip(docs, items, strict=True)]
    out: list[dict[str, Any]] = [{} for _ in items]
    scored: list[Candidates] = [{} for _ in items]
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        for f in sorted(set(fold_of)):
            held_in = [
                r for rows, g in zip(kind_rows, fold_of, strict=True) if g != f for r in rows
            ]
            kc = training.fit(held_in, float(kinds.meta["C"]), {"name": "out-of-fold"})
            kc.meta["thresholds"] = dict(kinds.meta["thresholds"])
            kinds_file = Path(tmp) / f"kinds-{f}.json"
            kinds_file.write_text(json.dumps(kc.to_json()), "utf-8")
            with_kinds = Extractor(base_model, kinds_model=str(kinds_file), facts_model="none")
            parsed = []
            for d, a, g in zip(docs, items, fold_of, strict=True):
                if g != f:
                    entities, cands = fact_training.article_candidates(with_kinds, d)
                    parsed.append(fact_training._Parsed(a, entities, cands))
            fc = fact_training.fit(
                fact_training.labelled(parsed), float(facts.meta["C"]), {"name": "out-of-fold"}
            )
            chosen = replace(fc, thresholds=dict(facts.thresholds))
            facts_file = Path(tmp) / f"facts-{f}.json"
            facts_file.write_text(json.dumps(chosen.to_json()), "utf-8")
            extractor = Extractor(
                base_model, kinds_model=str(kinds_file), facts_model=str(facts_file)
            )
            for i, (d, a, g) in enumerate(zip(docs, items, fold_of, strict=True)):
                if g == f:
                    out[i] = extractor.extract_doc(d, a.article).to_json()
                    if candidates is not None:
                        scored[i] = _scored(with_kinds, d, chosen)
            print(f"fold {f}: {fold_of.count(f)} articles extracted", file=sys.stderr, flush=True)
    if candidates is not None:
        candidates[:] = scored
    return out


# Per candidate fact (type, source id, target id): its best score, the threshold it had to
# reach, and which threshold that was ("keep" a rule's proposal, "pass", "add").
Candidates = dict[tuple[str, str, str], tuple[float, float, str]]


def _scored(extractor: Extractor, doc: Any, classifier: FactClassifier) -> Candidates:
    out: Candidates = {}
    for c in fact_training.article_candidates(extractor, doc)[1]:
        score = classifier.score(c.features)
        threshold = classifier.threshold(c.type, bool(c.rules), c.passed)
        mode = "keep" if c.rules else "pass" if c.passed else "add"
        best = out.get(c.key)
        if best is None or score - threshold > best[0] - best[1]:
            out[c.key] = (score, threshold, mode)
    return out


def fact_misses(
    items: list[Annotated], preds: list[dict[str, Any]], candidates: list[Candidates]
) -> dict[str, Counter[str]]:
    """Each annotated fact's fate, per type and in all ("all"): found; an end's entity not
    found; no candidate; a candidate below its threshold ("below add" / "below keep" / "below
    pass"); or a candidate above it that the article still did not keep."""
    scorer = _scorer(DEFAULT_SCORER)
    out: dict[str, Counter[str]] = {"all": Counter()}
    for a, p, cands in zip(items, preds, candidates, strict=True):
        gold_entities = a.record["entities"]
        typed = [e for e in p["entities"] if e.get("kind") in scorer.KINDS]
        to_gold = {
            typed[i]["id"]: j for i, j in scorer.match_entities(typed, gold_entities).items()
        }
        found = set()
        for r in p["relations"]:
            ends = (to_gold.get(r["source"]), to_gold.get(r["target"]))
            if None not in ends:
                found.add(_key(r["type"], *ends))
        best: dict[tuple[str, Any, Any], tuple[float, float, str]] = {}
        for (rel, source, target), value in cands.items():
            ends = (to_gold.get(source), to_gold.get(target))
            if None in ends:
                continue  # an end that is no annotated entity
            key = _key(rel, *ends)
            if key not in best or value[0] - value[1] > best[key][0] - best[key][1]:
                best[key] = value
        index = {e["name"]: j for j, e in enumerate(gold_entities)}
        matched = set(to_gold.values())
        for r in a.record["relations"]:
            key = _key(r["type"], index[r["source"]], index[r["target"]])
            if key in found:
                fate = "found"
            elif not {key[1], key[2]} <= matched:
                fate = "entity missing"
            elif key not in best:
                fate = "no candidate"
            elif best[key][0] < best[key][1]:
                fate = f"below {best[key][2]}"
            else:
                fate = "above threshold, not kept"
            out["all"][fate] += 1
            out.setdefault(r["type"], Counter())[fate] += 1
    return out


def scores(items: list[Annotated], preds: list[dict[str, Any]]) -> dict[str, Any]:
    """The official scorer's figures, with relations by type (found / predicted / annotated)."""
    scorer = _scorer(DEFAULT_SCORER)
    with tempfile.TemporaryDirectory() as tmp:
        gold_file, pred_file = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        gold_file.write_text("".join(json.dumps(a.record) + "\n" for a in items), "utf-8")
        pred_file.write_text("".join(json.dumps(p) + "\n" for p in preds), "utf-8")
        result = dict(_run_scorer(scorer, gold_file, pred_file))
    result["relations_by_type"] = _by_type(scorer, items, preds)
    return result


def _by_type(scorer: Any, items: list[Annotated], preds: list[dict[str, Any]]) -> dict[str, Any]:
    found: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    annotated: Counter[str] = Counter()
    for a, p in zip(items, preds, strict=True):
        gold_entities = a.record["entities"]
        typed = [e for e in p["entities"] if e.get("kind") in scorer.KINDS]
        matched = scorer.match_entities(typed, gold_entities)
        index = {e["name"]: j for j, e in enumerate(gold_entities)}
        gold = {
            _key(r["type"], index[r["source"]], index[r["target"]]) for r in a.record["relations"]
        }
        annotated.update(k[0] for k in gold)
        seen = set()
        for r in p["relations"]:
            s, t = (scorer.resolve(r[end], p["entities"]) for end in ("source", "target"))
            ends = [
                matched.get(typed.index(p["entities"][x]))
                if x is not None and p["entities"][x].get("kind") in scorer.KINDS
                else None
                for x in (s, t)
            ]
            key = (
                _key(r["type"], *ends)
                if None not in ends
                else (r["type"], r["source"], r["target"])
            )
            if key in seen:
                continue
            seen.add(key)
            predicted[r["type"]] += 1
            found[r["type"]] += key in gold
    return {
        t: {"found": found[t], "predicted": predicted[t], "annotated": annotated[t]}
        for t in sorted(annotated | predicted, key=lambda t: -annotated[t])
    }


def _key(rel: str, source: Any, target: Any) -> tuple[str, Any, Any]:
    if rel == "COOPERATES_WITH":
        source, target = sorted((source, target))
    return rel, source, target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.out_of_fold", description=__doc__)
    parser.add_argument("--out", type=Path, help="write the predictions here (JSON lines)")
    parser.add_argument(
        "--misses", action="store_true", help="say where each annotated fact not found was lost"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    items = load_split("train")
    kinds = KindClassifier.load(BUILTIN_KINDS_MODEL)
    facts = FactClassifier.load(BUILTIN_FACTS_MODEL)
    candidates: list[Candidates] | None = [] if args.misses else None
    preds = predictions(items, load_settings().spacy_model, kinds, facts, candidates=candidates)
    if args.out:
        args.out.write_text("".join(json.dumps(p) + "\n" for p in preds), "utf-8")
    result = scores(items, preds)
    for name in ("entities", "relations", "cases", "iso"):
        r = result[name]
        print(f"{name:10} P {r['p']:.3f}  R {r['r']:.3f}  F1 {r['f1']:.3f}")
    for rel, n in result["relations_by_type"].items():
        print(f"  {rel:20} {n['found']:4} / {n['predicted']:4} / {n['annotated']:4}")
    if candidates is not None:
        for rel, fates in sorted(
            fact_misses(items, preds, candidates).items(), key=lambda x: -x[1].total()
        ):
            print(f"{rel:20} " + ", ".join(f"{k} {v}" for k, v in fates.most_common()))
    print(f"{len(items)} train articles out of fold, {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
