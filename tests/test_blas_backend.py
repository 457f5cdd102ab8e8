"""The pipeline's layers multiply through numpy's BLAS on one thread (ingest/nlp.py): the same
annotations as spaCy's default BLIS kernels, in less time (docs/BENCHMARKS.md)."""

from __future__ import annotations

import numpy
import spacy
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info

from ingest.nlp import load_model
from tests.extract_support import extractor

TEXTS = [
    "South Korean police said Telegram would not share account data with law enforcement.",
    "French prosecutors placed Pavel Durov under formal investigation in Paris on Wednesday.",
    "The Harris County District Attorney's Office charged John Smith, 35, with wire fraud.",
    "Europol and the FBI seized the servers of the darknet market; its admin is at large.",
]


def _layers(nlp):
    return [
        node
        for _, component in nlp.pipeline
        if getattr(component, "model", None) is not None
        for node in component.model.walk()
    ]


def test_every_layer_uses_numpy_blas_not_blis():
    layers = _layers(extractor().nlp)
    assert layers
    for node in layers:
        assert isinstance(node.ops, NumpyOps), node.name
        assert node.ops.use_blis is False, node.name


def test_blas_runs_on_one_thread_after_loading():
    extractor()
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas, "numpy's BLAS is not visible to threadpoolctl"
    assert all(lib["num_threads"] == 1 for lib in blas), blas


def test_annotations_equal_those_of_the_default_backend():
    ours, name = load_model("en_core_web_sm")  # the installed en_core_web_sm package
    stock = spacy.load(name, exclude=["lemmatizer"])
    assert all(n.ops.use_blis for n in _layers(stock) if isinstance(n.ops, NumpyOps))
    for a, b in zip(ours.pipe(TEXTS), stock.pipe(TEXTS), strict=True):
        assert [(t.text, t.tag_, t.dep_, t.head.i) for t in a] == [
            (t.text, t.tag_, t.dep_, t.head.i) for t in b
        ]
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]
        assert numpy.allclose(a.tensor, b.tensor, atol=1e-4)
