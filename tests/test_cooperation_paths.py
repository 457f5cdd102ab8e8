"""cooperation_paths between two well-connected agencies, on a graph written through the store.

The query matches paths of one to four hops from both ends instead of searching breadth-first
from one (and searches only for longer bounds); these tests pin what that must not change: the
shortest paths first, the direct fact included, only agencies and jurisdictions on a path, no
entity twice on a path, and `max_hops` respected.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import pytest

from graph.queries import get_query, parse_params, run_query
from graph.settings import Settings
from graph.store import Store
from ingest.records import Article, Entity, Extraction, Mention, Relation, entity_id

PARTNERS = 12  # more than the ten paths the query returns


def _entity(name: str, kind: str) -> Entity:
    return Entity(entity_id(kind, name), name, kind, (), None, (Mention(0, len(name), name),))


def _graph() -> Extraction:
    hub_a, hub_b = _entity("Harbour Police", "Agency"), _entity("Border Agency", "Agency")
    far = _entity("Mountain Police", "Agency")
    chain = [_entity("Lake Police", "Agency"), _entity("River Police", "Agency")]
    officer = _entity("Jane Officer", "Person")
    partners = [_entity(f"Partner Unit {i:02d}", "Agency") for i in range(PARTNERS)]
    facts: list[tuple[str, Entity, Entity]] = [("COOPERATES_WITH", hub_a, hub_b)]
    for p in partners:
        facts += [("COOPERATES_WITH", hub_a, p), ("COOPERATES_WITH", p, hub_b)]
    # A person who belongs to both hubs is no cooperation path between them.
    facts += [("MEMBER_OF", officer, hub_a), ("MEMBER_OF", officer, hub_b)]
    # Mountain Police reaches Harbour Police in two hops through partner 0 only.
    facts += [("COOPERATES_WITH", far, partners[0])]
    # Lake Police - River Police - Mountain Police: four hops and more from Harbour Police.
    facts += [("COOPERATES_WITH", chain[0], chain[1]), ("COOPERATES_WITH", chain[1], far)]
    relations = tuple(
        Relation(t, s.id, o.id, f"{s.name} and {o.name}.", 100 * i, 100 * i + 20, "test")
        for i, (t, s, o) in enumerate(facts)
    )
    article = Article("a-hubs", "text", "hubs.txt", "Hubs", "2025-01-02", None)
    return Extraction(article, (hub_a, hub_b, far, officer, *chain, *partners), relations, ())


@pytest.fixture(scope="module")
def hubs(driver: neo4j.Driver, neo4j_server: Settings) -> neo4j.Driver:
    from tests.conftest import delete_all

    delete_all(driver, neo4j_server.neo4j_database)
    Store(driver, neo4j_server.neo4j_database).write([_graph()])
    return driver


def _names(path: str) -> list[str]:
    """The entities along a path as the query prints it (COOPERATES_WITH is stored in either
    direction, so the arrows are not compared)."""
    return re.split(r" <?-\[[A-Z_]+\]->? ", path)


def _paths(driver: Any, settings: Settings, **raw: str) -> list[dict[str, Any]]:
    named = get_query("cooperation_paths")
    result = run_query(driver, settings.neo4j_database, named, parse_params(named, raw), 100, 30.0)
    return result.rows


@pytest.mark.neo4j
def test_between_hubs_the_direct_fact_comes_first_then_two_hop_paths(
    hubs: Any, settings: Settings
) -> None:
    rows = _paths(hubs, settings, **{"from": "Harbour Police", "to": "Border Agency"})
    assert len(rows) == 10
    assert [r["hops"] for r in rows] == [1] + [2] * 9
    assert _names(rows[0]["path"]) == ["Harbour Police", "Border Agency"]
    middles = {_names(r["path"])[1] for r in rows[1:]}
    assert len(middles) == 9 and all(m.startswith("Partner Unit") for m in middles)
    assert not any("Jane Officer" in r["path"] for r in rows)
    assert all(r["steps"][0]["evidence"][0]["title"] == "Hubs" for r in rows)


@pytest.mark.neo4j
def test_max_hops_bounds_the_direct_matches_too(hubs: Any, settings: Settings) -> None:
    one = _paths(hubs, settings, **{"from": "Harbour Police", "to": "Border Agency"}, max_hops="1")
    assert [r["hops"] for r in one] == [1]


@pytest.mark.neo4j
def test_longer_paths_when_short_ones_are_fewer_than_ten(hubs: Any, settings: Settings) -> None:
    rows = _paths(hubs, settings, **{"from": "Mountain Police", "to": "Harbour Police"})
    # One path of two hops (through partner 0), then three-hop paths through Border Agency
    # and through partner 0 and Border Agency.
    assert [r["hops"] for r in rows][:2] == [2, 3]
    assert _names(rows[0]["path"]) == ["Mountain Police", "Partner Unit 00", "Harbour Police"]
    for row in rows:
        names = _names(row["path"])
        assert len(names) == len(set(names)) == row["hops"] + 1  # no entity visited twice
        assert "Jane Officer" not in names
    assert (
        _paths(hubs, settings, **{"from": "Mountain Police", "to": "Harbour Police"}, max_hops="2")
        == rows[:1]
    )


@pytest.mark.neo4j
def test_bounds_past_four_hops_search_breadth_first(hubs: Any, settings: Settings) -> None:
    ends = {"from": "Lake Police", "to": "Harbour Police"}
    assert [r["hops"] for r in _paths(hubs, settings, **ends)] == [4]
    rows = _paths(hubs, settings, **ends, max_hops="6")
    assert [r["hops"] for r in rows][:2] == [4, 5] and len(rows) == 10
    assert _names(rows[0]["path"]) == [
        "Lake Police",
        "River Police",
        "Mountain Police",
        "Partner Unit 00",
        "Harbour Police",
    ]
    for row in rows:
        names = _names(row["path"])
        assert len(names) == len(set(names)) == row["hops"] + 1
