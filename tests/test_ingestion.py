"""graph.ingestion.run_ingest: one broken article never costs the others, and is reported."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from graph.errors import DatabaseUnavailable
from graph.ingestion import run_ingest
from graph.store import Store
from ingest import sources
from ingest.pipeline import Extractor
from ingest.records import Relation
from ingest.sources import CorpusFields
from tests.extract_support import extractor

pytestmark = pytest.mark.neo4j

TEXTS = {
    "a.txt": "French police arrested two men in Paris on Tuesday, Europol said.",
    "b.txt": "BREAKS-STORE. The FBI investigated the company, the Justice Department said.",
    "c.txt": "BREAKS-RULES. The Spanish police seized the servers of the marketplace.",
    "d.txt": "The Spanish police seized the servers of the Hydra Market, Europol said.",
}


class _BuggyExtractor(Extractor):
    """The real pipeline, with two planted bugs: a rule that raises, and a record that breaks
    the ontology (an Agency FOUNDED by itself), as a faulty rule would produce."""

    def __init__(self, base: Extractor) -> None:
        self.__dict__.update(base.__dict__)

    def extract_doc(self, doc, article):  # type: ignore[override]
        if "BREAKS-RULES" in article.text:
            raise KeyError("planted")
        ex = super().extract_doc(doc, article)
        if "BREAKS-STORE" in article.text:
            agency = next(e for e in ex.entities if e.kind == "Agency")
            bad = Relation("FOUNDED", agency.id, agency.id, article.text, 0, 10, "planted")
            ex = dataclasses.replace(ex, relations=(*ex.relations, bad))
        return ex


def test_broken_articles_are_reported_and_the_rest_is_stored(clean_db, settings, tmp_path: Path):
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    problems: list = []
    store = Store(clean_db, database=settings.neo4j_database, batch_size=10)
    summary = run_ingest(
        [str(tmp_path)],
        store=store,
        extractor_factory=lambda: _BuggyExtractor(extractor()),
        fields=CorpusFields(),
        batch_size=10,
        on_problem=problems.append,
    )
    assert (summary.new, summary.failed) == (2, 2)
    assert sorted(Path(p.path).name for p in problems) == ["b.txt", "c.txt"]
    assert all("casegraph bug" in p.message for p in problems)
    with clean_db.session(database=settings.neo4j_database) as s:
        paths = sorted(r["p"] for r in s.run("MATCH (a:Article) RETURN a.path AS p"))
    assert [Path(p).name for p in paths] == ["a.txt", "d.txt"]


SHORT = [
    f"The Spanish police arrested suspect number {i} in Madrid, Europol said." for i in range(8)
]


class _Watching(Extractor):
    """The real pipeline; records which articles it has started on."""

    def __init__(self, base: Extractor) -> None:
        self.__dict__.update(base.__dict__)
        self.started: list[str] = []

    def extract_doc(self, doc, article):  # type: ignore[override]
        self.started.append(Path(article.path).name)
        return super().extract_doc(doc, article)


def _corpus(tmp_path: Path) -> list[str]:
    for i, text in enumerate(SHORT):
        (tmp_path / f"{i}.txt").write_text(text, encoding="utf-8")
    return [str(tmp_path)]


def test_batches_are_written_while_the_next_ones_are_extracted(clean_db, settings, tmp_path):
    watching = _Watching(extractor())
    overlapped: list[bool] = []
    written: list[str] = []

    class Store_(Store):
        def write(self, extractions):  # type: ignore[override]
            # Wait (bounded) until the extraction has started on the next article: it does
            # only if writing is off the extraction's path. The last batch has no successor.
            following = len(written) + len(extractions) + 1
            deadline = time.monotonic() + 20
            while len(watching.started) < following and time.monotonic() < deadline:
                time.sleep(0.01)
            overlapped.append(following > len(SHORT) or len(watching.started) >= following)
            written.extend(Path(x.article.path).name for x in extractions)
            return super().write(extractions)

    store = Store_(clean_db, database=settings.neo4j_database, batch_size=1)
    reported: list[tuple[int, threading.Thread]] = []
    summary = run_ingest(
        _corpus(tmp_path), store=store, extractor_factory=lambda: watching,
        fields=CorpusFields(), batch_size=1,
        on_written=lambda n: reported.append((n, threading.current_thread())),
    )  # fmt: skip
    assert summary.new == len(SHORT) and all(overlapped)
    # Committed batches are reported in the caller's thread (a UI may only be updated there).
    assert sum(n for n, _ in reported) == len(SHORT)
    assert {t for _, t in reported} == {threading.current_thread()}
    assert written == [f"{i}.txt" for i in range(len(SHORT))]  # in input order
    assert summary.seconds["write_wait"] <= summary.seconds["total"]


def test_a_failed_write_stops_the_extraction_and_counts_only_what_committed(
    clean_db, settings, tmp_path
):
    watching = _Watching(extractor())

    class Failing(Store):
        calls = 0

        def write(self, extractions):  # type: ignore[override]
            Failing.calls += 1
            if Failing.calls == 2:  # as the store reports an outage after its retries
                raise DatabaseUnavailable("Neo4j is not reachable (planted): check it")
            return super().write(extractions)

    store = Failing(clean_db, database=settings.neo4j_database, batch_size=1)
    with pytest.raises(DatabaseUnavailable, match=r"\(1 articles were written before"):
        run_ingest(
            _corpus(tmp_path), store=store, extractor_factory=lambda: watching,
            fields=CorpusFields(), batch_size=1,
        )  # fmt: skip
    # At most one batch waits for the writer and one is in hand: the NLP stopped early.
    assert len(watching.started) <= 4 < len(SHORT)
    with clean_db.session(database=settings.neo4j_database) as s:
        assert s.run("MATCH (a:Article) RETURN count(a) AS n").single()["n"] == 1


def _ingest(clean_db, settings, paths: list[str]):
    store = Store(clean_db, database=settings.neo4j_database, batch_size=10)
    return run_ingest(
        paths, store=store, extractor_factory=extractor, fields=CorpusFields(), batch_size=10
    )


def _no_cleaning(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> str:
        raise AssertionError("a file was decoded and cleaned again")

    monkeypatch.setattr(sources, "clean_text", refuse)


def test_unchanged_files_are_skipped_without_being_read_again(
    clean_db, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    paths = _corpus(tmp_path)
    (tmp_path / "page.html").write_text(
        "<html><head><title>Police seize a forum</title></head><body><p>The Dutch police "
        "seized the servers of a forum in Amsterdam on Monday.</p></body></html>",
        encoding="utf-8",
    )
    first = _ingest(clean_db, settings, paths)
    assert (first.new, first.skipped) == (len(SHORT) + 1, 0)
    with monkeypatch.context() as m:
        _no_cleaning(m)
        again = _ingest(clean_db, settings, paths)
    assert (again.new, again.updated, again.skipped, again.failed) == (0, 0, len(SHORT) + 1, 0)
    # A changed file is read again (and is a new version of its article); the rest is not.
    (tmp_path / "3.txt").write_text("The Dutch police arrested a suspect in Utrecht.\n")
    changed = _ingest(clean_db, settings, paths)
    assert (changed.new + changed.updated, changed.skipped) == (1, len(SHORT))


def test_a_graph_without_digests_gets_them_on_its_next_ingest(
    clean_db, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    paths = _corpus(tmp_path)
    _ingest(clean_db, settings, paths)
    db = settings.neo4j_database
    clean_db.execute_query("MATCH (a:Article) REMOVE a.raw_digest", database_=db)
    again = _ingest(clean_db, settings, paths)  # read and cleaned: skipped by content
    assert (again.new, again.skipped) == (0, len(SHORT))
    records, _, _ = clean_db.execute_query(
        "MATCH (a:Article) WHERE a.raw_digest IS NOT NULL RETURN count(a) AS n", database_=db
    )
    assert records[0]["n"] == len(SHORT)
    with monkeypatch.context() as m:
        _no_cleaning(m)
        third = _ingest(clean_db, settings, paths)
    assert third.skipped == len(SHORT)


def test_digests_of_an_earlier_reader_are_replaced(
    clean_db, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    paths = _corpus(tmp_path)
    _ingest(clean_db, settings, paths)
    db = settings.neo4j_database
    clean_db.execute_query(  # as an earlier casegraph would have left them
        "MATCH (a:Article) SET a.raw_digest = 'oldreader000-' + a.id", database_=db
    )
    again = _ingest(clean_db, settings, paths)  # read and cleaned again: skipped by content
    assert (again.new, again.skipped) == (0, len(SHORT))
    records, _, _ = clean_db.execute_query(
        "MATCH (a:Article) WHERE a.raw_digest STARTS WITH 'oldreader000-' RETURN count(a) AS n",
        database_=db,
    )
    assert records[0]["n"] == 0
    with monkeypatch.context() as m:
        _no_cleaning(m)
        third = _ingest(clean_db, settings, paths)
    assert third.skipped == len(SHORT)
