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
    "Velvetline also sold access to Blitzchat accounts. Lind spoke at the Oslo Summit on Monday.",
    "Tomas Berg, a researcher at Quorvane, said the Norwegian police seized Ruxmart's servers. "
    "Berg said the market's operators used Blitzchat for phishing. Berg spoke to "
    "Nordic Weekly from Bergen.",
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
    {"entities": [
        {"name": "Tomas Berg", "kind": "Person", "aliases": ["Berg"], "iso": None},
        {"name": "Quorvane", "kind": "Organization", "aliases": [], "iso": None},
        {"name": "Norwegian police", "kind": "Agency", "aliases": [], "iso": None},
        {"name": "Norway", "kind": "Jurisdiction", "aliases": ["Norwegian"], "iso": "NO"},
        {"name": "Ruxmart", "kind": "Platform", "aliases": [], "iso": None},
        {"name": "Blitzchat", "kind": "Platform", "aliases": [], "iso": None},
        {"name": "phishing", "kind": "Offense", "aliases": [], "iso": None},
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
        assert report["train"]["articles"] == 9
        assert report["train"]["folds"] == 3  # three stories (text files): three folds
        outs.append((tmp_path / f"{run}.json").read_bytes())
    assert outs[0] == outs[1]
    model = json.loads(outs[0])
    assert set(model["labels"]) >= {"Person", "Organization", NONE}
    assert len(model["dense"]["mean"]) == len(model["dense"]["weights"]) == 4 * 96


def test_selection_scores_the_entities_extraction_would_give() -> None:
    # The selection reuses mentions and probabilities across thresholds; the entities must be
    # those of the extraction at the same thresholds, at any thresholds.
    from dataclasses import replace

    from ingest.pipeline import Extractor
    from ingest.training import _Entities

    ex = Extractor("en_core_web_sm")  # its own: the test sets its classifier
    assert ex.classifier is not None
    shipped, entities = ex.classifier, _Entities()
    seen = set()
    for text in TEXTS:
        doc = ex.nlp(text)
        for drop in (0.1, 0.9):
            ex.classifier = replace(shipped, meta={**shipped.meta})
            ex.classifier.meta["thresholds"] = dict.fromkeys(
                ("Person", "Organization", "add"), drop
            )
            expected = ex.extract_doc(doc, Article("a", text, "t.txt")).entities
            assert tuple(entities(doc, ex.classifier)) == expected
            seen.add((text, expected))
    assert len(seen) > len(TEXTS)  # the thresholds changed what was kept


def test_the_selection_keeps_people_and_holds_person_precision_at_the_target() -> None:
    from ingest.training import _objective

    # more precise but fewer people found: worse, as relations and cases need the people
    assert _objective(0.78, 0.93, 0.80) < _objective(0.78, 0.86, 0.88)
    # below the target precision, the shortfall costs more than the F1 it buys
    assert _objective(0.78, 0.70, 0.90) < _objective(0.78, 0.82, 0.86)


def test_a_fold_without_some_kind_outside_it_is_a_clear_error(tmp_path: Path) -> None:
    from graph.errors import ConfigError

    two = _annotated()[:2]  # Platform only in the first, Person only in the second
    with pytest.raises(ConfigError, match="annotate more stories"):
        train(tmp_path / "k.json", data=(two * 2, two), gold=False)
    assert not (tmp_path / "k.json").exists()
