"""Who decides an entity's kind: the trained model, the data files, and the text's own words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest

from graph.errors import ConfigError
from ingest.descriptions import description
from ingest.entities import find_mentions
from ingest.kinds import (
    NONE,
    DenseWeights,
    KindClassifier,
    candidate_features,
    learned_kinds,
    load_classifier,
    typed_mentions,
)
from ingest.nlp import load_model
from ingest.token_vectors import ner_vectors
from tests.extract_support import entities, extractor, run


def test_the_shipped_classifier_loads_and_names_its_labels() -> None:
    classifier = load_classifier("builtin")
    assert classifier is not None
    assert set(classifier.labels) == {
        "Person",
        "Agency",
        "Platform",
        "Organization",
        "Offense",
        NONE,
    }
    for kind in ("Person", "Organization", "Platform", "Offense", "add"):
        assert 0 < classifier.threshold(kind) <= 1


def test_a_missing_or_broken_model_is_one_clear_line(tmp_path: Path) -> None:
    for setting in (str(tmp_path / "nowhere.json"), str(tmp_path / "broken.json")):
        (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load_classifier(setting)
        assert "CASEGRAPH_KINDS_MODEL=none" in str(err.value)
        assert "\n" not in str(err.value)
    assert load_classifier("none") is None


def _toy(weights: dict[str, tuple[float, ...]], keep: float = 0.5) -> KindClassifier:
    labels = ("Organization", "Person", NONE)
    return KindClassifier(
        labels,
        (0.0, 0.0, 0.0),
        weights,
        {"thresholds": {"Person": keep, "Organization": keep, "add": 0.5}},
    )


def test_the_classifier_decides_rule_mentions_once_per_surface_form() -> None:
    doc = extractor().nlp("Maria Lind met Tom Ferris. Later Maria Lind left.")
    found = find_mentions(doc)
    assert {f.text for f in found} >= {"Maria Lind", "Tom Ferris"}
    # A toy model: the word "lind" means an organisation, "ferris" means nothing.
    toy = _toy({"w=lind": (5.0, 0.0, 0.0), "w=ferris": (0.0, 0.0, 5.0)})
    kinds = {(f.text, f.kind) for f in learned_kinds(doc, found, toy)}
    assert ("Maria Lind", "Organization") in kinds
    assert not any(text == "Tom Ferris" for text, _ in kinds)
    assert len([k for k in kinds if k[0] == "Maria Lind"]) == 1


def test_the_keep_threshold_keeps_a_mention_when_none_is_not_likely_enough() -> None:
    doc = extractor().nlp("Tom Ferris spoke.")
    found = find_mentions(doc)
    toy = _toy({"w=ferris": (0.0, 1.0, 1.5)}, keep=0.9)  # none likeliest, but below 0.9
    assert [(f.text, f.kind) for f in learned_kinds(doc, found, toy)] == [("Tom Ferris", "Person")]


def test_a_name_no_rule_typed_stays_when_the_classifier_keeps_it() -> None:
    # an intercapped name the NER marks but no rule types is undecided; the classifier's
    # decision is final, whether or not the text describes the name
    doc = extractor().nlp(
        "Researchers from Velvetline, a security firm, and ZenTrivo observed the new loader."
    )
    found = find_mentions(doc)
    assert "ZenTrivo" not in {f.text for f in found}
    toy = _toy({"w=zentrivo": (5.0, 0.0, 0.0)})
    kinds = {(f.text, f.kind) for f in typed_mentions(doc, toy)}
    assert ("ZenTrivo", "Organization") in kinds, kinds
    assert all(f.name != "?" for f in typed_mentions(doc, toy))  # no longer undecided
    none = _toy({"w=zentrivo": (0.0, 0.0, 5.0)})
    assert "ZenTrivo" not in {f.text for f in typed_mentions(doc, none)}


def test_candidates_carry_context_features() -> None:
    doc = extractor().nlp("Analysts said the Velvetline ransomware gang hit Acme Corp.")
    feats = {c.text: f for c, f, _ in candidate_features(doc, find_mentions(doc))}
    assert "Velvetline" in feats
    assert "described=Organization" in feats["Velvetline"]
    assert "next=ransomware" in feats["Velvetline"]


def test_features_carry_the_words_around_a_name_and_its_role() -> None:
    doc = extractor().nlp(
        "Researchers at Quorvane, a security company, said users of Blitzchat were targeted."
    )
    feats = {c.text: f for c, f, _ in candidate_features(doc, find_mentions(doc))}
    assert "appos=company" in feats["Quorvane"] and "role=pobj_at>researchers" in feats["Quorvane"]
    assert "ctx=users" in feats["Blitzchat"] and "prep=of" in feats["Blitzchat"]


def test_features_say_how_often_a_name_is_written_and_whether_it_reads_as_a_persons() -> None:
    doc = extractor().nlp(
        "Quorvane warns of new scams\nLinda Carter said Quorvane had seen a rise. "
        "Quorvane traced the payments to Cobalt Strike servers."
    )
    feats = {c.text: f for c, f, _ in candidate_features(doc, find_mentions(doc))}
    assert "freq=3" in feats["Quorvane"] and "in_title" in feats["Quorvane"]
    assert {"given_name", "surname"} <= set(feats["Linda Carter"])
    assert "given_name" not in feats.get("Cobalt Strike", [])


def test_features_say_when_the_text_writes_a_capitalised_word_in_lower_case() -> None:
    doc = extractor().nlp(
        "Store every password in Secure Vault, said Maria Lind. "
        "The vault syncs each password across devices; Lind said secure storage matters."
    )
    feats = {c.text: set(f) for c, f, _ in candidate_features(doc, find_mentions(doc))}
    assert {"first_lower_elsewhere", "last_lower_elsewhere"} <= feats["Secure Vault"]
    assert not {"first_lower_elsewhere", "last_lower_elsewhere"} & feats["Maria Lind"]


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Police took down Ruxmart, the largest darknet market in Europe.", "Ruxmart", "Platform"),
        ("The Velvetline ransomware gang leaked the files.", "Velvetline", "Organization"),
        ("Analysts at security firm Quorvane traced the payments.", "Quorvane", "Organization"),
        ("Users of messaging app Blitzchat were warned.", "Blitzchat", "Platform"),
        ("Police arrested five members of the 'Phoenix' hacking group.", "Phoenix",
         "Organization"),
    ],
)  # fmt: skip
def test_a_name_takes_the_kind_the_text_describes(text: str, name: str, kind: str) -> None:
    assert entities(run(text)).get(name) == kind


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Zorbot malware stole passwords from Acme Bank customers.", "Zorbot"),
        ("Europol coordinated Operation Nightfall in ten countries.", "Nightfall"),
        ("Attackers exploited the Fenrix vulnerability in the routers.", "Fenrix"),
        ("The minister told Senate Estimates that the funds were spent.", "Senate Estimates"),
        ("Firms should follow the NIST Cybersecurity Framework, the agency said.",
         "NIST Cybersecurity Framework"),
        ("Exports are controlled by the Export Administration Regulations (EAR) of the US.",
         "Export Administration"),
    ],
)  # fmt: skip
def test_software_flaws_and_operations_are_not_actors(text: str, name: str) -> None:
    assert name not in entities(run(text))
    assert not any(name in n for n in entities(run(text)))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Ransomware gangs hit three hospitals. The ransomware encrypted their records.",
         "Ransomware"),
        ("The group offered DDoS, a service that knocks websites offline.", "DDoS"),
        ("Investors lost money on DeFi, a lending platform.", "DeFi"),
        ("The malware connects to four IP geolocation API services.", "API"),
        ("The APT, a state-backed group, targeted ministries.", "APT"),
        ("The lure was a PowerPoint file sent to staff at Acme Bank.", "PowerPoint"),
    ],
)  # fmt: skip
def test_a_common_word_or_a_word_of_the_trade_is_no_actor_before_a_descriptor(
    text: str, word: str
) -> None:
    kinds = entities(run(text))
    assert kinds.get(word) in (None, "Offense"), kinds


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hacktivists leaked videos of abuse recorded inside Evin Prison in Tehran.",
         "Evin Prison"),
        ("The general once served at Southern Command before moving to Cyber Command.",
         "Southern Command"),
        ("The gang deployed Marrow Locker after the breach, Jane Roe said.", "Marrow Locker"),
        ("Researchers saw Hollow Stealer in the logs.", "Hollow Stealer"),
        ("The clinic in Marrow Valley said it was hit.", "Marrow Valley"),
    ],
)  # fmt: skip
def test_a_name_ending_in_a_body_or_a_place_is_no_person(text: str, name: str) -> None:
    assert entities(run(text)).get(name) != "Person"


def test_a_place_used_as_a_modifier_is_not_described_as_an_actor() -> None:
    kinds = entities(run("Hackers attacked a Chicago multinational and police in Phoenix."))
    assert "Chicago" not in kinds and "Phoenix" not in kinds, kinds


def test_an_apposition_after_a_bracketed_short_form_describes_the_name() -> None:
    doc = extractor().nlp("Police seized Ruxmart (RXM), the largest darknet market in Europe.")
    assert description(doc, 2, 3) == "Platform"


def test_a_legal_form_after_a_comma_is_no_name_of_its_own() -> None:
    assert "LLC" not in entities(run("The firm, Velbrook Harlan, LLC, sold stalkerware."))


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("The regulator fined Velbrook Harlan, LLC, for selling stalkerware.", "Velbrook Harlan",
         "Organization"),
    ],
)  # fmt: skip
def test_only_a_legal_form_after_a_comma_makes_a_company(text: str, name: str, kind: str) -> None:
    assert entities(run(text)).get(name) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Maria Lind, company spokesperson, said the data was safe.",
        "Tomas Berg, bank manager, said the transfers were frozen.",
    ],
)
def test_a_job_after_a_comma_does_not_describe_a_company(text: str) -> None:
    assert description(extractor().nlp(text), 0, 2) != "Organization"


def test_a_lower_case_phrase_before_a_list_of_people_is_no_person() -> None:
    text = (
        "The actors focused on credential and residual information theft. Andrew Windsor and "
        "Chris Neal, researchers with Cisco Talos, have seen new activity."
    )
    kinds = entities(run(text))
    assert kinds.get("Andrew Windsor") == "Person" and kinds.get("Chris Neal") == "Person"
    assert kinds.get("residual information theft") != "Person"


def test_an_office_of_state_before_a_name_is_no_part_of_it() -> None:
    kinds = entities(run('"We are doing our bit," Shadow Assistant Treasurer Stephen Jones said.'))
    assert kinds.get("Stephen Jones") == "Person"
    assert not any(k == "Person" and "Treasurer" in n for n, k in kinds.items())


def test_a_name_ending_in_a_plural_noun_is_a_person_only_after_a_given_name() -> None:
    kinds = entities(
        run(
            "Messaging app adds features\n\n"
            "The app now offers Secret Chats and Cloud Projects to its users, said Jacob Baines, "
            "a researcher. Baines said users asked for them."
        )
    )
    assert kinds.get("Secret Chats") != "Person" and kinds.get("Cloud Projects") != "Person"
    assert kinds.get("Jacob Baines") == "Person"


def test_a_lone_word_is_a_person_only_as_the_short_form_of_a_full_name() -> None:
    kinds = entities(
        run(
            "Exposed servers found\n\n"
            "Researcher Maria Lindqvist found the flaw. Lindqvist said Kafka servers were "
            "exposed, and Barracuda confirmed it."
        )
    )
    assert kinds.get("Maria Lindqvist") == "Person"
    assert kinds.get("Kafka") != "Person" and kinds.get("Barracuda") != "Person"


def test_a_lone_person_the_discourse_refuses_takes_the_next_kind_learned_for_it() -> None:
    from ingest.entities import Found
    from ingest.kinds import _discourse

    doc = extractor().nlp(
        "Phishing lures spread\n\n"
        "Researcher Maria Lindqvist found the emails. Inky said the lures were new. "
        "Doug Sherrets warned users; Sherrets said more would come. Smith agreed."
    )

    def one(word: str, occurrence: int = 0) -> Found:
        i = [t.i for t in doc if t.text == word][occurrence]
        return Found("Person", i, i + 1, word)

    full = next(i for i, t in enumerate(doc) if t.text == "Maria")
    kept = {Found("Person", full, full + 2, "Maria Lindqvist"), one("Inky"), one("Sherrets", 1)}
    kept.add(one("Smith"))
    learned = {w: "Organization" for w in ("Inky", "Sherrets", "Smith")}
    kinds = {f.text: f.kind for f in _discourse(doc, kept, learned)}
    assert kinds == {"Maria Lindqvist": "Person", "Inky": "Organization"}, kinds
    # without a next kind the lone word is dropped, as before
    assert {f.text for f in _discourse(doc, kept)} == {"Maria Lindqvist"}


def test_names_only_in_a_title_case_headline_are_not_kept() -> None:
    text = (
        "Hackers Spread Malware Via Fake Secret Chats Apps\n\n"
        "Criminals are spreading malware through fake messaging apps, researchers said."
    )
    kinds = entities(run(text))
    assert "Spread Malware" not in kinds and "Secret Chats" not in kinds


def test_a_handle_after_aka_is_the_persons_alias_not_another_person() -> None:
    ex = run("Daniel Moreno, aka “Rockjaw,” 19, of Leeds, was charged on Friday.")
    people = [e for e in ex.entities if e.kind == "Person"]
    assert [p.name for p in people] == ["Daniel Moreno"]
    assert "Rockjaw" in people[0].aliases


def test_candidates_carry_the_ners_context_vectors() -> None:
    doc = extractor().nlp("Maria Lind, a lawyer at Quorvane, met Tom Ferris in Oslo.")
    vectors = ner_vectors(doc)
    assert vectors is not None and vectors.shape == (len(doc), 96)
    by_text = {c.text: v for c, _, v in candidate_features(doc, find_mentions(doc))}
    assert by_text["Maria Lind"] is not None
    first, last = by_text["Maria Lind"][:96], by_text["Maria Lind"][96:192]
    assert numpy.allclose(first, vectors[0]) and numpy.allclose(last, vectors[1])
    assert by_text["Maria Lind"].shape == (4 * 96,)


def test_context_vectors_stop_at_the_sentence_edge() -> None:
    """The mean of the words after a name is taken inside its sentence only: a name that ends
    its sentence has zeros there, whatever the next sentence says."""
    doc = extractor().nlp("The report named Tom Ferris. Maria Lind, a lawyer, met him in Oslo.")
    sentences = [(s.start, s.end) for s in doc.sents]
    assert len(sentences) == 2
    by_text = {c.text: v for c, _, v in candidate_features(doc, find_mentions(doc))}
    ferris = by_text["Tom Ferris"]
    assert ferris is not None
    after = ferris[3 * 96 :]
    # "Tom Ferris" is followed only by the full stop inside its sentence
    stop = sentences[0][1] - 1
    assert numpy.allclose(after, ner_vectors(doc)[stop : stop + 1].mean(0))


def test_context_vectors_are_the_means_of_the_windows_inside_the_sentence() -> None:
    """The batched vectors of all candidates equal each candidate's own slices and means."""
    doc = extractor().nlp(
        "Maria Lind, a lawyer at Quorvane, met Tom Ferris in Oslo. Acme Corp said so.\n\n"
        "Velvetline hit them."
    )
    vectors = ner_vectors(doc)
    assert vectors is not None
    featured = candidate_features(doc, find_mentions(doc))
    assert len(featured) >= 4
    for c, _, got in featured:
        sent = doc[c.start].sent
        left = vectors[max(sent.start, c.start - 3) : c.start]
        right = vectors[c.end : min(sent.end, c.end + 3)]

        def mean(rows: numpy.ndarray) -> numpy.ndarray:
            return rows.mean(0) if len(rows) else numpy.zeros(96, "float32")

        want = numpy.concatenate([vectors[c.start], vectors[c.end - 1], mean(left), mean(right)])
        assert got is not None and numpy.array_equal(got, want), c.text


def test_probabilities_of_many_candidates_are_each_candidates_own() -> None:
    """One document's candidates scored at once give what scoring each alone by the
    weights gives (sparse weights summed, dense scores added, softmax)."""
    doc = extractor().nlp("Maria Lind, a lawyer at Quorvane, met Tom Ferris in Oslo.")
    classifier = extractor().classifier
    assert classifier is not None and classifier.dense is not None
    featured = candidate_features(doc, find_mentions(doc))
    batch = classifier.probabilities_of([(f, v) for _, f, v in featured])
    for (_, feats, vector), got in zip(featured, batch, strict=True):
        scores = numpy.array(classifier.bias, dtype="float64")
        for f in feats:
            scores += numpy.array(classifier.weights.get(f, [0.0] * len(scores)))
        assert vector is not None
        scores += (vector - classifier.dense.mean) @ classifier.dense.weights
        want = numpy.exp(scores - scores.max())
        # the dense scores are float32 sums of 384 products (logits good to about 1e-5)
        assert numpy.allclose(got, want / want.sum(), rtol=1e-4, atol=1e-8)
        assert numpy.allclose(got, classifier.probabilities(feats, vector), rtol=1e-4, atol=1e-8)
    assert classifier.probabilities_of([]) == []


def test_keeping_the_ners_vectors_leaves_its_entities_unchanged() -> None:
    text = "Maria Lind, a lawyer at Quorvane in Oslo, said the Velvetline gang hit Acme Corp."
    bare, _ = load_model("en_core_web_sm")  # no wrapped layers
    ours = extractor().nlp(text)
    assert ner_vectors(bare(text)) is None and ner_vectors(ours) is not None
    assert [(e.text, e.label_) for e in bare(text).ents] == [(e.text, e.label_) for e in ours.ents]


def test_dense_weights_add_to_the_scores_and_round_trip_through_json(tmp_path: Path) -> None:
    dense = DenseWeights(
        numpy.zeros(2, dtype="float32"),
        numpy.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype="float32"),
    )
    toy = KindClassifier(("Organization", "Person", NONE), (0.0, 0.0, 0.0), {}, {}, dense)
    with_vector = toy.probabilities([], numpy.array([1.0, 5.0], dtype="float32"))
    assert with_vector[0] > with_vector[1] == with_vector[2]
    assert toy.probabilities([]) == [1 / 3, 1 / 3, 1 / 3]  # no vector: the training mean
    path = tmp_path / "model.json"
    path.write_text(json.dumps(toy.to_json()), encoding="utf-8")
    again = KindClassifier.load(path)
    assert again.dense is not None
    assert again.probabilities([], numpy.array([1.0, 5.0], dtype="float32")) == with_vector


@pytest.mark.parametrize(
    ("phrase", "kept"),
    [
        ("Access Tokens", False),  # the article writes "tokens" in lower case: a phrase
        ("Proxy Failover", False),
        ("Christian Have", True),  # "have" is a word of every text, and a name
        ("Mary Young", True),  # "young": a census surname
    ],
)
def test_a_person_named_with_a_word_the_text_writes_in_lower_case_is_a_phrase(
    phrase: str, kept: bool
) -> None:
    from ingest.entities import Found
    from ingest.kinds import _discourse

    text = (
        f"Attackers stole access tokens and broke the proxy failover, as young users have "
        f"learned.\nThe report on {phrase} came out on Monday."
    )
    doc = extractor().nlp(text)
    start = next(t.i for t in doc if t.text == phrase.split()[0])
    person = Found("Person", start, start + 2, phrase)
    assert (person in _discourse(doc, {person})) is kept


@pytest.mark.parametrize(
    ("text", "first", "name_like"),
    [
        ("Update My Cloud Home now.", "My", False),
        ("Jane Roe said so.", "Jane", True),
        ("Xiaoming Wang was indicted.", "Xiaoming", True),  # an -ing word may be a given name
    ],
)
def test_a_persons_name_opens_with_no_determiner(text: str, first: str, name_like: bool) -> None:
    from ingest.kinds import _name_like

    doc = extractor().nlp(text)
    assert _name_like(next(t for t in doc if t.text == first)) is name_like


def test_given_names_ending_in_ing_are_names() -> None:
    text = (
        "The Justice Department said Xiaoming Wang and Jianping Chen were indicted for "
        "hacking. Prosecutors said Yiming Zhang ran the forum."
    )
    people = {n for n, k in entities(run(text)).items() if k == "Person"}
    assert {"Xiaoming Wang", "Jianping Chen", "Yiming Zhang"} <= people, people
