"""The indexed attribute-ruler match gives exactly spaCy's matches, and the pipeline uses it."""

from __future__ import annotations

from ingest.nlp import IndexedAttributeMatch
from tests.extract_support import extractor

TEXTS = [
    "I ain't goin' to say nothin' about it, the defendant told police in Ohio.",
    "Harris County District Attorney Kim Ogg said John Smith, 35, was convicted of fraud.",
    "The FBI's Cyber Division and Europol seized 3 servers; agents didn't find the admin.",
    "Headline Without Stop\n\n• first bullet item\n• second item: he'd gone; we're done.",
]


def test_indexed_match_equals_spacys_matcher():
    nlp = extractor().nlp
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, IndexedAttributeMatch)
    indexed = IndexedAttributeMatch(ruler)
    before = nlp.pipe_names[: nlp.pipe_names.index("attribute_ruler")]
    for text in TEXTS:
        doc = nlp.make_doc(text)
        for name in before:
            doc = nlp.get_pipe(name)(doc)
        spacy_matches = type(ruler).match(ruler, doc)  # the class's method: spaCy's Matcher
        assert indexed(doc) == spacy_matches
        assert len(spacy_matches) >= len(doc)  # every token has its tag's pattern at least
