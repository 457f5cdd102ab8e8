"""Every page of the app holds up on odd data: no ISO code, an unknown or non-text ISO code, no
title, no date, a huge text, a very long name, Markdown in a name.

The graph is what casegraph's pipeline makes of the two fixture articles (tests/fixtures/app),
plus one hand-made article of odd shapes written through the store as an ingest would (the
shapes are invented, so is its text), plus one property of a kind no ingest writes today.
"""

from __future__ import annotations

from collections.abc import Iterator

import neo4j
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph.settings import Settings
from graph.store import Store
from ingest.records import Article, Case, Entity, Extraction, Relation, article_id, case_id
from ingest.records import entity_id as eid
from tests import app_fixture
from tests.conftest import delete_all
from tests.pipeline_graph import APP, DOJ, SEED, ingest

pytestmark = pytest.mark.neo4j

PAGES = [
    "app_pages/overview.py", "app_pages/explore.py", "app_pages/paths.py", "app_pages/cases.py",
    "app_pages/query.py", "app_pages/ingest.py", "app_pages/export.py", "app_pages/read.py",
    "app_pages/review.py", "app_pages/analytics.py",
]  # fmt: skip
LONG_NAME = "Committee " + "for the Protection of Very Long Names " * 80
SENTENCE = "The Atlantis Maritime Authority cooperates with Harbor Watch on the matter."
TEXT = SENTENCE + "\n\n" + "Nothing else of note was said about the harbour that day. " * 4000


def odd_article() -> Extraction:
    article = Article(article_id(TEXT), TEXT, "odd/untitled.txt", title=None, date=None)
    start, end = 0, len(SENTENCE)
    atlantis = Entity(eid("Jurisdiction", "Atlantis"), "Atlantis", "Jurisdiction", iso=None)
    nowhere = Entity(eid("Jurisdiction", "Nowhere"), "Nowhere", "Jurisdiction", iso="ZZ-99")
    ontario = Entity(eid("Jurisdiction", "Ontario"), "Ontario", "Jurisdiction", iso="CA-ON")
    authority = Entity(eid("Agency", "Atlantis Maritime Authority"), "Atlantis Maritime Authority", "Agency")  # fmt: skip
    watch = Entity(eid("Agency", "[Harbor](javascript:x) *Watch*"), "[Harbor](javascript:x) *Watch*", "Agency")  # fmt: skip
    long = Entity(eid("Organization", LONG_NAME), LONG_NAME, "Organization")
    relations = (
        Relation("COOPERATES_WITH", authority.id, watch.id, SENTENCE, start, end, "odd", "ongoing"),
        Relation("BELONGS_TO", authority.id, atlantis.id, SENTENCE, start, end, "odd"),
        Relation("BASED_IN", long.id, nowhere.id, SENTENCE, start, end, "odd"),
        Relation("BELONGS_TO", watch.id, ontario.id, SENTENCE, start, end, "odd"),
    )
    case = Case(
        case_id(None, watch.id, "investigation", ""), "", "investigation", "open", None, None,
        (authority.id,), (watch.id,), (), SENTENCE, start, end, "odd",
    )  # fmt: skip
    entities = (atlantis, nowhere, ontario, authority, watch, long)
    return Extraction(article, entities, relations, (case,))


@pytest.fixture(scope="module")
def odd_graph(driver: neo4j.Driver, neo4j_server: Settings) -> Settings:
    db = neo4j_server.neo4j_database
    delete_all(driver, db)
    assert ingest(driver, db, SEED, DOJ).new == 2
    Store(driver, database=db).write([odd_article()])
    # A graph written by another tool (or an older casegraph): an ISO code that is not text.
    driver.execute_query(
        "CREATE (:Entity:Jurisdiction {id: 'odd-iso', name: 'Numbered Land', kind: "
        "'Jurisdiction', iso: 42})",
        database_=db,
    )
    return neo4j_server


@pytest.fixture
def app(odd_graph: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for key, value in app_fixture.app_env(odd_graph).items():
        monkeypatch.setenv(key, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield odd_graph
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if path != PAGES[0]:
        at.switch_page(path).run()
    return at


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_every_page_renders_on_odd_data(app: Settings) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()  # the Overview: what has a shape is mapped, the rest listed
    _clean(at)
    (chart,) = at.get("plotly_chart")
    assert "topojsonURL" in chart.proto.config  # plotly asks no CDN for its world
    places = at.dataframe[-1].value
    assert {"Atlantis", "Nowhere", "Numbered Land", "Ontario", "France"} <= set(places["name"])
    for path in PAGES[1:]:
        at.switch_page(path).run()
        _clean(at)


def test_explore_and_cases_open_odd_entities(app: Settings, driver: neo4j.Driver) -> None:
    at = _page(PAGES[1])
    for term in ("Atlantis", "Harbor Watch", "Committee for the Protection", "Numbered Land"):
        at.text_input(key="explore_term").input(term).run()
        _clean(at)
    at = _page(PAGES[3])
    _clean(at)
    titles = list(at.dataframe[0].value["title"])
    stored, _, _ = driver.execute_query(
        "MATCH (c:Case) RETURN coalesce(c.title, '') AS title", database_=app.neo4j_database
    )
    # Every case the pipeline found in the fixture articles, and the untitled odd one.
    assert sorted(titles) == sorted(r["title"] for r in stored) and "" in titles
    at.selectbox[-1].select(titles[-1]).run()
    _clean(at)


def test_the_read_page_opens_an_untitled_undated_huge_article(app: Settings) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.query_params["article"] = article_id(TEXT)
    at.switch_page(PAGES[7]).run()
    _clean(at)


def test_analytics_on_odd_data(app: Settings) -> None:
    at = _page(PAGES[9])
    at.radio(key="analytics_scope").set_value("Whole graph").run()
    _clean(at)
    at.radio(key="analytics_scope").set_value("Around an entity").run()
    at.text_input(key="analytics_entity").input("Atlantis").run()
    _clean(at)
