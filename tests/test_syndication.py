"""Syndicated copies (ingest/syndication.py, graph/store.py): one story republished with other
page furniture, or shortened, is linked to the original (SAME_STORY) and its facts count one
independent source for the two articles; unrelated texts are not linked."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from graph.queries import get_query, parse_params, run_query
from graph.settings import Settings
from graph.store import Store
from ingest.syndication import COPY_CONTAINMENT, containment, signature
from tests.conftest import delete_all
from tests.pipeline_graph import SEED, ingest

HEADER = "HOME | WORLD | TECH | SPORT\nSign up for our morning newsletter\n\n"
FOOTER = "\n\nRead next: Ten gadgets for the winter\nComments (14)\n(c) The Daily Example 2024"
UNRELATED = (
    "The city council approved a new budget for road repairs on Thursday. The mayor said the "
    "works would start in the spring and last two years, and residents asked for more bicycle "
    "lanes, longer opening hours at the library and a new playground near the river park."
)


def test_a_copy_with_other_furniture_or_shortened_is_found_and_other_texts_are_not() -> None:
    story = SEED.read_text(encoding="utf-8")
    original = signature(story)
    assert original is not None
    for copy in (HEADER + story + FOOTER, story[: len(story) // 2]):
        other = signature(copy)
        assert other is not None and containment(original, other) >= COPY_CONTAINMENT
        assert set(original.bands()) & set(other.bands())  # LSH makes it a candidate
    unrelated = signature(UNRELATED)
    assert unrelated is not None and containment(original, unrelated) < 0.2
    assert signature("Police arrested a man.") is None  # too short to compare


def _refusal(driver: neo4j.Driver, database: str) -> dict[str, object]:
    records, _, _ = driver.execute_query(
        "MATCH (:Platform {name: 'Telegram'})-[r:REFUSES_DATA_TO]->"
        "(:Agency {name: 'South Korean police'}) RETURN r.articles AS articles, r.sources AS sources",
        database_=database,
    )
    return records[0].data()


def _ask(driver: neo4j.Driver, db: str, query: str, **params: str) -> list[dict]:
    named = get_query(query)
    return run_query(driver, db, named, parse_params(named, params), 100, 30).rows


@pytest.mark.neo4j
def test_a_republished_story_is_two_articles_but_one_source(
    driver: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    delete_all(driver, db)
    copy = tmp_path / "republished.txt"
    copy.write_text(HEADER + SEED.read_text(encoding="utf-8") + FOOTER, encoding="utf-8")
    other = tmp_path / "council.txt"
    other.write_text(UNRELATED, encoding="utf-8")
    try:
        ingest(driver, db, SEED, other)
        assert _refusal(driver, db)["sources"] == 1
        ingest(driver, db, copy)  # a later run: found through the index
        fact = _refusal(driver, db)
        assert len(fact["articles"]) == 2 and fact["sources"] == 1  # type: ignore[arg-type]
        records, _, _ = driver.execute_query(
            "MATCH (a:Article)-[:SAME_STORY]->(b:Article) RETURN a.path AS a, b.path AS b",
            database_=db,
        )
        assert len(records) == 1 and "council" not in str(records[0].data())
        rows = _ask(driver, db, "facts", source="Telegram", type="REFUSES_DATA_TO")
        assert {r["target"]: r["sources"] for r in rows}["South Korean police"] == 1
        # The other queries that rank by evidence count the story once too.
        (profile,) = [
            p
            for p in _ask(driver, db, "entity_profile", name="Telegram")
            if p["kind"] == "Platform"
        ]
        (refusal,) = [
            f
            for f in profile["facts"]
            if f["type"] == "REFUSES_DATA_TO" and f["other"] == "South Korean police"
        ]
        assert refusal["sources"] == 1 and refusal["evidence_count"] >= 2
        platforms = {r["platform"]: r for r in _ask(driver, db, "platforms_under_investigation")}
        assert platforms["Telegram"]["sources"] < platforms["Telegram"]["evidence_count"]
        # Retracting the copy leaves one article and one source; retracting both and ingesting
        # them in one batch links them too.
        (copy_id,) = [r["a"] for r in driver.execute_query(
            "MATCH (a:Article) WHERE a.path ENDS WITH 'republished.txt' RETURN a.id AS a",
            database_=db).records]  # fmt: skip
        Store(driver, db).retract(copy_id)
        fact = _refusal(driver, db)
        assert len(fact["articles"]) == 1 and fact["sources"] == 1  # type: ignore[arg-type]
        delete_all(driver, db)
        ingest(driver, db, SEED, copy)
        fact = _refusal(driver, db)
        assert len(fact["articles"]) == 2 and fact["sources"] == 1  # type: ignore[arg-type]
    finally:
        delete_all(driver, db)
