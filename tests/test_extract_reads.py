"""The per-document reads that spare the rules a spaCy Token object per word give what the
tokens give (invented text)."""

from __future__ import annotations

from ingest.kinds import _Words
from ingest.nlp import char_bounds, doc_text, lower_forms, remember_text, strings_of
from tests.extract_support import extractor

TEXT = (
    "Dana Whitfield, 41, of Millbrook was charged by the Harlow County Sheriff's Office.\n\n"
    "The messaging app Quillnet said it would cooperate with investigators.  "
)


def test_doc_text_is_the_documents_text_and_is_read_once() -> None:
    doc = extractor().nlp(TEXT)
    first = doc_text(doc)
    assert first == doc.text == TEXT
    assert doc_text(doc) is first


def test_word_forms_read_once_match_the_tokens() -> None:
    doc = extractor().nlp(TEXT)
    read = _Words.of(doc)
    assert read.text == [t.text for t in doc]
    assert read.lower == [t.lower_ for t in doc]
    assert read.pos == [t.pos for t in doc]
    assert read.title_word == [int(t.is_alpha and t.is_title) for t in doc]
    assert read.like_num == [int(t.like_num) for t in doc]
    assert read.sent_start == [t.sent.start for t in doc]
    assert read.sent_end == [t.sent.end for t in doc]
    assert read.first_line_end == next(t.i for t in doc if "\n" in t.text)
    empty = _Words.of(extractor().nlp(""))
    assert (empty.text, empty.lower, empty.pos, empty.first_line_end) == ([], [], [], 0)


def test_lower_forms_and_character_bounds_match_the_tokens_and_are_read_once() -> None:
    doc = extractor().nlp(TEXT)
    lowers = lower_forms(doc)
    assert lowers == [t.lower_ for t in doc]
    assert lower_forms(doc) is lowers
    starts, ends = char_bounds(doc)
    assert list(zip(starts, ends, strict=True)) == [(t.idx, t.idx + len(t.text)) for t in doc]
    assert char_bounds(extractor().nlp("")) == ([], [])
    assert strings_of(doc, [t.orth for t in doc]) == [t.text for t in doc]


def test_the_articles_text_is_kept_only_when_the_parse_is_of_it() -> None:
    nlp = extractor().nlp
    doc = nlp(TEXT)
    remember_text(doc, TEXT)
    assert doc_text(doc) is TEXT
    other = nlp(TEXT)
    remember_text(other, TEXT.replace("Dana", "Dina"))  # same length, another text
    assert doc_text(other) == TEXT


def test_words_that_may_refer_are_those_coreference_reads() -> None:
    from ingest.coreference import _wanted, _words_that_may_refer

    doc = extractor().nlp(
        "Police arrested Dana Whitfield. The suspect said she acted alone, and they charged "
        "her. Two men were held by the police, who said their unit would investigate."
    )
    found = set(_words_that_may_refer(doc))
    assert {doc[i].lower_ for i in found} >= {"suspect", "she", "they", "her", "men", "police"}
    # every word the coreference could take is among them
    assert all(t.i in found for t in doc if _wanted(t) is not None)
