"""The per-document reads that spare the rules a spaCy Token object per word give what the
tokens give (invented text)."""

from __future__ import annotations

from ingest.kinds import _Words
from ingest.nlp import doc_text
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
    assert read.pos == [t.pos_ for t in doc]
    empty = _Words.of(extractor().nlp(""))
    assert (empty.text, empty.lower, empty.pos) == ([], [], [])
