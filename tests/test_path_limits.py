"""Paths with constraints: relationship types, jurisdictions allowed on the way and a date
window, in the `cooperation_paths` and `shortest_path` queries and on the Paths page.

The graph is invented and written through the store: three two-hop routes between Alpha
Police (Norway) and Beta Police (Sweden), one through a German agency reported in 2021, one
through a Danish agency reported in 2023 (with an event date the text gave in 2022), and one
of membership facts through a Californian agency in an undated article.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import pytest
from streamlit.testing.v1 import AppTest

from graph.errors import QueryError
from graph.queries import get_query, parse_params, run_query
from graph.settings import Settings
from graph.store import Store
from ingest.records import Article, Entity, Extraction, Mention, Relation, entity_id
from tests.conftest import delete_all
from tests.pipeline_graph import app_test

pytestmark = pytest.mark.neo4j


def _entity(name: str, kind: str, iso: str | None = None) -> Entity:
    return Entity(entity_id(kind, name), name, kind, (), iso, (Mention(0, len(name), name),))


ALPHA, BETA = _entity("Alpha Police", "Agency"), _entity("Beta Police", "Agency")
GERMAN, DANISH = _entity("Gamma Police", "Agency"), _entity("Delta Police", "Agency")
CALIFORNIAN = _entity("Epsilon Task Force", "Agency")
PLACES = {
    ALPHA: _entity("Norway", "Jurisdiction", "NO"),
    BETA: _entity("Sweden", "Jurisdiction", "SE"),
    GERMAN: _entity("Germany", "Jurisdiction", "DE"),
    DANISH: _entity("Denmark", "Jurisdiction", "DK"),
    CALIFORNIAN: _entity("California", "Jurisdiction", "US-CA"),
}
UNITED_STATES = _entity("United States", "Jurisdiction", "US")


def _article(
    key: str, date: str | None, facts: list[tuple[str, Entity, Entity]], event: str | None = None
) -> Extraction:
    relations = tuple(
        Relation(t, s.id, o.id, f"{s.name} and {o.name}.", 50 * i, 50 * i + 30, "test",
                 event_date=event)
        for i, (t, s, o) in enumerate(facts)
    )  # fmt: skip
    entities = {e.id: e for _, s, o in facts for e in (s, o)}
    text = " ".join(f"{s.name} and {o.name}." for _, s, o in facts)
    return Extraction(
        Article(f"art-{key}", text, f"{key}.txt", key, date),
        tuple(entities.values()),
        relations,
        (),
    )


def _graph() -> list[Extraction]:
    coop = "COOPERATES_WITH"
    return [
        _article("german", "2021-03-01", [(coop, ALPHA, GERMAN), (coop, GERMAN, BETA)]),
        _article(
            "danish", "2023-06-01", [(coop, ALPHA, DANISH), (coop, DANISH, BETA)], "2022-11-05"
        ),
        _article(
            "members", None, [("MEMBER_OF", ALPHA, CALIFORNIAN), ("MEMBER_OF", BETA, CALIFORNIAN)]
        ),
        _article("places", "2020-01-01", [("BELONGS_TO", a, p) for a, p in PLACES.items()]),
    ]


@pytest.fixture(scope="module")
def routes(driver: neo4j.Driver, neo4j_server: Settings) -> Settings:
    db = neo4j_server.neo4j_database
    delete_all(driver, db)
    Store(driver, db).write(_graph())
    # The United States, to allow "US" and with it California (US-CA), with no fact of its own.
    driver.execute_query(
        "MERGE (u:Entity:Jurisdiction {id: $id}) SET u.name = 'United States', u.kind = "
        "'Jurisdiction', u.iso = 'US', u.norm = 'united states'",
        id=UNITED_STATES.id,
        database_=db,
    )
    return neo4j_server


def _middles(driver: neo4j.Driver, settings: Settings, query: str, **raw: Any) -> list[str]:
    """The entity in the middle of each path from Alpha Police to Beta Police, sorted."""
    named = get_query(query)
    params = parse_params(named, {"from": "Alpha Police", "to": "Beta Police", **raw})
    result = run_query(driver, settings.neo4j_database, named, params, 100, 30.0)
    assert all(row["hops"] == 2 for row in result.rows), result.rows
    return sorted({re.split(r" <?-\[[A-Z_]+\]->? ", row["path"])[1] for row in result.rows})


ALL = ["Delta Police", "Epsilon Task Force", "Gamma Police"]


@pytest.mark.parametrize("query", ["cooperation_paths", "shortest_path"])
def test_without_restrictions_every_route(
    routes: Settings, driver: neo4j.Driver, query: str
) -> None:
    assert _middles(driver, routes, query) == ALL


@pytest.mark.parametrize("query", ["cooperation_paths", "shortest_path"])
def test_relationship_types(routes: Settings, driver: neo4j.Driver, query: str) -> None:
    assert _middles(driver, routes, query, types="COOPERATES_WITH") == ["Delta Police", "Gamma Police"]  # fmt: skip
    assert _middles(driver, routes, query, types="MEMBER_OF") == ["Epsilon Task Force"]
    assert _middles(driver, routes, query, types="COOPERATES_WITH,MEMBER_OF") == ALL


@pytest.mark.parametrize("query", ["cooperation_paths", "shortest_path"])
def test_jurisdictions_allowed_on_the_way(
    routes: Settings, driver: neo4j.Driver, query: str
) -> None:
    # The ends (Norway, Sweden) are not in the list and still allowed.
    assert _middles(driver, routes, query, via="DE") == ["Gamma Police"]
    assert _middles(driver, routes, query, via="denmark,Germany") == ["Delta Police", "Gamma Police"]  # fmt: skip
    # A country allows its subdivisions: California (US-CA) is inside the United States.
    assert _middles(driver, routes, query, via="US") == ["Epsilon Task Force"]
    assert _middles(driver, routes, query, via="FR") == []


@pytest.mark.parametrize("query", ["cooperation_paths", "shortest_path"])
def test_date_window(routes: Settings, driver: neo4j.Driver, query: str) -> None:
    # The Danish route was reported in 2023 about events of 2022: its event date counts.
    window = {"date_from": "2022-01-01", "date_to": "2022-12-31"}
    assert _middles(driver, routes, query, **window) == ["Delta Police", "Epsilon Task Force"]
    assert _middles(driver, routes, query, **window, include_undated="false") == ["Delta Police"]
    assert _middles(driver, routes, query, date_to="2021-12-31", include_undated="false") == [
        "Gamma Police"
    ]
    assert _middles(driver, routes, query, date_from="2024-01-01") == ["Epsilon Task Force"]


def test_a_bad_date_is_one_clear_error() -> None:
    named = get_query("cooperation_paths")
    with pytest.raises(QueryError, match="date_from must be a date YYYY-MM-DD"):
        parse_params(named, {"from": "KR", "to": "FR", "date_from": "2024-02-30"})


def test_the_paths_page_restricts(routes: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at: AppTest = app_test(routes, monkeypatch, "app_pages/paths.py")
    at.run()
    at.text_input(key="paths_from_term").input("Alpha Police").run()
    at.text_input(key="paths_to_term").input("beta police").run()
    assert at.selectbox(key="paths_from").value == ALPHA.id  # the best match is chosen
    assert at.selectbox(key="paths_to").value == BETA.id
    assert not at.warning
    assert not at.exception

    def middles() -> list[str]:
        rows = at.dataframe[0].value if at.dataframe else []
        paths = [str(p) for p in (rows["path"] if len(rows) else [])]
        return sorted({m for m in ALL for p in paths if m in p})

    assert middles() == ALL
    at.multiselect(key="paths_via").set_value(["DE"]).run()
    assert middles() == ["Gamma Police"]
    at.multiselect(key="paths_via").set_value([]).run()
    at.multiselect(key="paths_types_cooperation_paths").set_value(["MEMBER_OF"]).run()
    assert middles() == ["Epsilon Task Force"]
    at.multiselect(key="paths_types_cooperation_paths").set_value(["COOPERATES_WITH"]).run()
    at.multiselect(key="paths_via").set_value(["US"]).run()
    assert not at.dataframe and any("loosen the restrictions" in i.value for i in at.info)


def test_the_paths_page_searches_each_end(
    routes: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each end is a search (the page never lists every entity of a big graph): a name that
    matches nothing says so; cooperation paths offer agencies and jurisdictions only."""
    at: AppTest = app_test(routes, monkeypatch, "app_pages/paths.py")
    at.run()
    at.text_input(key="paths_from_term").input("Qwxzy Unmatched").run()
    assert any("No agency or jurisdiction looks like" in w.value for w in at.warning)
    assert not at.dataframe
    at.text_input(key="paths_from_term").input("Norway").run()
    assert at.selectbox(key="paths_from").value == PLACES[ALPHA].id
    assert {o.split("  ·  ")[1] for o in at.selectbox(key="paths_from").options} <= {
        "Agency", "Jurisdiction"
    }  # fmt: skip
