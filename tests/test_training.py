"""Training the kinds model: mentions from annotations, silver labels, determinism."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ingest.annotations import Annotated
from ingest.records import Article, article_id
from ingest.training import examples, mention_offsets, train

# Invented articles, written for these tests.
TEXTS = [
    "Dutch police arrested a man in Rotterdam. The suspect ran Ruxmart, a darknet market. "
    "Europol said Ruxmart sold stolen card data.\n\nThe Dutch National Police thanked Europol.",
    "Analysts at Quorvane said the Velvetline gang used phishing. Maria Lind of Quorvane said "
    "Velvetline also sold access to Blitzchat accounts.",
]
RECORDS = [
    {"entities": [
        {"name": "Dutch police", "kind": "Agency", "aliases": ["Dutch National Police"], "iso": None},
        {"name": "Netherlands", "kind": "Jurisdiction", "aliases": ["Dutch"], "iso": "NL"},
        {"name": "Ruxmart", "kind": "Platform", "aliases": [], "iso": None},
        {"name": "Europol", "kind": "Agency", "aliases": [], "iso": None},
    ]},
    {"entities": [
        {"name": "Quorvane", "kind": "Organization", "aliases": [], "iso": None},
        {"name": "Velvetline", "kind": "Organization", "aliases": [], "iso": None},
        {"name": "phishing", "kind": "Offense", "aliases": [], "iso": None},
        {"name": "Maria Lind", "kind": "Person", "aliases": [], "iso": None},
        {"name": "Blitzchat", "kind": "Platform", "aliases": [], "iso": None},
    ]},
]  # fmt: skip


def _annotated() -> list[Annotated]:
    return [
        Annotated({"text_file": f"t{i}.txt", **r}, Article(article_id(t), t, f"t{i}.txt"))
        for i, (t, r) in enumerate(zip(TEXTS, RECORDS, strict=True))
    ]


def test_mentions_are_whole_words_longest_first_without_overlaps() -> None:
    text = TEXTS[0]
    spans = mention_offsets(text, RECORDS[0]["entities"])
    found = [(text[s:e], kind) for s, e, kind in spans]
    assert ("Dutch police", "Agency") in found
    assert ("Dutch National Police", "Agency") in found
    assert ("Dutch", "Jurisdiction") not in found  # inside the longer agency names
    assert found.count(("Ruxmart", "Platform")) == 2
    assert ("phishing", "Offense") in [
        (TEXTS[1][s:e], k) for s, e, k in mention_offsets(TEXTS[1], RECORDS[1]["entities"])
    ]


def test_examples_hold_annotated_kinds_and_silver_stock_labels() -> None:
    import spacy

    from ingest.nlp import load_model

    base, _ = load_model("en_core_web_sm")
    base.select_pipes(enable=["ner"])
    nlp = spacy.blank("en", vocab=base.vocab)
    exs = examples(nlp, base, _annotated())
    assert len(exs) == 3  # one per paragraph
    labels = {(e.text, e.label_) for ex in exs for e in ex.reference.ents}
    assert ("Ruxmart", "Platform") in labels and ("Maria Lind", "Person") in labels
    # Not annotated (a city): the stock model's label stays, as silver.
    assert any(text == "Rotterdam" for text, _ in labels)
    assert all(label not in ("DATE", "CARDINAL") for _, label in labels)


@pytest.mark.slow
def test_training_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    data = (_annotated(), _annotated())
    digests = []
    for run in ("a", "b"):
        report = train("en_core_web_sm", tmp_path / run, epochs=2, seed=7, data=data)
        assert report["train"]["articles"] == 2 and report["epochs_run"] == 2
        weights = (tmp_path / run / "casegraph_kinds" / "model").read_bytes()
        digests.append(hashlib.sha256(weights).hexdigest())
        meta = json.loads((tmp_path / run / "training.json").read_text())
        assert meta["seed"] == 7
    assert digests[0] == digests[1]
