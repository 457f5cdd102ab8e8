"""The NER's own contextual token vectors, kept on the document for the entity-kinds classifier.

en_core_web_sm's NER reads the text through a tok2vec of its own (not the shared one whose
output is `doc.tensor`, trained for the tagger and the parser): one 96-wide vector per token,
computed from the token and its neighbours and trained to tell people, organisations and places
apart. spaCy uses it inside the NER and throws it away; `keep_ner_vectors` wraps that layer so
that its prediction is also stored on each document (`ner_vectors(doc)`), at no extra cost: the
same arrays, the NER's output unchanged. `ingest.kinds` reads them as real-valued features of a
candidate name (its first and last word and the words around it): what the stock NER "thought"
of a name in its context, which words, shapes and gazetteers alone do not say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

_KEY = "casegraph_ner_vectors"  # doc.user_data key


def keep_ner_vectors(nlp: Language) -> bool:
    """Wrap the NER's own tok2vec so that each document keeps its output; whether it could
    (a pipeline without a NER, or whose NER listens to a shared tok2vec, keeps nothing)."""
    if "ner" not in nlp.pipe_names:
        return False
    model = getattr(nlp.get_pipe("ner"), "model", None)
    if not isinstance(model, Model) or not model.has_ref("tok2vec"):
        return False
    tok2vec = model.get_ref("tok2vec")
    inner = tok2vec.layers[0] if tok2vec.layers else None
    if inner is None or inner.name.startswith("tok2vec-listener") or not inner.has_dim("nO"):
        return False
    tok2vec.replace_node(inner, _kept(inner))
    return True


def _kept(inner: Model[list[Doc], list[Any]]) -> Model[list[Doc], list[Any]]:
    def forward(
        model: Model[list[Doc], list[Any]], docs: list[Doc], is_train: bool
    ) -> tuple[list[Any], Callable[[Any], Any]]:
        out, backprop = inner(docs, is_train)
        if not is_train:
            for doc, vectors in zip(docs, out, strict=True):
                doc.user_data[_KEY] = vectors
        return out, backprop

    return Model(f"kept({inner.name})", forward, layers=[inner], dims={"nO": inner.get_dim("nO")})


def ner_vectors(doc: Doc) -> numpy.ndarray | None:
    """The NER's token vectors of `doc` (one row per token), or None when they were not kept."""
    vectors = doc.user_data.get(_KEY)
    if vectors is None or len(vectors) != len(doc):
        return None
    return numpy.asarray(vectors)
