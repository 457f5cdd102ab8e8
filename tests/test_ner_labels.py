"""casegraph's NER chooses only among the stock labels its rules read (`ingest.ner_labels`): the
moves of the other labels are gone, the kept moves score as before, and a sentence whose stock
entities all carry read labels comes out the same."""

from __future__ import annotations

import numpy
import spacy

from ingest.ner_labels import READ_LABELS, keep_labels
from ingest.nlp import load_model
from tests.extract_support import extractor

TEXTS = [
    "Europol and the FBI arrested John Smith, 35, in Rotterdam on Tuesday.",
    "Dutch police said the suspect laundered $2.5 million through 40 accounts since 2019.",
    "The Harris County District Attorney's Office charged Maria Lopez with wire fraud.",
    "The hackers stole data from the Golden Gate Bridge toll system and the iPhone 12.",
    "He was charged under the Computer Fraud and Abuse Act after the Super Bowl.",
    "The first French translation of War and Peace was seized at JFK Airport.",
]


def _ents(doc):
    return [(e.start, e.end, e.label_) for e in doc.ents]


def test_only_read_labels_are_left():
    ner = extractor().nlp.get_pipe("ner")
    assert set(ner.labels) == READ_LABELS
    assert ner.model.get_ref("upper").get_dim("nO") == ner.moves.n_moves == 4 * 11 + 2


def test_kept_moves_keep_their_weights():
    stock = load_model("en_core_web_sm")[0].get_pipe("ner")
    ours = extractor().nlp.get_pipe("ner")
    names = [stock.moves.get_class_name(i) for i in range(stock.moves.n_moves)]
    upper, stock_upper = ours.model.get_ref("upper"), stock.model.get_ref("upper")
    for i in range(ours.moves.n_moves):
        row = names.index(ours.moves.get_class_name(i))
        assert numpy.array_equal(upper.get_param("W")[i], stock_upper.get_param("W")[row])
        assert upper.get_param("b")[i] == stock_upper.get_param("b")[row]


def test_same_entities_where_the_stock_model_used_only_read_labels():
    stock_nlp, _ = load_model("en_core_web_sm")
    nlp = extractor().nlp
    same = dropped = 0
    for text in TEXTS:
        before, after = stock_nlp(text), nlp(text)
        assert {label for *_, label in _ents(after)} <= READ_LABELS
        if {e.label_ for e in before.ents} <= READ_LABELS:
            assert _ents(after) == _ents(before), text
            same += 1
        else:
            kept = [e for e in _ents(before) if e[2] in READ_LABELS]
            assert len(kept) < len(_ents(before))
            dropped += 1
    assert same >= 2 and dropped >= 2  # both kinds of sentence were exercised


def test_no_ner_or_nothing_to_remove_leaves_the_pipeline_alone():
    assert keep_labels(spacy.blank("en")) == []
    nlp, _ = load_model("en_core_web_sm")
    removed = keep_labels(nlp)
    assert set(removed) == {"FAC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "LANGUAGE", "ORDINAL"}
    moves = nlp.get_pipe("ner").moves.n_moves
    assert keep_labels(nlp) == []  # a second call finds nothing left to remove
    assert nlp.get_pipe("ner").moves.n_moves == moves
    assert _ents(nlp(TEXTS[0])) == _ents(extractor().nlp(TEXTS[0]))
