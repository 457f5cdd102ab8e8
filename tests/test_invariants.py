"""Invariants of the stored graph, with hypothesis, over real extractions.

A handful of short DOJ articles and the seed article are extracted once per module with the
real pipeline; hypothesis then varies the order, the batch size, repeats and retractions, and
every variation must give the graph of one plain write (compared with `graph.store.dump`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph.store import Store, dump
from ingest.pipeline import Extractor
from ingest.records import Article, Extraction
from ingest.sources import read_sources
from tests.conftest import delete_all
from tests.test_reliability import ROOT, assert_same_graph, write_corpus

pytestmark = pytest.mark.neo4j
SEED = ROOT / "data" / "sample" / "seed-telegram-korea.txt"
EXAMPLES = hsettings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class _Corpus(list[Extraction]):
    """The extractions, with a short repr: hypothesis prints the arguments of a failing case."""

    def __repr__(self) -> str:
        return f"<{len(self)} extractions of {[Path(x.article.path).name for x in self]}>"


@pytest.fixture(scope="module")
def extractions(tmp_path_factory: pytest.TempPathFactory) -> list[Extraction]:
    corpus = write_corpus(tmp_path_factory.mktemp("invariants") / "corpus", 7)
    articles = [a for a in read_sources([*corpus, SEED]) if isinstance(a, Article)]
    extracted = list(Extractor().extract(articles))
    assert len(extracted) == N
    # Facts shared between articles are what makes order and retraction interesting.
    assert sum(len(x.relations) for x in extracted) >= 10
    return _Corpus(extracted)


def _write(driver: neo4j.Driver, items: list[Extraction], batch_size: int = 200) -> None:
    delete_all(driver, "neo4j")
    Store(driver, batch_size=batch_size).write(items)


@pytest.fixture(scope="module")
def reference(extractions: list[Extraction], driver: neo4j.Driver) -> dict[str, Any]:
    _write(driver, extractions)
    return dump(driver)


N = 8  # articles in the corpus


@EXAMPLES
@given(
    order=st.permutations(range(N)),
    repeats=st.lists(st.integers(0, N - 1), max_size=3),
    batch=st.integers(1, N + 1),
)
def test_order_batch_size_and_repeats_do_not_change_the_graph(
    order: list[int],
    repeats: list[int],
    batch: int,
    extractions: list[Extraction],
    reference: dict[str, Any],
    driver: neo4j.Driver,
) -> None:
    _write(driver, [extractions[i] for i in [*order, *repeats]], batch)
    assert_same_graph(dump(driver), reference)


@EXAMPLES
@given(
    retracted=st.lists(st.integers(0, N - 1), min_size=1, max_size=4, unique=True),
    batch=st.integers(1, 3),
)
def test_ingest_retract_ingest_equals_ingest(
    retracted: list[int],
    batch: int,
    extractions: list[Extraction],
    reference: dict[str, Any],
    driver: neo4j.Driver,
) -> None:
    kept = [x for i, x in enumerate(extractions) if i not in retracted]
    _write(driver, kept)
    only_kept = dump(driver)

    _write(driver, extractions)
    store = Store(driver, batch_size=batch)
    for i in retracted:
        store.retract(extractions[i].article.id)
    # Retraction is exact: what is left is the graph of the other articles alone.
    assert_same_graph(dump(driver), only_kept)
    store.write([extractions[i] for i in retracted])
    assert_same_graph(dump(driver), reference)


def test_the_corpus_is_real(extractions: list[Extraction]) -> None:
    paths = {Path(x.article.path).name for x in extractions}
    assert "seed-telegram-korea.txt" in paths
    kinds = {e.kind for x in extractions for e in x.entities}
    assert {"Person", "Agency", "Jurisdiction"} <= kinds
