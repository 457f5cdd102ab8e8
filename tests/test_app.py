"""The Streamlit app, page by page, with AppTest against the real test Neo4j.

The graph is what casegraph's own pipeline makes of two real articles (tests/fixtures/app,
tests/pipeline_graph.py); the test of the date filter uses their gold annotations with the
DOJ release's date (tests/app_fixture.py), a hand-made shape. The app reads its server from
NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD, like a user's deployment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph.settings import Settings
from ingest.records import entity_id
from tests import app_fixture
from tests.conftest import delete_all, free_ports
from tests.pipeline_graph import DOJ, SEED, ingest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/explore.py",
    "app_pages/paths.py",
    "app_pages/cases.py",
    "app_pages/query.py",
    "app_pages/ingest.py",
    "app_pages/export.py",
    "app_pages/read.py",
    "app_pages/review.py",
]
SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"
SENTENCE_KR_FR = "seeking to collaborate closely with French law enforcement"


def _count_articles(driver: neo4j.Driver, database: str) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (a:Article) RETURN count(a) AS n", database_=database
    )
    return int(records[0]["n"])


_LOADED: dict[str, str | None] = {"graph": None}  # which graph the server holds now


@pytest.fixture(scope="module", autouse=True)
def _fresh_module() -> None:
    _LOADED["graph"] = None  # other modules changed the server's content since


def _load(driver: neo4j.Driver, settings: Settings, which: str) -> None:
    """The fixture articles as the pipeline ingests them ("pipeline") or as their gold
    annotations ("gold"), unless the server holds that graph already."""
    db = settings.neo4j_database
    if _LOADED["graph"] == which and _count_articles(driver, db) == len(app_fixture.ARTICLES):
        return
    delete_all(driver, db)
    if which == "pipeline":
        assert ingest(driver, db, SEED, DOJ).new == 2
    else:
        app_fixture.load(driver, settings)
    _LOADED["graph"] = which


def _point_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for key, value in app_fixture.app_env(settings).items():
        monkeypatch.setenv(key, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield settings
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_env(
    driver: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The pipeline's graph in the test server, the app pointed at it, no stale app caches."""
    _load(driver, settings, "pipeline")
    yield from _point_app(settings, monkeypatch)


@pytest.fixture
def gold_env(
    driver: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The gold annotations' graph (a dated article beside an undated one), the app on it."""
    _load(driver, settings, "gold")
    yield from _point_app(settings, monkeypatch)


def page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if path != PAGES[0]:
        at.switch_page(path).run()
    return at


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, captions, alerts, metrics labels)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def graph_components(at: AppTest) -> list[object]:
    return [el for el in at.get("component_instance")]


pytestmark = pytest.mark.neo4j


def test_overview_shows_counts_articles_and_map(app_env: Settings) -> None:
    at = page(PAGES[0])
    assert_clean(at)
    shown = texts(at)
    assert "Articles=2" in shown
    assert "Cases=3" in shown  # what the pipeline finds in the two articles
    assert len(at.get("plotly_chart")) == 1
    tables = [df.value for df in at.dataframe]
    titles = set(tables[0]["title"])
    assert any("Telegram" in t for t in titles)
    assert "Telegram" in set(tables[1]["name"])  # most connected entities


def test_overview_says_what_to_do_when_nothing_is_ingested(
    app_env: Settings, driver: neo4j.Driver
) -> None:
    delete_all(driver, app_env.neo4j_database)
    at = page(PAGES[0])
    assert not at.exception
    assert "Nothing ingested yet" in at.info[0].value
    assert "casegraph ingest" in at.info[0].value


def _explore(term: str) -> AppTest:
    at = page(PAGES[1])
    at.text_input(key="explore_term").input(term).run()
    return at


def test_explore_finds_telegram_and_both_cases_around_it(app_env: Settings) -> None:
    at = _explore("telegrm")  # a typo still finds it
    assert_clean(at)
    pick = at.selectbox(key="explore_pick")
    assert pick.value is not None and "Telegram" in str(pick.format_func(pick.value))
    assert graph_components(at), "the graph component is drawn"
    edges = at.selectbox(key="explore_edge").options
    assert any("South Korea investigation of Telegram" in e for e in edges)
    assert "### Telegram" in texts(at)  # the profile of the searched entity
    # Explore opens at depth 1; France's case is about Telegram's founder, one hop further.
    assert not any("France prosecution of Pavel Durov" in e for e in edges)
    at.slider(key="explore_depth").set_value(2).run()
    assert_clean(at)
    edges = at.selectbox(key="explore_edge").options
    assert any("France prosecution of Pavel Durov" in e for e in edges)


def test_explore_finds_an_entity_by_alias(app_env: Settings) -> None:
    at = _explore("Durov")
    pick = at.selectbox(key="explore_pick")
    assert "Pavel Durov" in str(pick.format_func(pick.value))


def test_explore_edge_shows_its_evidence_sentence(app_env: Settings, driver: neo4j.Driver) -> None:
    at = _explore("Telegram")
    records, _, _ = driver.execute_query(
        "MATCH (:Agency)-[r:INVESTIGATES]->(:Platform {name: 'Telegram'}) RETURN r.key AS key",
        database_=app_env.neo4j_database,
    )
    at.selectbox(key="explore_edge").set_value(records[0]["key"]).run()
    assert_clean(at)
    assert "Investigate Telegram for Deepfake" in texts(at)  # the headline states it


def test_explore_filters_depth_and_kind(app_env: Settings) -> None:
    at = _explore("Telegram")
    at.slider(key="explore_depth").set_value(1).run()
    edges = at.selectbox(key="explore_edge").options
    assert not any("France prosecution of Pavel Durov" in e for e in edges)
    assert any("South Korea investigation of Telegram" in e for e in edges)


def test_explore_date_range_keeps_undated_facts_only_when_asked(gold_env: Settings) -> None:
    at = _explore("United States")
    assert any("REFUSES_DATA_TO" in e for e in at.selectbox(key="explore_edge").options)
    at.toggle(key="explore_dated").set_value(True).run()
    assert_clean(at)
    # The seed article has no date, the DOJ release is from 2014-06-12: its facts are kept
    # while "Include undated" is on (the default), and only then.
    assert any("REFUSES_DATA_TO" in e for e in at.selectbox(key="explore_edge").options)
    at.toggle(key="explore_undated").set_value(False).run()
    assert_clean(at)
    edges = at.selectbox(key="explore_edge").options
    assert not any("REFUSES_DATA_TO" in e for e in edges)
    assert any("BELONGS_TO" in e for e in edges)


def test_paths_draws_cooperation_path_with_evidence(app_env: Settings) -> None:
    at = page(PAGES[2])
    assert_clean(at)
    at.text_input(key="paths_from_term").input("National Office of Investigation").run()
    at.text_input(key="paths_to_term").input("French law enforcement").run()
    assert at.selectbox(key="paths_from").value == entity_id(
        "Agency", "National Office of Investigation"
    )
    assert at.selectbox(key="paths_to").value == entity_id("Agency", "French law enforcement")
    assert_clean(at)
    assert graph_components(at)
    labels = [e.label for e in at.expander]
    assert any("COOPERATES_WITH" in label for label in labels)
    assert SENTENCE_KR_FR in texts(at)


def test_cases_filters_and_case_view_with_linked_case(app_env: Settings) -> None:
    at = page(PAGES[3])
    assert_clean(at)
    assert len(at.dataframe[0].value) == 3
    at.selectbox(key="cases_platform").select("Telegram").run()
    titles = list(at.dataframe[0].value["title"])
    assert len(titles) == 2 and any("Durov" in t for t in titles)
    opener = at.selectbox[-1]
    opener.select(next(t for t in titles if "South Korea" in t)).run()
    shown = texts(at)
    assert "France prosecution of Pavel Durov" in shown  # linked through Telegram's founder
    assert "Pavel Durov FOUNDED Telegram" in shown
    assert "South Korean police" in shown  # who leads it
    at.selectbox(key="cases_jurisdiction").select("France").run()
    assert list(at.dataframe[0].value["title"]) == ["France prosecution of Pavel Durov"]


def test_query_runs_a_named_query_from_its_form(app_env: Settings) -> None:
    at = page(PAGES[4])
    assert_clean(at)
    at.selectbox(key="query_name").select("linked_cases").run()
    at.text_input(key="q_linked_cases_name").input("Telegram")
    at.button[0].click().run()
    assert_clean(at)
    result = at.dataframe[0].value
    assert len(result) >= 2
    assert any(b.label == "Download CSV" for b in at.get("download_button"))


def test_query_console_draws_nodes_and_refuses_writes(
    app_env: Settings, driver: neo4j.Driver
) -> None:
    at = page(PAGES[4])
    at.text_area(key="cypher_text").input("MATCH (p:Platform)<-[r]-(x) RETURN p, r, x")
    at.button[1].click().run()
    assert_clean(at)
    assert len(at.dataframe[0].value) >= 1
    assert graph_components(at)
    at.text_area(key="cypher_text").input("CREATE (n:Person {name: 'x'}) RETURN n")
    at.button[1].click().run()
    assert not at.exception
    assert at.error
    message = at.error[0].value.lower()
    assert "refused" in message or "read-only" in message
    records, _, _ = driver.execute_query(
        "MATCH (p:Person {name: 'x'}) RETURN count(p) AS n", database_=app_env.neo4j_database
    )
    assert records[0]["n"] == 0


def test_ingest_writes_then_skips_and_reports_per_file_errors(
    app_env: Settings, driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEGRAPH_INGEST_ROOT", str(SOURCES))
    at = page(PAGES[5])
    assert_clean(at)
    at.text_input(key="ingest_path").input(str(SOURCES / "release.md"))  # not in the graph yet
    at.button(key="ingest_run").click().run()
    assert_clean(at)
    assert "New articles=1" in texts(at)
    assert _count_articles(driver, app_env.neo4j_database) == 3
    at.button(key="ingest_run").click().run()
    assert "Unchanged=1" in texts(at)
    at.text_input(key="ingest_path").input("no-such-folder")  # under the root, missing
    at.button(key="ingest_run").click().run()
    assert "Failed=1" in texts(at)
    assert "no such file" in str(at.dataframe[0].value["message"][0])
    for outside in ("/etc", "../../..", str(SOURCES) + "/../.."):
        at.text_input(key="ingest_path").input(outside)
        at.button(key="ingest_run").click().run()
        assert not at.exception
        assert "only files under the ingest root" in at.error[0].value


def test_ingest_reads_no_server_path_without_an_ingest_root(app_env: Settings) -> None:
    at = page(PAGES[5])
    assert_clean(at)
    assert not [w for w in at.text_input if w.key == "ingest_path"]
    assert "CASEGRAPH_INGEST_ROOT" in texts(at)


def test_ingest_without_input_says_what_to_do(app_env: Settings) -> None:
    at = page(PAGES[5])
    at.button(key="ingest_run").click().run()
    assert not at.exception
    assert "upload files or give a folder path" in at.error[0].value


def test_export_offers_the_whole_graph_as_json(app_env: Settings) -> None:
    at = page(PAGES[6])
    assert_clean(at)
    at.radio(key="export_format").set_value("JSON (nodes and links)").run()
    at.button(key="export_prepare").click().run()
    assert_clean(at)
    assert any("casegraph.json" in b.label for b in at.get("download_button"))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_how_to_start_the_database_when_it_is_down(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (port,) = free_ports(1)
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("NEO4J_PASSWORD", "unused")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if path != PAGES[0]:
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, f"{path} shows no error"
    message = at.error[0].value
    assert "casegraph db start" in message or "NEO4J_URI" in message
