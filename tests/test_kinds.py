"""Who decides an entity's kind: the trained model, the data files, and the text's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ConfigError
from ingest.nlp import KINDS_KEY, kinds_model_path, load_nlp
from tests.extract_support import entities, run


def test_the_trained_model_replaces_the_stock_ner_and_gives_two_views() -> None:
    nlp = load_nlp("en_core_web_sm")
    assert nlp.pipe_names.count("ner") == 1
    assert nlp.get_pipe("ner").labels == tuple(
        sorted(("Person", "Agency", "Platform", "Organization", "Jurisdiction", "Offense",
                "PERSON", "ORG", "GPE", "LOC", "NORP"))
    )  # fmt: skip
    doc = nlp("Researchers at Acme said the Conti gang hit a hospital in Ireland.")
    assert {e.label_ for e in doc.ents} <= {"PERSON", "ORG", "GPE", "LOC", "NORP"}
    kinds = {s.label_ for s in doc.spans[KINDS_KEY]}
    assert kinds <= {"Person", "Agency", "Platform", "Organization", "Jurisdiction", "Offense"}


def test_without_a_kinds_model_the_stock_pipeline_runs() -> None:
    nlp = load_nlp("en_core_web_sm", kinds_model="none")
    assert "casegraph_kinds_view" not in nlp.pipe_names
    assert "MONEY" in nlp.get_pipe("ner").labels  # the stock ner


def test_a_missing_kinds_model_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        kinds_model_path(str(tmp_path / "nowhere"))
    assert "CASEGRAPH_KINDS_MODEL=none" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Police took down Ruxmart, the largest darknet market in Europe.", "Ruxmart", "Platform"),
        ("The Velvetline ransomware gang leaked the files.", "Velvetline", "Organization"),
        ("Analysts at security firm Quorvane traced the payments.", "Quorvane", "Organization"),
        ("Users of messaging app Blitzchat were warned.", "Blitzchat", "Platform"),
    ],
)
def test_a_name_takes_the_kind_the_text_describes(text: str, name: str, kind: str) -> None:
    assert entities(run(text)).get(name) == kind


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Zorbot malware stole passwords from Acme Bank customers.", "Zorbot"),
        ("Europol coordinated Operation Nightfall in ten countries.", "Nightfall"),
        ("Attackers exploited the Fenrix vulnerability in the routers.", "Fenrix"),
    ],
)
def test_software_flaws_and_operations_are_not_actors(text: str, name: str) -> None:
    assert name not in entities(run(text))
    assert not any(name in n for n in entities(run(text)))
