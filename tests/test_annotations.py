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
