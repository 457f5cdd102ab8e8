"""`python -m bench.out_of_fold`: each article is extracted by models that never saw its story."""

from __future__ import annotations

import copy
import json

from bench.out_of_fold import fact_misses, predictions, scores
from graph.settings import load_settings
from ingest.annotations import Annotated
from ingest.facts import BUILTIN_FACTS_MODEL, FactClassifier
from ingest.kinds import BUILTIN_KINDS_MODEL, KindClassifier
from ingest.records import Article, article_id
from tests.test_training import RECORDS as KIND_RECORDS
from tests.test_training import TEXTS

# The invented articles of the training tests (three stories), with facts they state.
RELATIONS = [
    [{"type": "BELONGS_TO", "source": "Dutch police", "target": "Netherlands",
      "evidence": "Dutch police arrested a man in Rotterdam."}],
    [{"type": "MEMBER_OF", "source": "Maria Lind", "target": "Quorvane",
      "evidence": "Maria Lind of Quorvane said Velvetline also sold access to Blitzchat accounts."}],
    [{"type": "MEMBER_OF", "source": "Tomas Berg", "target": "Quorvane",
      "evidence": "Tomas Berg, a researcher at Quorvane, said the Norwegian police seized "
                  "Ruxmart's servers."}],
]  # fmt: skip
RECORDS = [{**r, "relations": rels} for r, rels in zip(KIND_RECORDS, RELATIONS, strict=True)]


def _items(records: list[dict]) -> list[Annotated]:
    return [
        Annotated(
            {"text_file": f"t{i}.txt", "cases": [], **r}, Article(article_id(t), t, f"t{i}.txt")
        )
        for i, (t, r) in enumerate(zip(TEXTS, records, strict=True))
    ] * 2


def _run(records: list[dict]) -> list[dict]:
    return predictions(
        _items(records),
        load_settings().spacy_model,
        KindClassifier.load(BUILTIN_KINDS_MODEL),
        FactClassifier.load(BUILTIN_FACTS_MODEL),
    )


def test_an_articles_extraction_does_not_depend_on_its_own_annotations() -> None:
    first = _run(RECORDS)
    assert len(first) == 6 and all(p["entities"] for p in first)
    # Annotate the second story differently: its own extraction must not change (its models
    # were fitted without it), while the other stories' models learn from the change.
    changed = copy.deepcopy(RECORDS)
    for e in changed[1]["entities"]:
        e["kind"] = {"Organization": "Person", "Person": "Platform"}.get(e["kind"], e["kind"])
    changed[1]["relations"] = []
    second = _run(changed)
    assert json.dumps(second[1]) == json.dumps(first[1])
    assert json.dumps(second[4]) == json.dumps(first[4])
    assert [json.dumps(p) for p in second] != [json.dumps(p) for p in first]


def test_scores_count_relations_by_type() -> None:
    items = _items(RECORDS)
    preds = [
        {"path": a.record["text_file"], "entities": a.record["entities"],
         "relations": a.record["relations"], "cases": []}
        for a in items
    ]  # fmt: skip
    result = scores(items, preds)
    assert result["relations"]["f1"] == 1.0
    assert result["relations_by_type"]["MEMBER_OF"] == {"found": 4, "predicted": 4, "annotated": 4}


def test_misses_account_for_every_annotated_fact() -> None:
    items = _items(RECORDS)
    candidates: list = []
    preds = predictions(
        items,
        load_settings().spacy_model,
        KindClassifier.load(BUILTIN_KINDS_MODEL),
        FactClassifier.load(BUILTIN_FACTS_MODEL),
        candidates=candidates,
    )
    assert len(candidates) == len(items) and any(candidates)
    fates = fact_misses(items, preds, candidates)
    annotated = sum(len(a.record["relations"]) for a in items)
    assert fates["all"].total() == annotated
    found = sum(n["found"] for n in scores(items, preds)["relations_by_type"].values())
    assert fates["all"]["found"] == found > 0
    # with the facts taken out of the extraction, each found one is a candidate above its
    # threshold (the fold's fact model kept it)
    empty = [{**p, "relations": []} for p in preds]
    emptied = fact_misses(items, empty, candidates)["all"]
    assert emptied["found"] == 0 and emptied.total() == annotated
    assert emptied["above threshold, not kept"] == found + fates["all"]["above threshold, not kept"]


def test_a_fact_without_its_entities_or_candidates_is_counted_as_such() -> None:
    items = _items(RECORDS)[:1]
    pred = {"path": "t0.txt", "entities": [], "relations": [], "cases": []}
    assert fact_misses(items, [pred], [{}])["all"] == {"entity missing": 1}
    ents = [{**e, "id": f"e{j}"} for j, e in enumerate(items[0].record["entities"])]
    pred = {**pred, "entities": ents}
    assert fact_misses(items, [pred], [{}])["all"] == {"no candidate": 1}
    names = {e["name"]: e["id"] for e in ents}
    rel = items[0].record["relations"][0]
    key = (rel["type"], names[rel["source"]], names[rel["target"]])
    assert fact_misses(items, [pred], [{key: (0.2, 0.5, "add")}])["all"] == {"below add": 1}
    # a symmetric candidate with an end that is no annotated entity is no candidate of it
    stray = ("COOPERATES_WITH", names[rel["source"]], "unmatched")
    assert fact_misses(items, [pred], [{stray: (0.9, 0.5, "add")}])["all"] == {"no candidate": 1}
    assert fact_misses(items, [pred], [{key: (0.7, 0.5, "keep")}])["all"] == {
        "above threshold, not kept": 1
    }
