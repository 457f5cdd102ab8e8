"""The Analytics page over what casegraph's pipeline makes of the two fixture articles
(tests/fixtures/app): brokers, the most connected entities and communities, of an entity's
neighbourhood and of the whole graph, and the way from a row into Explore. Expectations are
computed from the store's own projection, never written down from one run."""

from __future__ import annotations

import neo4j
import networkx as nx
import pytest
from streamlit.testing.v1 import AppTest

from graph import analytics
from graph.settings import Settings
from tests.conftest import delete_all
from tests.pipeline_graph import DOJ, SEED, app_test, ingest

pytestmark = pytest.mark.neo4j
PAGE = "app_pages/analytics.py"


@pytest.fixture(scope="module")
def graph(driver: neo4j.Driver, neo4j_server: Settings) -> Settings:
    delete_all(driver, neo4j_server.neo4j_database)
    assert ingest(driver, neo4j_server.neo4j_database, SEED, DOJ).new == 2
    return neo4j_server


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _tables(at: AppTest) -> list[list[str]]:
    return [list(df.value["name"]) for df in at.dataframe if "name" in df.value]


def test_the_whole_graph(
    graph: Settings, driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(graph, monkeypatch, PAGE)
    at.run()
    at.radio(key="analytics_scope").set_value("Whole graph").run()
    _clean(at)
    g = analytics.load_projection(driver, graph.neo4j_database)
    expected = analytics.centrality(g)
    brokers, connected = _tables(at)
    assert brokers == [r["name"] for r in expected if r["betweenness"] > 0][:25]
    most = max(r["degree"] for r in expected)
    assert connected[0] in {r["name"] for r in expected if r["degree"] == most}
    communities = at.dataframe[-1].value
    assert list(communities["size"]) == sorted(communities["size"], reverse=True)
    assert sum(communities["size"]) <= g.number_of_nodes()
    assert f"{g.number_of_nodes()} entities" in at.caption[-1].value


def test_around_an_entity_and_filters(
    graph: Settings, driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(graph, monkeypatch, PAGE)
    at.run()
    _clean(at)
    assert any("Name an entity" in i.value for i in at.info)
    at.text_input(key="analytics_entity").input("Telegram").run()
    _clean(at)
    near = analytics.load_projection(driver, graph.neo4j_database, ["Telegram"], 2)
    assert f"{near.number_of_nodes()} entities" in at.caption[-1].value
    names = {d["name"] for _, d in near.nodes(data=True)}
    assert set(_tables(at)[1]) <= names and "Telegram" in _tables(at)[1]
    # Only people: no platform is left, and the counts follow.
    at.multiselect(key="analytics_kinds").set_value(["Person"]).run()
    _clean(at)
    people = analytics.restrict(near, ["Person"])
    assert f"{people.number_of_nodes()} entities" in at.caption[-1].value
    assert "Telegram" not in {n for t in _tables(at) for n in t}
    # An unknown name is one clear line, not a traceback.
    at.text_input(key="analytics_entity").input("No Such Entity Anywhere").run()
    assert not at.exception and "no entity named" in at.error[0].value


def test_a_row_opens_in_explore(graph: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_test(graph, monkeypatch, PAGE)
    at.run()
    at.radio(key="analytics_scope").set_value("Whole graph").run()
    name = _tables(at)[1][0]
    at.selectbox(key="analytics_open").set_value(name).run()
    at.button(key="analytics_open_button").click().run()
    _clean(at)
    assert at.text_input(key="explore_term").value == name
    assert at.markdown and any("Evidence" in m.value for m in at.markdown)


def test_restrict_and_communities_are_pure() -> None:
    g = analytics.build_graph(
        [{"id": i, "name": i.upper(), "kind": k} for i, k in
         [("a", "Agency"), ("b", "Agency"), ("c", "Person"), ("d", "Person"), ("e", "Platform")]],
        [{"source": "a", "target": "b", "type": "COOPERATES_WITH", "evidence_count": 3},
         {"source": "c", "target": "d", "type": "MEMBER_OF", "evidence_count": 1},
         {"source": "a", "target": "e", "type": "INVESTIGATES", "evidence_count": 1}],
    )  # fmt: skip
    agencies = analytics.restrict(g, kinds=["Agency"])
    assert sorted(agencies.nodes) == ["a", "b"] and agencies.number_of_edges() == 1
    strong = analytics.restrict(g, min_evidence=2)
    assert strong.number_of_nodes() == 5 and strong.number_of_edges() == 1
    assert analytics.restrict(g, types=["MEMBER_OF"]).number_of_edges() == 1
    rows = analytics.community_rows(g)
    weighted = nx.Graph()
    weighted.add_nodes_from("abcde")
    weighted.add_weighted_edges_from([("a", "b", 3), ("c", "d", 1), ("a", "e", 1)])
    expected = nx.community.louvain_communities(weighted, weight="weight", seed=42)
    assert sorted(tuple(sorted(r["ids"])) for r in rows) == sorted(
        tuple(sorted(c)) for c in expected if len(c) > 1
    )
    assert all(r["size"] == len(r["ids"]) for r in rows)
