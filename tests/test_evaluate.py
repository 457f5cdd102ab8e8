"""`make eval`'s report: relation type confusions, rule firings, targets (official scorer)."""

from __future__ import annotations

import pytest

from ingest.evaluate import DEFAULT_SCORER, _scorer, confusion, print_table

# Invented annotations and predictions, written for these tests.
GOLD = [
    {
        "text_file": "texts/a.txt",
        "entities": [
            {"name": "Spanish police", "kind": "Agency", "aliases": []},
            {"name": "Spain", "kind": "Jurisdiction", "aliases": [], "iso": "ES"},
            {"name": "Daniel Moreno", "kind": "Person", "aliases": ["Moreno"]},
            {"name": "Ruxmart", "kind": "Platform", "aliases": []},
        ],
        "relations": [
            {"type": "ARRESTED", "source": "Spanish police", "target": "Daniel Moreno"},
            {"type": "BELONGS_TO", "source": "Spanish police", "target": "Spain"},
            {"type": "SEIZED", "source": "Spanish police", "target": "Ruxmart"},
        ],
        "cases": [],
    }
]
PRED = [
    {
        "path": "/somewhere/a.txt",
        "entities": [
            {"id": "p", "name": "Spanish police", "kind": "Agency", "aliases": []},
            {"id": "s", "name": "Spain", "kind": "Jurisdiction", "aliases": [], "iso": "ES"},
            {"id": "m", "name": "Moreno", "kind": "Person", "aliases": []},
            {"id": "r", "name": "Ruxmart", "kind": "Platform", "aliases": []},
            {"id": "x", "name": "Madrid", "kind": "Jurisdiction", "aliases": [], "iso": None},
        ],
        "relations": [
            {"type": "ARRESTED", "source": "p", "target": "m"},  # agreed
            {"type": "INVESTIGATES", "source": "p", "target": "r"},  # SEIZED read as this
            {"type": "BELONGS_TO", "source": "p", "target": "x"},  # no such fact
        ],
        "cases": [],
    }
]


def test_confusions_pair_each_annotated_type_with_what_was_predicted() -> None:
    cells = confusion(_scorer(DEFAULT_SCORER), GOLD, PRED)
    assert cells == {
        "ARRESTED>ARRESTED": 1,
        "SEIZED>INVESTIGATES": 1,
        "BELONGS_TO>none": 1,
        "none>BELONGS_TO": 1,
    }


def _prf(p: float, r: float) -> dict[str, float]:
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _set(rel_p: float, rules: dict[str, int]) -> dict:
    cell = _prf(0.9, 0.9)
    return {
        "articles": 3,
        **{k: cell for k in ("entities", "entities_untyped", "iso", "cases")},
        "relations": _prf(rel_p, 0.6),
        "per_kind": {"Person": _prf(0.7, 0.9)},
        "per_relation": {"ARRESTED": cell},
        "confusion": {"ARRESTED>ARRESTED": 4, "SEIZED>none": 2, "none>BELONGS_TO": 3},
        "rules": rules,
    }


def test_the_report_checks_the_targets_on_test_and_lists_gold_only_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = {
        "model": "m",
        "gold": _set(0.5, {"a.trigger": 2, "b.name": 1}),
        "dev": _set(0.5, {"a.trigger": 1}),
        "test": _set(0.7, {"a.trigger": 0}),
    }
    print_table(result)
    out = capsys.readouterr().out
    relations = next(line for line in out.splitlines() if line.startswith("relations"))
    assert "F1 >= 0.55 ok" in relations and "P >= 0.65 ok" in relations
    person = next(line for line in out.splitlines() if "kind Person" in line)
    assert "P >= 0.80 MISSED" in person
    assert "none > BELONGS_TO 3, SEIZED > none 2" in out and "4 agree" in out
    assert "rules that fire on the gold set only: b.name" in out
