"""graph.ingestion.run_ingest: one broken article never costs the others, and is reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graph.ingestion import run_ingest
from graph.store import Store
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
