"""The fact classifier: candidates and their features, decisions, the model file, training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import ConfigError
from ingest.annotations import Annotated
from ingest.facts import FactClassifier, candidates, decide, load_fact_classifier
from ingest.kinds import typed_mentions
from ingest.records import Article, article_id
from ingest.relations import cooperation_status, propose
from ingest.resolve import resolve
from tests.extract_support import extractor, facts, run

# Invented sentences and articles, written for these tests.
ARREST = "Spanish police arrested Daniel Moreno in Madrid on Monday."


def _candidates(text: str):
    ex = extractor()
    doc = ex.nlp(text)
    found, resolved = resolve(doc, typed_mentions(doc, ex.classifier))
    sentences, proposals = propose(doc, found, resolved.entity_of, resolved.entities, "m")
    return resolved.entities, proposals, candidates(doc, sentences, proposals)


def _named(entities, cands):
    names = {e.id: e.name for e in entities}
    return {(c.type, names[c.source.id], names[c.target.id]): c for c in cands}


def test_every_allowed_pair_of_a_sentence_is_a_candidate_with_its_rules() -> None:
    entities, _proposals, cands = _candidates(ARREST)
    named = _named(entities, cands)
    arrest = named[("ARRESTED", "Spanish police", "Daniel Moreno")]
    assert arrest.rules and arrest.proposal is not None
    assert "ARRESTED|proposed" in arrest.features
    assert "ARRESTED|btw=arrested" in arrest.features
    assert any(f.startswith("ARRESTED|path=") for f in arrest.features)
    # The same pair is a candidate of every type the ontology allows for its kinds.
    unproposed = named[("INVESTIGATES", "Spanish police", "Daniel Moreno")]
    assert not unproposed.rules and "INVESTIGATES|unproposed" in unproposed.features
    # Kinds the ontology does not allow make no candidate.
    assert ("ARRESTED", "Daniel Moreno", "Spanish police") not in named


def _classifier(weights: dict[str, float], **thresholds: float) -> FactClassifier:
    return FactClassifier(-5.0, weights, {"keep": 0.5, "add": 0.5, **thresholds}, {"name": "t"})


def _decided(text: str, classifier: FactClassifier):
    entities, _, cands = _candidates(text)
    names = {e.id: e.name for e in entities}
    by_id = {e.id: e for e in entities}
    out = decide(cands, by_id, classifier, "m+t", cooperation_status)
    return {(r.type, names[r.source], names[r.target]): r for r in out}


def test_a_proposal_is_kept_only_when_it_scores_above_the_keep_threshold() -> None:
    kept = _decided(ARREST, _classifier({"ARRESTED|proposed": 10.0}))
    fact = kept[("ARRESTED", "Spanish police", "Daniel Moreno")]
    assert fact.rule != "model" and fact.model == "m+t" and fact.confidence == pytest.approx(0.993)
    assert ("INVESTIGATES", "Spanish police", "Daniel Moreno") not in kept
    assert not _decided(ARREST, _classifier({"ARRESTED|proposed": 10.0}, keep=0.999))


def test_a_fact_no_rule_proposed_is_added_when_the_model_is_sure() -> None:
    added = _decided(ARREST, _classifier({"INVESTIGATES|unproposed": 10.0}))
    fact = added[("INVESTIGATES", "Spanish police", "Daniel Moreno")]
    assert fact.rule == "model" and fact.sentence == ARREST
    per_type = _classifier({"INVESTIGATES|unproposed": 10.0}, **{"add:INVESTIGATES": 0.9999})
    assert ("INVESTIGATES", "Spanish police", "Daniel Moreno") not in _decided(ARREST, per_type)


def test_a_pair_the_rules_passed_over_needs_the_pass_threshold() -> None:
    # "arrested" is read by the arrest rules, which propose Spanish police -> Daniel Moreno and
    # nothing else of that type; "investigates" has no trigger in the sentence.
    text = "Spanish police arrested Daniel Moreno, and Europol helped in Madrid on Monday."
    entities, _proposals, cands = _candidates(text)
    named = _named(entities, cands)
    assert named[("ARRESTED", "Europol", "Daniel Moreno")].passed
    assert not named[("ARRESTED", "Spanish police", "Daniel Moreno")].passed  # proposed
    assert not named[("INVESTIGATES", "Europol", "Daniel Moreno")].passed  # no trigger
    weights = {"ARRESTED|unproposed": 10.0}
    found = _decided(text, _classifier(weights))  # the "add" threshold by default
    assert ("ARRESTED", "Europol", "Daniel Moreno") in found
    found = _decided(text, _classifier(weights, **{"pass:ARRESTED": 0.9999}))
    assert ("ARRESTED", "Europol", "Daniel Moreno") not in found
    classifier = _classifier({}, **{"add:ARRESTED": 0.3, "pass:ARRESTED": 0.7})
    assert classifier.threshold("ARRESTED", False) == 0.3
    assert classifier.threshold("ARRESTED", False, True) == 0.7
    assert classifier.threshold("INVESTIGATES", False, True) == 0.5  # "add" when unset


def test_the_shipped_model_scores_every_fact_and_names_itself() -> None:
    ex = run(ARREST)
    assert ("ARRESTED", "Spanish police", "Daniel Moreno") in facts(ex)
    for r in ex.relations:
        assert r.confidence is not None and 0.0 <= r.confidence <= 1.0
        assert "casegraph-facts" in r.model


def test_a_missing_or_broken_model_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CASEGRAPH_FACTS_MODEL=none"):
        load_fact_classifier(str(tmp_path / "absent.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"bias": 0, "weights": [1, 2]}', "utf-8")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_fact_classifier(str(broken))
    assert load_fact_classifier("none") is None


TEXTS = [
    "Spanish police arrested Daniel Moreno in Madrid. Moreno ran Ruxmart, a darknet market.",
    "Maria Lind, the chief executive of Quorvane Security Inc., said the Velvetline gang used "
    "phishing.",
]
RECORDS = [
    {"entities": [
        {"name": "Spanish police", "kind": "Agency", "aliases": [], "iso": None},
        {"name": "Spain", "kind": "Jurisdiction", "aliases": ["Spanish"], "iso": "ES"},
        {"name": "Daniel Moreno", "kind": "Person", "aliases": ["Moreno"], "iso": None},
        {"name": "Ruxmart", "kind": "Platform", "aliases": [], "iso": None},
    ], "relations": [
        {"type": "ARRESTED", "source": "Spanish police", "target": "Daniel Moreno",
         "evidence": "Spanish police arrested Daniel Moreno in Madrid."},
        {"type": "BELONGS_TO", "source": "Spanish police", "target": "Spain",
         "evidence": "Spanish police arrested Daniel Moreno in Madrid."},
    ]},
    {"entities": [
        {"name": "Maria Lind", "kind": "Person", "aliases": [], "iso": None},
        {"name": "Quorvane Security Inc.", "kind": "Organization", "aliases": [], "iso": None},
        {"name": "Velvetline", "kind": "Organization", "aliases": [], "iso": None},
        {"name": "phishing", "kind": "Offense", "aliases": [], "iso": None},
    ], "relations": [
        {"type": "LEADS", "source": "Maria Lind", "target": "Quorvane Security Inc.",
         "evidence": TEXTS[1]},
    ]},
]  # fmt: skip


def _annotated() -> list[Annotated]:
    return [
        Annotated(
            {"text_file": f"f{i}.txt", "cases": [], **r}, Article(article_id(t), t, f"f{i}.txt")
        )
        for i, (t, r) in enumerate(zip(TEXTS, RECORDS, strict=True))
    ]


def test_training_candidates_are_labelled_by_the_annotated_facts() -> None:
    from ingest import fact_training

    ex = extractor()
    parsed = [
        fact_training._Parsed(a, *fact_training.article_candidates(ex, ex.nlp(a.article.text)))
        for a in _annotated()
    ]
    rows = fact_training.labelled(parsed)
    positive = {f[0] for f, y in rows if y == 1}
    negative = {f[0] for f, y in rows if y == 0}
    assert {"ARRESTED", "LEADS"} <= positive
    assert "INVESTIGATES" in negative and "INVESTIGATES" not in positive


@pytest.mark.slow
def test_fact_training_writes_the_same_model_twice(tmp_path: Path) -> None:
    from ingest.fact_training import train

    data = (_annotated() * 3, _annotated())
    outs = []
    for name in ("a", "b"):
        report = train(tmp_path / f"{name}.json", data=data, gold=False)
        assert report["train"]["articles"] == 6
        assert report["train"]["folds"] == 2  # two stories (text files): two folds
        outs.append((tmp_path / f"{name}.json").read_bytes())
    assert outs[0] == outs[1]
    model = json.loads(outs[0])
    assert model["weights"] and {"keep", "add"} <= set(model["thresholds"])
    assert load_fact_classifier(str(tmp_path / "a.json")) is not None


# Invented sentences: the actor of the second sentence is named only in the first.
@pytest.mark.parametrize(
    ("text", "fact", "form"),
    [
        ("Daniel Moreno ran the forum for two years. He was arrested by the Guardia Civil in "
         "Madrid.", ("ARRESTED", "Guardia Civil", "Daniel Moreno"), "pron"),
        ("Daniel Moreno ran the forum for two years. The 34-year-old was charged with fraud on "
         "Friday.", ("CHARGED_WITH", "Daniel Moreno", "fraud"), "desc"),
        ("The Guardia Civil opened a case against Daniel Moreno. The agency said it worked with "
         "Europol.", ("COOPERATES_WITH", "Europol", "Guardia Civil"), "desc"),
        ("Spanish police arrested Daniel Moreno and Lucas Ortega in Madrid. They were charged "
         "with fraud on Monday.", ("CHARGED_WITH", "Lucas Ortega", "fraud"), "plural"),
    ],
)  # fmt: skip
def test_a_pronoun_or_description_stands_for_the_latest_named_entity(
    text: str, fact: tuple[str, str, str], form: str
) -> None:
    entities, _proposals, cands = _candidates(text)
    cand = _named(entities, cands)[fact]
    rel = fact[0]
    assert f"{rel}|coref" in cand.features and f"{rel}|coref_form={form}" in cand.features
    assert f"{rel}|coref_back=1" in cand.features
    # The evidence stays the sentence that states the fact.
    assert cand.sentence.text == text.split(". ", 1)[1]


def test_a_named_antecedent_in_the_sentence_or_an_official_is_not_replaced() -> None:
    # "he" follows the accused, not the official who speaks about him.
    text = (
        "Daniel Moreno ran the forum. Guardia Civil director Ana Ruiz said the forum was closed. "
        "He was charged with fraud on Friday."
    )
    entities, _proposals, cands = _candidates(text)
    named = _named(entities, cands)
    assert ("CHARGED_WITH", "Ana Ruiz", "fraud") not in named
    charged = named[("CHARGED_WITH", "Daniel Moreno", "fraud")]
    assert "CHARGED_WITH|coref_back=2" in charged.features
    # A name of the pronoun's kind earlier in its own sentence is its likelier antecedent.
    entities, _proposals, cands = _candidates(
        "Lucas Ortega ran the forum. Police said Daniel Moreno knew he was charged with fraud."
    )
    assert ("CHARGED_WITH", "Lucas Ortega", "fraud") not in _named(entities, cands)


def test_a_definite_plural_description_stands_for_the_people_named_before() -> None:
    entities, _proposals, cands = _candidates(
        "Ivan Petrov and Lev Orlov ran the servers. The two defendants were charged with hacking."
    )
    named = _named(entities, cands)
    for name in ("Ivan Petrov", "Lev Orlov"):
        features = named[("CHARGED_WITH", name, "hacking")].features
        assert "CHARGED_WITH|coref_form=plural" in features, features


def test_an_indefinite_description_stands_for_the_person_named_next() -> None:
    # A lede introduces the accused before naming them; the lede sentence states the fact.
    lede = "Spanish police have detained a Madrid resident for his role in ransomware attacks."
    entities, _proposals, cands = _candidates(lede + " Daniel Moreno was held on Tuesday.")
    cand = _named(entities, cands)[("ARRESTED", "Spanish police", "Daniel Moreno")]
    assert "ARRESTED|coref_form=lede" in cand.features and cand.sentence.text == lede
    entities, _proposals, cands = _candidates(
        "The Justice Department charged four Ruritanian nationals with hacking. "
        "Ivan Petrov and Lev Orlov ran the servers."
    )
    named = _named(entities, cands)
    for name in ("Ivan Petrov", "Lev Orlov"):
        assert (
            "CHARGED_WITH|coref_form=lede_plural"
            in named[("CHARGED_WITH", name, "hacking")].features
        )
    # Someone already named is not introduced again: "a Madrid resident" is not Daniel Moreno.
    entities, _proposals, cands = _candidates(
        "Daniel Moreno ran the forum. Spanish police have detained a Madrid resident. "
        "Daniel Moreno was not held."
    )
    assert not any(f.endswith("|coref") for c in cands for f in c.features)


@pytest.mark.parametrize(
    ("lede", "form"),
    [
        ("Spanish police have detained an engineer for selling military data.", "lede"),
        ("Spanish police have detained a former bank employee for fraud.", "lede"),
        ("Spanish police have detained three members of a ransomware gang.", "lede_plural"),
    ],
)
def test_news_introduces_the_accused_by_occupation_or_membership(lede: str, form: str) -> None:
    entities, _proposals, cands = _candidates(
        lede + " Daniel Moreno and Lucia Vega were held on Tuesday."
    )
    cand = _named(entities, cands)[("ARRESTED", "Spanish police", "Daniel Moreno")]
    assert f"ARRESTED|coref_form={form}" in cand.features and cand.sentence.text == lede


@pytest.mark.parametrize(
    "text",
    [
        "The Krogan gang hit three hospitals in March. They were implicated in a ransomware "
        "attack on a city council in August, according to analysts.",
        "Police said the Krogan gang is behind the attacks. Two of its members were charged "
        "with extortion in Ohio.",
    ],
)
def test_a_group_is_charged_only_in_a_sentence_that_names_it(text: str) -> None:
    assert not [f for f in facts(run(text)) if f[0] == "CHARGED_WITH" and f[1] == "Krogan"]
