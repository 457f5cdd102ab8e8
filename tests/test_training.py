"""Training the kinds model: mentions from annotations, silver labels, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.annotations import Annotated
from ingest.kinds import NONE
from ingest.records import Article, article_id
from ingest.training import gold_kinds, labelled, train
from tests.extract_support import extractor

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
        Annotated(
            {"text_file": f"t{i}.txt", "relations": [], "cases": [], **r},
            Article(article_id(t), t, f"t{i}.txt"),
        )
        for i, (t, r) in enumerate(zip(TEXTS, RECORDS, strict=True))
    ]


def test_gold_kinds_are_keyed_by_normalised_names_and_aliases() -> None:
    kinds = gold_kinds(RECORDS[0])
    assert kinds["dutch police"] == "Agency" and kinds["dutch national police"] == "Agency"
    assert kinds["netherlands"] == NONE  # jurisdictions are the rules', not the classifier's


def test_labelled_candidates_take_the_annotated_kind_or_none() -> None:
    nlp = extractor().nlp
    items = _annotated()
    rows = labelled((nlp(a.article.text), a) for a in items)
    by_word = {}
    for feats, vector, label in rows:
        assert vector is not None
        for f in feats:
            if f.startswith("first="):
                by_word[f[len("first=") :]] = label
    assert by_word.get("maria") == "Person"
    assert by_word.get("quorvane") == "Organization"


@pytest.mark.slow
def test_training_writes_the_same_model_twice(tmp_path: Path) -> None:
    data = (_annotated() * 3, _annotated())
    outs = []
    for run in ("a", "b"):
        report = train(tmp_path / f"{run}.json", data=data, gold=False)
        assert report["train"]["articles"] == 6
        outs.append((tmp_path / f"{run}.json").read_bytes())
    assert outs[0] == outs[1]
    model = json.loads(outs[0])
    assert set(model["labels"]) >= {"Person", "Organization", NONE}
    assert len(model["dense"]["mean"]) == len(model["dense"]["weights"]) == 4 * 96
