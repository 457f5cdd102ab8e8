"""The embedding cache gives the embeddings of spaCy's own layers, and the pipeline uses it for
both of en_core_web_sm's tok2vec layers (the shared one and the NER's).

"The same" is to float rounding: the pipeline multiplies with numpy's BLAS (ingest/nlp.py),
which may round a row differently with the number of rows computed together; a wrong row (another
word's) differs by far more than `_TOLERANCE`."""

from __future__ import annotations

import numpy
from thinc.api import set_dropout_rate

from ingest.embedding_cache import EmbeddingCache, cacheable, cached
from ingest.nlp import load_model
from tests.extract_support import extractor

TEXTS = [
    "Europol and the FBI arrested John Smith, 35, in Rotterdam on Tuesday.",
    "The Harris County District Attorney's Office said the defendant laundered $2.5 million.",
    "",
    "Police in Norway seized the servers of the darknet market; its admin is still at large.",
    "Europol and the FBI arrested Jane Doe in Paris on Monday.",  # repeats words of the first
]


_TOLERANCE = 1e-5  # the rounding seen is about 1e-6; embeddings are of order 1


def _same(a, b) -> bool:
    return a.shape == b.shape and bool(numpy.allclose(a, b, rtol=0, atol=_TOLERANCE))


def _embeddings(nlp, texts):
    """For each embedding layer of the stock pipeline: its output per text."""
    out = []
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None:
            continue
        for node in model.walk():
            if cacheable(node):
                out.append((node, node.predict([nlp.make_doc(t) for t in texts])))
    return out


def test_pipeline_caches_both_embedding_layers():
    nlp = extractor().nlp
    wrapped = {
        name: [n for n in component.model.walk() if n.name.startswith("cached(")]
        for name, component in nlp.pipeline
        if hasattr(component, "model")
    }
    assert len(wrapped["tok2vec"]) == 1
    assert len(wrapped["ner"]) == 1  # the NER's own tok2vec
    assert not wrapped["parser"] and not wrapped["tagger"]  # they listen to tok2vec


def test_cache_equals_the_layers_it_wraps():
    nlp, _ = load_model("en_core_web_sm")  # the stock pipeline, nothing wrapped
    layers = _embeddings(nlp, TEXTS)
    assert len(layers) == 2
    for embed, expected in layers:
        cache = EmbeddingCache(embed)
        docs = [nlp.make_doc(t) for t in TEXTS]
        for _ in range(2):  # cold, then every row from the cache
            got = cache(docs)
            assert len(got) == len(expected)
            for a, b in zip(got, expected, strict=True):
                assert _same(a, b)
        assert 0 < len(cache.index) < sum(len(d) for d in docs)  # repeated words stored once


def test_cache_is_bounded_and_stays_exact():
    nlp, _ = load_model("en_core_web_sm")
    embed, expected = _embeddings(nlp, TEXTS)[0]
    cache = EmbeddingCache(embed, limit=40)
    for text, want in zip(TEXTS, expected, strict=True):
        (got,) = cache([nlp.make_doc(text)])
        assert _same(got, want)
        assert len(cache.index) <= 40


def test_wrapped_pipeline_gives_the_stock_annotations():
    ours = extractor().nlp
    stock, _ = load_model("en_core_web_sm")
    for a, b in zip(ours.pipe(TEXTS), stock.pipe(TEXTS), strict=True):
        assert _same(a.tensor, b.tensor)
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]
        assert [(t.tag_, t.dep_, t.head.i) for t in a] == [(t.tag_, t.dep_, t.head.i) for t in b]


def test_training_goes_through_the_original_layer():
    nlp, _ = load_model("en_core_web_sm")
    embed, _ = _embeddings(nlp, TEXTS[:1])[0]
    wrapper = cached(embed)
    set_dropout_rate(wrapper, 0.0)  # training's dropout would make the outputs random
    docs = [nlp.make_doc(TEXTS[0])]
    outputs, backprop = wrapper(docs, is_train=True)
    expected = embed.predict(docs)
    assert _same(outputs[0], expected[0])
    backprop([numpy.zeros_like(outputs[0])])  # the original layer's gradient path


def test_layers_that_look_at_neighbours_are_not_cached():
    nlp, _ = load_model("en_core_web_sm")
    tok2vec = nlp.get_pipe("tok2vec").model
    embed, encode = tok2vec.layers
    assert cacheable(embed)
    assert not cacheable(encode)  # convolution over the neighbouring tokens
    assert not cacheable(tok2vec)


def test_threads_sharing_one_cache_get_exact_embeddings():
    """The app serves several sessions from one pipeline: concurrent calls, with a cap small
    enough to clear the cache mid-way, still return spaCy's own embeddings (a thread embeds the
    rows no other thread has yet, so row counts vary: the rounding case)."""
    from concurrent.futures import ThreadPoolExecutor

    nlp, _ = load_model("en_core_web_sm")
    embed, expected = _embeddings(nlp, TEXTS)[0]
    cache = EmbeddingCache(embed, limit=40)
    jobs = [i % len(TEXTS) for i in range(200)]

    def one(i: int) -> bool:
        (got,) = cache([nlp.make_doc(TEXTS[i])])
        return _same(got, expected[i])

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(one, jobs))
