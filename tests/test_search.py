"""The entity search on a real graph: Lucene's full-text index finds the candidates, the fuzzy
ranking orders them, and the answer is the one a scan of every entity gives."""

from __future__ import annotations

from typing import Any

import pytest

from graph.errors import InputError
from graph.settings import Settings
from graph.store import ENTITY_NAMES_INDEX, Store
from graph.views import entity_index, lucene_query, rank_matches, search_entities

pytestmark = pytest.mark.neo4j

# Exact names, aliases, ISO codes, prefixes, words inside names, typos, several words.
TERMS = [
    "Telegram", "telegarm", "Durov", "pavel", "Pavel Durov", "Federal Bureau", "bureau", "KR",
    "us", "korean", "jong", "Woo Jong-soo", "deepfake porn", "abuse images", "durv",
    "natonal ofice of investigation", "investigation", "french", "drug", "New York",
]  # fmt: skip


@pytest.mark.parametrize("term", TERMS)
def test_the_indexed_search_finds_what_a_full_scan_finds(
    seeded: Any, settings: Settings, term: str
) -> None:
    db = settings.neo4j_database
    scanned = [m.__dict__ for m in rank_matches(term, entity_index(seeded, db), 20)]
    assert scanned, term  # every term names something of the seed graph
    assert search_entities(seeded, db, term) == scanned


def test_terms_reach_lucene_as_words_only() -> None:
    assert lucene_query('name:"x" OR *:* AND (a~ b^9) \\ NOT') == " OR ".join(
        f"{w}^8 OR {w}*^4 OR *{w}*" + (f" OR {w}~^2" if len(w) >= 4 else "")
        for w in ["namex", "or", "and", "a", "b9", "not"]  # punctuation goes: name:"x" is namex
    )
    assert lucene_query("  !!  ") == ""


def test_a_graph_without_the_index_is_searched_by_a_scan(seeded: Any, settings: Settings) -> None:
    db = settings.neo4j_database
    with seeded.session(database=db) as session:
        session.run(f"DROP INDEX {ENTITY_NAMES_INDEX} IF EXISTS").consume()
    try:
        assert [m["name"] for m in search_entities(seeded, db, "telegarm")][:1] == ["Telegram"]
    finally:
        Store(seeded, db).init_schema()
    with pytest.raises(InputError, match="at most 200 characters"):
        search_entities(seeded, db, "x" * 201)
