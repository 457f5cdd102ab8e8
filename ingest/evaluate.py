"""`make eval`: extraction quality on the gold articles and NER quality on UNER English PUD.

    python -m ingest.evaluate [--gold DIR] [--uner FILE] [--json] [--skip-uner]

Gold: reads `seed.jsonl` + `dev.jsonl` and their texts, runs `Extractor`, and scores with the
matching rules of ../shared/tools/score_extraction.py (imported from there, so the numbers are
the official ones). UNER: PER/ORG/LOC span F1 of casegraph's typed entities against the bare
spaCy model on the same sentences.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from graph.errors import ConfigError, InputError
from ingest.entities import find_mentions
from ingest.jurisdictions import demonym_forms
from ingest.records import Article, article_id
from ingest.resolve import resolve

SHARED = Path(os.environ.get("CASEGRAPH_SHARED", Path(__file__).resolve().parents[2] / "shared"))
DEFAULT_GOLD = SHARED / "data" / "gold"
DEFAULT_UNER = SHARED / "data" / "uner-english-pud" / "en_pud-ud-test.iob2"
DEFAULT_SCORER = SHARED / "tools" / "score_extraction.py"
# casegraph kinds -> UNER labels; spaCy labels of the bare model -> UNER labels.
KIND_TO_UNER = {
    "Person": "PER",
    "Agency": "ORG",
    "Organization": "ORG",
    "Platform": "ORG",
    "Jurisdiction": "LOC",
}
SPACY_TO_UNER = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def _scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None or not path.exists():
        raise ConfigError(f"scorer not found at {path}: set CASEGRAPH_SHARED to the shared folder")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cleaner():
    """ingest.clean.clean_text when that module exists (production texts are cleaned)."""
    try:
        from ingest.clean import clean_text
    except ImportError:
        return None
    return clean_text


def gold_articles(gold_dir: Path) -> tuple[list[dict[str, Any]], list[Article]]:
    gold: list[dict[str, Any]] = []
    for name in ("seed.jsonl", "dev.jsonl"):
        path = gold_dir / name
        if not path.exists():
            raise InputError(f"gold file {path} not found: pass --gold DIR")
        gold += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    clean = _cleaner()
    articles = []
    for g in gold:
        path = gold_dir / g["text_file"]
        text = path.read_text("utf-8")
        if clean is not None:
            text = clean(text)
        articles.append(Article(id=article_id(text), text=text, path=str(path)))
    return gold, articles


def score_gold(extractor: Any, gold_dir: Path, scorer_path: Path) -> dict[str, Any]:
    gold, articles = gold_articles(gold_dir)
    scorer = _scorer(scorer_path)
    with tempfile.TemporaryDirectory() as tmp:
        gold_file, pred_file = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        gold_file.write_text("".join(json.dumps(g) + "\n" for g in gold), "utf-8")
        with pred_file.open("w", encoding="utf-8") as out:
            for ex in extractor.extract(articles):
                out.write(json.dumps(ex.to_json()) + "\n")
        return _run_scorer(scorer, gold_file, pred_file)


def _run_scorer(scorer: ModuleType, gold_file: Path, pred_file: Path) -> dict[str, Any]:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        scorer.main(["score_extraction.py", str(gold_file), str(pred_file), "--json"])
    return dict(json.loads(buf.getvalue()))


def read_iob2(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if words:
                yield words, tags
            words, tags = [], []
            continue
        parts = line.split("\t")
        words.append(parts[1])
        tags.append(parts[2])
    if words:
        yield words, tags


def _gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    spans, start, label = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            spans.add((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return spans  # type: ignore[return-value]


def score_uner(extractor: Any, path: Path, limit: int | None = None) -> dict[str, Any]:
    """Span F1 (exact token spans + label) of casegraph and of the bare model."""
    from spacy.tokens import Doc

    if not path.exists():
        raise InputError(f"UNER file {path} not found: pass --uner FILE")
    sentences = list(read_iob2(path))[:limit]
    nlp = extractor.nlp
    docs = (Doc(nlp.vocab, words=w) for w, _ in sentences)
    counts = {"casegraph": [0, 0, 0], "bare": [0, 0, 0]}
    for doc, (_, tags) in zip(nlp.pipe(docs, batch_size=64), sentences, strict=True):
        gold = _gold_spans(tags)
        bare = {
            (e.start, e.end, SPACY_TO_UNER[e.label_]) for e in doc.ents if e.label_ in SPACY_TO_UNER
        }
        found, _ = resolve(doc, find_mentions(doc))
        # A demonym ("Russian") refers to a jurisdiction but is not a place name: UNER, like
        # spaCy's NORP, does not tag it.
        ours = {
            (f.start, f.end, KIND_TO_UNER[f.kind])
            for f in found
            if f.kind in KIND_TO_UNER and not f.nested and f.text not in demonym_forms()
        }
        ours |= _kept_places(doc, found)
        for name, pred in (("casegraph", ours), ("bare", bare)):
            c = counts[name]
            c[0] += len(pred & gold)
            c[1] += len(pred)
            c[2] += len(gold)
    return {k: _prf(*v) for k, v in counts.items()} | {"sentences": len(sentences)}


def _kept_places(doc: Any, found: list[Any]) -> set[tuple[int, int, str]]:
    """The model's GPE/LOC spans that casegraph did not type as something else.

    casegraph keeps spaCy's spans on the parsed doc; cities and regions are not Jurisdiction
    entities (the gold guidelines exclude them), but they are still place names the pipeline
    recognised, so for UNER's LOC they are reported as such. A span that overlaps a casegraph
    agency, organisation, person, platform or offence is not reported: there casegraph's
    decision stands.
    """
    typed = [f for f in found if f.kind in KIND_TO_UNER or f.kind == "Offense"]
    out = set()
    for e in doc.ents:
        if e.label_ not in ("GPE", "LOC"):
            continue
        if any(f.start < e.end and e.start < f.end for f in typed if f.kind != "Jurisdiction"):
            continue
        if any(
            (f.start, f.end) != (e.start, e.end)
            for f in typed
            if f.kind == "Jurisdiction" and f.start < e.end and e.start < f.end
        ):
            continue
        out.add((e.start, e.end, "LOC"))
    return out


def _prf(tp: int, npred: int, ngold: int) -> dict[str, float | int]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "p": round(p, 4),
        "r": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "pred": npred,
        "gold": ngold,
    }


TARGETS = {"entities": 0.80, "iso": 0.90, "relations": 0.50, "cases": 0.50}


def print_table(result: dict[str, Any]) -> None:
    g = result["gold"]
    print(f"gold articles: {g['articles']}  (model {result['model']})")
    print(f"{'metric':24s} {'P':>6s} {'R':>6s} {'F1':>6s}  target")
    for k in ("entities", "entities_untyped", "iso", "relations", "cases"):
        v = g[k]
        target = TARGETS.get(k)
        mark = (
            "" if target is None else f">= {target:.2f} {'ok' if v['f1'] >= target else 'MISSED'}"
        )
        print(f"{k:24s} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f}  {mark}")
    for k, v in g["per_kind"].items():
        print(f"  kind {k:19s} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f}  ({v['gold']} gold)")
    for k, v in g["per_relation"].items():
        print(f"  rel  {k:19s} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f}  ({v['gold']} gold)")
    if "uner" in result:
        u = result["uner"]
        print(f"UNER English PUD NER ({u['sentences']} sentences, PER/ORG/LOC exact spans)")
        for k in ("casegraph", "bare"):
            v = u[k]
            print(f"  {k:22s} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.evaluate", description=__doc__)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--uner", type=Path, default=DEFAULT_UNER)
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--skip-uner", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    from graph.errors import CasegraphError
    from ingest.pipeline import Extractor

    try:
        extractor = Extractor(args.model)
        result: dict[str, Any] = {"model": extractor.model}
        result["gold"] = score_gold(extractor, args.gold, args.scorer)
        if not args.skip_uner:
            result["uner"] = score_uner(extractor, args.uner)
    except CasegraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
