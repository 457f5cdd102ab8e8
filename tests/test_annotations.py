"""casegraph's annotations: the checker, and the committed data's integrity and split."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import annotations
from ingest.annotations import SHARED_DATA, check

TEXT = (
    "Dutch police arrested a man who ran Ruxmart, a darknet market. "
    "He was charged with money laundering."
)  # invented


def _record(**changes):  # type: ignore[no-untyped-def]
    record = {
        "id": "x",
        "text_file": "news-pool/x.md",
        "entities": [
            {"name": "Dutch police", "kind": "Agency", "aliases": [], "iso": None},
            {"name": "Netherlands", "kind": "Jurisdiction", "aliases": ["Dutch"], "iso": "NL"},
            {"name": "Ruxmart", "kind": "Platform", "aliases": [], "iso": None},
            {"name": "money laundering", "kind": "Offense", "aliases": [], "iso": None},
        ],
        "relations": [
            {"type": "BELONGS_TO", "source": "Dutch police", "target": "Netherlands",
             "status": None, "evidence": "Dutch police arrested a man who ran Ruxmart, a darknet market."},
        ],
        "cases": [],
    }  # fmt: skip
    record.update(changes)
    return record


def test_a_sound_record_has_no_problem() -> None:
    assert check(_record(), TEXT) == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"entities": [{"name": "Ruxmart", "kind": "Website", "aliases": [], "iso": None}]}, "kind 'Website'"),
        ({"entities": [{"name": "Netherlands", "kind": "Jurisdiction", "aliases": ["Dutch"], "iso": "XX"}]}, "not an ISO 3166"),
        ({"entities": [{"name": "Interpol", "kind": "Agency", "aliases": [], "iso": None}]}, "neither the name nor an alias"),
        ({"relations": [{"type": "ARRESTED", "source": "Dutch police", "target": "Ruxmart", "status": None, "evidence": "Dutch police arrested a man who ran Ruxmart, a darknet market."}]}, "not allowed for this type"),
        ({"relations": [{"type": "BELONGS_TO", "source": "Dutch police", "target": "Netherlands", "status": None, "evidence": "Dutch police raided a house."}]}, "evidence is not a sentence"),
        ({"cases": [{"title": "t", "kind": "raid", "jurisdiction": "NL", "led_by": [], "targets": [], "offenses": [], "status": "open", "evidence": TEXT}]}, "kind must be one of"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)  # fmt: skip
def test_the_checker_names_each_problem(change: dict, says: str) -> None:
    problems = check(_record(**change), TEXT)
    assert any(says in p for p in problems), problems


needs_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is missing")


@needs_data
def test_every_committed_annotation_is_sound_and_of_its_pool_file() -> None:
    first = annotations.first_pass()
    assert len(first) >= 150
    for record in [*first, *annotations.second_pass()]:
        annotated = annotations._annotated(record)  # checks the pool file's SHA-256
        assert check(record, annotated.article.text) == [], record["id"]


@needs_data
def test_the_split_is_by_story_and_covers_every_annotation() -> None:
    splits = annotations.splits()
    names = [Path(r["text_file"]).name for r in annotations.first_pass()]
    assert len(names) == len(set(names))
    assert set(names) <= set(splits)
    story_split: dict[str, str] = {}
    for entry in splits.values():
        assert story_split.setdefault(entry["story"], entry["split"]) == entry["split"]
    second = {r["id"] for r in annotations.second_pass()}
    assert len(second) >= 20 and second <= {r["id"] for r in annotations.first_pass()}


def _item(text_file: str) -> annotations.Annotated:
    from ingest.records import Article

    return annotations.Annotated({"text_file": text_file}, Article("a", "text", text_file))


@needs_data
def test_cross_validation_folds_keep_a_story_together_and_are_even() -> None:
    train = [Path(r["text_file"]).name for r in annotations.first_pass()]
    of = annotations.splits()
    items = [_item(name) for name in train if of[name]["split"] == "train"]
    folds = annotations.story_folds(items, 4)
    assert folds == annotations.story_folds(items, 4)  # deterministic
    fold_of_story: dict[str, int] = {}
    for item, fold in zip(items, folds, strict=True):
        story = of[Path(item.record["text_file"]).name]["story"]
        assert fold_of_story.setdefault(story, fold) == fold
    sizes = [folds.count(f) for f in range(4)]
    assert max(sizes) - min(sizes) <= 3, sizes


def test_articles_in_no_split_are_one_story_per_text_file() -> None:
    items = [_item("x1.txt"), _item("x2.txt"), _item("x1.txt")]
    folds = annotations.story_folds(items, 4)
    assert folds[0] == folds[2] != folds[1]  # two stories: two folds, not four
    with pytest.raises(annotations.ConfigError):
        annotations.story_folds([_item("x1.txt")], 4)
