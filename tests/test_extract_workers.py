"""Extraction with worker processes: the same output as in one process, in input order, errors
reported as in one process, and no worker left running when the consumer stops."""

from __future__ import annotations

import copy
import multiprocessing
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ingest.pipeline import ExtractionFailure, Extractor
from ingest.records import Article, article_id
from tests.extract_support import FailsOnMarkedArticles, extractor

TEXTS = [
    "Europol said on Tuesday that French police arrested two men in Paris.",
    "The FBI investigated the company, the Justice Department said.",
    "The Spanish police seized the servers of the Hydra Market, Europol said.",
    "Harris County District Attorney Kim Ogg charged John Smith, 35, with money laundering.",
    "German prosecutors charged the administrator of the marketplace with drug trafficking.",
    "BOOM. The Dutch police arrested a suspect in Amsterdam.",
    "The Italian police cooperated with Eurojust in the investigation of the fraud scheme.",
]


def _articles(texts: list[str]) -> list[Article]:
    return [Article(article_id(t), t, f"a{i}.txt") for i, t in enumerate(texts)]


def _with(base: Extractor, workers: int, batch_size: int = 2) -> Extractor:
    ex = copy.copy(base)
    ex.workers, ex.batch_size = workers, batch_size
    return ex


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging when a worker never answers."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"extraction with workers did not finish within {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_two_workers_give_the_same_extractions_as_one_in_input_order():
    articles = _articles([t for t in TEXTS if "BOOM" not in t])
    one = list(_with(extractor(), 1).extract(articles))
    with _deadline(120):
        two = list(_with(extractor(), 2).extract(articles))
    assert [x.article.path for x in two] == [a.path for a in articles]
    assert [x.to_json() for x in two] == [x.to_json() for x in one]
    assert any(x.entities for x in two) and any(x.relations for x in two)


def test_a_rule_error_in_a_worker_is_reported_and_the_others_go_on():
    failures: list[ExtractionFailure] = []
    ex = _with(FailsOnMarkedArticles(extractor()), 2)
    with _deadline(120):
        out = list(ex.extract(_articles(TEXTS), on_error=failures.append))
    assert [x.article.path for x in out] == [f"a{i}.txt" for i in (0, 1, 2, 3, 4, 6)]
    assert [f.path for f in failures] == ["a5.txt"]
    assert "IndexError" in failures[0].message and "bug" in failures[0].message


def test_a_rule_error_in_a_worker_propagates_without_a_handler():
    ex = _with(FailsOnMarkedArticles(extractor()), 2)
    with _deadline(120), pytest.raises(IndexError):
        list(ex.extract(_articles(TEXTS)))
    assert not multiprocessing.active_children()


def test_workers_stop_when_the_consumer_stops_early():
    stream = _with(extractor(), 2, batch_size=1).extract(_articles(TEXTS * 3))
    with _deadline(120):
        first = next(stream)
        stream.close()
    assert first.article.path == "a0.txt"
    assert not multiprocessing.active_children()
