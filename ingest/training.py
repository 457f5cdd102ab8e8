"""`make train`: the entity-kinds model, trained on casegraph's annotations of real news.

    python -m ingest.training [--out DIR] [--epochs N] [--seed N]

The model is a spaCy `ner` that replaces the stock one: it predicts casegraph's six kinds
(Person, Agency, Platform, Organization, Jurisdiction, Offense) where the annotations put them,
and the stock labels (GPE, NORP, DATE, ORG, ...) everywhere else, so one pass gives both what
the rules read and the learned kinds (`ingest.nlp` splits the two views). It starts from the
weights of the base model's `ner` (en_core_web_sm) and is trained on:

- the train split of `data/annotations/`: annotated mentions with their kinds, plus the base
  model's own entities where no annotated mention is (silver labels, so it keeps them);
- the DOJ gold set is not used: it stays an evaluation set of another genre.

The dev split picks the best epoch; the test split is never read here. The annotations name
entities (name and aliases), not offsets, so a mention is every whole-word occurrence of a name
or alias in the annotated text, longest first. The result is a small spaCy pipeline holding
only that component (`ingest/models/kinds` is the one shipped). Training is deterministic for a
seed on one machine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from graph import ontology
from ingest.annotations import Annotated, load_split
from ingest.nlp import BUILTIN_KINDS_MODEL, KINDS_COMPONENT, load_model

KINDS = ontology.ENTITY_KINDS
# The stock labels the rules read (ingest.entities); other stock labels are not learned, which
# keeps the model's output layer small (the ner's cost grows with its number of actions).
SILVER = ("PERSON", "ORG", "GPE", "LOC", "NORP")
LABELS = (*KINDS, *SILVER)
_PARAGRAPH = re.compile(r"\n\s*\n")


def mention_offsets(text: str, entities: Iterable[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """Character spans of every whole-word occurrence of an entity's name or alias, with its
    kind; longer forms first, no overlaps. Lower-case forms (offences) match in any case."""
    forms = []
    for e in entities:
        for form in {e["name"], *(e.get("aliases") or ())}:
            if form.strip():
                forms.append((form, e["kind"]))
    forms.sort(key=lambda f: -len(f[0]))
    taken = [False] * len(text)
    out = []
    for form, kind in forms:
        flags = re.IGNORECASE if form == form.lower() else 0
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, flags):
            if not any(taken[m.start() : m.end()]):
                out.append((m.start(), m.end(), kind))
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    return sorted(out)


def examples(nlp: Language, base: Language, annotated: Iterable[Annotated]) -> list[Example]:
    """One Example per paragraph of each annotated article (short docs train better): the
    annotated mentions, and the base model's entities where they overlap none of them."""
    out = []
    for a in annotated:
        text = a.article.text
        spans = mention_offsets(text, a.record["entities"])
        start = 0
        for m in [*_PARAGRAPH.finditer(text), None]:
            end = m.start() if m else len(text)
            part = text[start:end]
            if part.strip():
                doc = nlp.make_doc(part)
                ents = []
                for s, e, kind in spans:
                    if start <= s and e <= end:
                        span = doc.char_span(
                            s - start, e - start, label=kind, alignment_mode="contract"
                        )
                        if span is not None and len(span):
                            ents.append(span)
                gold = spacy.util.filter_spans(ents)
                taken = {i for span in gold for i in range(span.start, span.end)}
                silver = [
                    doc.char_span(e.start_char, e.end_char, label=e.label_)
                    for e in base(part).ents
                    if e.label_ in SILVER
                ]
                gold += [
                    e for e in silver
                    if e is not None and taken.isdisjoint(range(e.start, e.end))
                ]  # fmt: skip
                doc.ents = spacy.util.filter_spans(gold)
                out.append(Example(nlp.make_doc(part), doc))
            start = m.end() if m else len(text)
    return out


def _ours(doc: Doc) -> Doc:
    doc.ents = [e for e in doc.ents if e.label_ in KINDS]
    return doc


def _scores(nlp: Language, dev: list[Example]) -> dict[str, Any]:
    """Mention P/R/F1 of casegraph's kinds only (the silver labels are not scored)."""
    predicted = [
        Example(_ours(doc), _ours(ex.reference.copy()))
        for doc, ex in zip(nlp.pipe(ex.reference.text for ex in dev), dev, strict=True)
    ]
    s = Scorer.score_spans(predicted, "ents")
    return {
        "p": round(float(s["ents_p"]), 4),
        "r": round(float(s["ents_r"]), 4),
        "f1": round(float(s["ents_f"]), 4),
        "per_kind": {
            k: {m: round(float(v), 4) for m, v in d.items()} for k, d in s["ents_per_type"].items()
        },
    }


def train(
    base_model: str,
    out: Path,
    epochs: int = 30,
    seed: int = 0,
    patience: int = 6,
    data: tuple[list[Annotated], list[Annotated]] | None = None,
) -> dict[str, Any]:
    """Train, keep the best epoch on dev, write the model to `out`; returns what it measured.
    `data` (train, dev) replaces the annotation splits (tests)."""
    started = time.monotonic()
    fix_random_seed(seed)
    base, base_name = load_model(base_model)
    nlp = spacy.blank("en", vocab=base.vocab)
    nlp.tokenizer = base.tokenizer
    # The base ner's architecture with a new output layer for LABELS; its embedding, encoder
    # and hidden layer start from the base ner's trained weights.
    nlp.add_pipe(
        "ner", name=KINDS_COMPONENT, config={"model": base.config["components"]["ner"]["model"]}
    )
    ner: Any = nlp.get_pipe(KINDS_COMPONENT)
    for label in LABELS:
        ner.add_label(label)
    base.select_pipes(enable=["ner"])  # silver labels: the stock ner has its own tok2vec
    train_set, dev_set = data or (load_split("train"), load_split("dev"))
    train_ex, dev_ex = examples(nlp, base, train_set), examples(nlp, base, dev_set)
    optimizer = nlp.initialize(lambda: train_ex)
    source = base.get_pipe("ner").model  # type: ignore[attr-defined]
    for ref in ("tok2vec", "lower"):
        ner.model.get_ref(ref).from_bytes(source.get_ref(ref).to_bytes())
    rng = random.Random(seed)
    best: tuple[float, int, bytes] = (-1.0, -1, b"")
    history = []
    for epoch in range(1, epochs + 1):
        rng.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch(train_ex, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.25, losses=losses)
        dev = _scores(nlp, dev_ex)
        history.append(
            {
                "epoch": epoch,
                "loss": round(float(losses.get(KINDS_COMPONENT, 0.0)), 1),
                "dev_f1": dev["f1"],
            }
        )
        print(
            f"epoch {epoch:2d}  loss {history[-1]['loss']:9.1f}  dev F1 {dev['f1']:.3f}", flush=True
        )
        if dev["f1"] > best[0]:
            best = (dev["f1"], epoch, ner.to_bytes())
        elif epoch - best[1] >= patience:
            break
    ner.from_bytes(best[2])
    dev = _scores(nlp, dev_ex)
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.meta["name"] = "casegraph_kinds"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "casegraph entity kinds (ner), trained on data/annotations"
    nlp.to_disk(out)
    report = {
        "base_model": base_name,
        "seed": seed,
        "epochs_run": len(history),
        "best_epoch": best[1],
        "train": {
            "articles": len(train_set),
            "paragraphs": len(train_ex),
            "mentions": sum(len(e.reference.ents) for e in train_ex),
        },
        "dev": {
            "articles": len(dev_set),
            "paragraphs": len(dev_ex),
            "mentions": sum(len(e.reference.ents) for e in dev_ex),
            "mention_scores": dev,
        },
        "history": history,
        "seconds": round(time.monotonic() - started, 1),
        "size_bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
    }
    (out / "training.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.training", description=__doc__)
    parser.add_argument("--out", type=Path, default=BUILTIN_KINDS_MODEL)
    parser.add_argument("--base", default="en_core_web_sm")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = train(args.base, args.out, epochs=args.epochs, seed=args.seed)
    minutes = report["seconds"] / 60
    print(
        f"trained {args.out} in {minutes:.1f} min: best epoch {report['best_epoch']}, dev mention "
        f"F1 {report['dev']['mention_scores']['f1']:.3f}, {report['size_bytes'] / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
