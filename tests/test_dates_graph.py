"""Dates through the whole pipeline: a folder of four invented articles (tests/fixtures/dates),
each dated from another source, ingested for real; publication dates and their sources,
publisher and author, event dates on the evidence and the facts, first and last dates of cases,
the timeline view and query, and the app's timeline."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.documents import byline, document
from graph.errors import InputError
from graph.queries import get_query, parse_params, run_query
from graph.settings import Settings
from graph.store import Store
from graph.views import cases, fact_timeline
from tests.conftest import delete_all
from tests.pipeline_graph import app_test, ingest

pytestmark = pytest.mark.neo4j

FIXTURES = Path(__file__).parent / "fixtures" / "dates"
ARTICLES = ("raid.html", "followup.md", "wire.txt", "2022-02-14-release.txt")


@pytest.fixture(scope="module")
def dated(
    driver: neo4j.Driver, neo4j_server: Settings, tmp_path_factory: pytest.TempPathFactory
) -> neo4j.Driver:
    folder = tmp_path_factory.mktemp("dated")
    for name in ARTICLES:
        shutil.copy(FIXTURES / name, folder / name)
    delete_all(driver, neo4j_server.neo4j_database)
    assert ingest(driver, neo4j_server.neo4j_database, folder).new == len(ARTICLES)
    return driver


def _rows(driver: neo4j.Driver, db: str, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params, database_=db)
    return [r.data() for r in records]


def _article(driver: neo4j.Driver, db: str, name: str) -> dict[str, Any]:
    (row,) = _rows(
        driver, db, "MATCH (a:Article) WHERE a.path ENDS WITH $n RETURN properties(a) AS a", n=name
    )
    return dict(row["a"])


def test_every_article_is_dated_with_its_source(dated: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    got = {n: _article(dated, db, n) for n in ARTICLES}
    assert {n: (a["date"], a["date_source"]) for n, a in got.items()} == {
        "raid.html": ("2024-09-02", "html metadata"),
        "followup.md": ("2024-11-20", "date header"),
        "wire.txt": ("2021-10-26", "dateline"),
        "2022-02-14-release.txt": ("2022-02-14", "file name"),
    }
    assert (got["raid.html"]["publisher"], got["raid.html"]["author"]) == (
        "Example Ledger",
        "Maren Holt",
    )
    assert got["followup.md"]["author"] == "Maren Holt"
    assert got["wire.txt"].get("author") is None
    shown = byline(document(dated, db, got["raid.html"]["id"]))
    assert shown == "date from html metadata · publisher Example Ledger · author Maren Holt"


def _fact(driver: neo4j.Driver, db: str, rel: str, target: str, source: str = "") -> dict[str, Any]:
    (row,) = _rows(
        driver,
        db,
        f"MATCH (s)-[r:{rel}]->(t {{name: $t}}) WHERE $s = '' OR s.name = $s "
        "RETURN properties(r) AS r, "
        "COLLECT { MATCH (e:Evidence {fact_key: r.key}) "
        "          RETURN [e.event_date, e.reported_date] AS d ORDER BY d } AS evidence",
        t=target,
        s=source,
    )
    return {**row["r"], "evidence": row["evidence"]}


def test_facts_carry_event_and_reported_dates(dated: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    arrest = _fact(dated, db, "ARRESTED", "Lucien Varga")
    # "arrested ... on August 24" in an article of 2024-09-02
    assert arrest["evidence"] == [["2024-08-24", "2024-09-02"]]
    assert (arrest["first_event_date"], arrest["last_event_date"]) == ("2024-08-24", "2024-08-24")
    # "in March 2021": a month; the article is of 2021-10-26
    wire = _fact(dated, db, "ARRESTED", "Tomas Requena")
    assert wire["evidence"] == [["2021-03", "2021-10-26"]]
    # "on Monday" resolved against the Markdown file's Date header (Wednesday 2024-11-20)
    fraud = _fact(dated, db, "CHARGED_WITH", "fraud", "Lucien Varga")
    assert ["2024-11-18", "2024-11-20"] in fraud["evidence"]
    # A sentence without a date: the fact has no event date, its article's date is kept.
    extortion = _fact(dated, db, "CHARGED_WITH", "extortion")
    assert extortion["evidence"] == [[None, "2022-02-14"]]
    assert extortion.get("first_event_date") is None


def test_cases_get_first_and_last_known_dates(dated: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    rows = _rows(
        dated,
        db,
        "MATCH (c:Case)-[:TARGETS]->(:Person {name: 'Lucien Varga'}) "
        "RETURN c.first_date AS first, c.last_date AS last",
    )
    # Reported on 2024-09-02 (the arrest, August 24) and 2024-11-20 (indicted on Monday 18th).
    assert rows == [{"first": "2024-08-24", "last": "2024-11-18"}]
    (undated,) = _rows(
        dated,
        db,
        "MATCH (c:Case)-[:TARGETS]->(:Person {name: 'Oskar Lindqvist'}) "
        "RETURN c.first_date AS first, c.last_date AS last",
    )
    assert undated == {"first": "2022-02-14", "last": "2022-02-14"}  # its article's date


def _person(driver: neo4j.Driver, db: str, name: str) -> str:
    (row,) = _rows(driver, db, "MATCH (p:Person {name: $n}) RETURN p.id AS id", n=name)
    return str(row["id"])


def test_timeline_view_and_window(dated: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    varga = _person(dated, db, "Lucien Varga")
    rows = fact_timeline(dated, db, varga)
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates) and dates[0] == "2024-08-24"
    assert fact_timeline(dated, db, varga, limit=2) == rows[:2]
    # a fact whose sentence gives a date is dated by it; one whose sentence gives none ("...
    # in the investigation, officials said") by the article that reported it
    for r in rows:
        assert r["dated_by"] == ("event" if r["event_date"] else "report"), r
    assert {r["type"] for r in rows if r["dated_by"] == "event"} >= {"ARRESTED", "CHARGED_WITH"}
    autumn = fact_timeline(dated, db, varga, "2024-11-01", "2024-12-31")
    assert autumn and all(r["date"] >= "2024-11" for r in autumn)
    (case,) = _rows(
        dated, db, "MATCH (c:Case)-[:TARGETS]->(:Person {name: 'Lucien Varga'}) RETURN c.id AS id"
    )
    assert [r for r in fact_timeline(dated, db, case["id"]) if r["type"] == "ARRESTED"]

    # The Cases page's window: a case meets it when its known dates [first, last] do, at
    # their precision; Varga's case spans 2024-08-24..2024-11-18, Lindqvist's is 2022-02-14.
    def titles(**window: Any) -> list[str]:
        listing = cases(dated, db, **window)
        assert listing["total"] == len(listing["rows"])
        return [
            r["title"]
            for r in listing["rows"]
            if "Varga" in r["title"] or "Lindqvist" in r["title"]
        ]

    varga_case, lindqvist_case = (
        t for name in ("Varga", "Lindqvist") for t in titles() if name in t
    )
    assert titles(date_from="2024-10-01", include_undated=False) == [varga_case]
    assert titles(date_to="2024-08", include_undated=False) == sorted([varga_case, lindqvist_case])
    assert titles(date_to="2024-08-23", include_undated=False) == [lindqvist_case]
    assert titles(date_from="2024-11-19") == []
    assert titles(date_from="2022-02", date_to="2022-02") == [lindqvist_case]


def test_cases_come_a_page_at_a_time_sorted_and_searched(
    dated: neo4j.Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    every = cases(dated, db)
    total = every["total"]
    titles = [r["title"] for r in every["rows"]]
    assert total >= 2 and titles == sorted(titles)
    pages = [cases(dated, db, skip=i, limit=1) for i in range(total)]
    assert all(p["total"] == total and len(p["rows"]) == 1 for p in pages)
    assert [p["rows"][0]["title"] for p in pages] == titles
    assert cases(dated, db, skip=total)["rows"] == []
    (varga,) = [t for t in titles if "Varga" in t]
    assert [r["title"] for r in cases(dated, db, title="  VARGA ")["rows"]] == [varga]
    latest = [r["last_date"] for r in cases(dated, db, sort="latest")["rows"]]
    assert [d for d in latest if d] == sorted((d for d in latest if d), reverse=True)
    by_sources = [r["sources"] for r in cases(dated, db, sort="sources")["rows"]]
    assert by_sources == sorted(by_sources, reverse=True)
    with pytest.raises(InputError, match="sort must be one of"):
        cases(dated, db, sort="id; DROP")


def test_the_cases_page_pages_and_a_busy_timeline_waits_to_be_asked(
    dated: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app_pages.timeline
    import graph.views

    monkeypatch.setattr(graph.views, "CASES_PAGE", 1)
    at = app_test(settings, monkeypatch, "app_pages/cases.py").run()
    assert not at.exception, [e.value for e in at.exception]
    total = cases(dated, settings.neo4j_database)["total"]
    assert any(c.value == f"Cases 1–1 of {total}" for c in at.caption)
    first = list(at.dataframe[0].value["title"])
    (page,) = [n for n in at.number_input if n.label == f"Page (of {total})"]
    page.set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    second = list(at.dataframe[0].value["title"])
    assert len(first) == len(second) == 1 and first != second
    assert any(c.value == f"Cases 2–2 of {total}" for c in at.caption)
    # A timeline with more facts than ON_DEMAND is drawn only when asked.
    monkeypatch.setattr(app_pages.timeline, "ON_DEMAND", 0)
    at = app_test(settings, monkeypatch, "app_pages/explore.py").run()
    at.text_input(key="explore_term").input("Lucien Varga").run()
    varga = _person(dated, settings.neo4j_database, "Lucien Varga")
    assert not at.get("plotly_chart")
    at.toggle(key=f"timeline-{varga}_on_demand").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("plotly_chart")


def test_timeline_query_gives_event_dates(dated: neo4j.Driver, settings: Settings) -> None:
    q = get_query("timeline")
    params = parse_params(q, {"name": "Lucien Varga"})
    rows = run_query(dated, settings.neo4j_database, q, params, 100, 20.0).rows
    assert [r["date"] for r in rows] == ["2024-09-02", "2024-11-20"]
    assert rows[0]["date_source"] == "html metadata"
    events = {e["fact"]: e["event_date"] for e in rows[0]["events"]}
    assert events["French police ARRESTED Lucien Varga"] == "2024-08-24"
    window = parse_params(q, {"name": "Lucien Varga", "date_from": "2024-11-01"})
    rows = run_query(dated, settings.neo4j_database, q, window, 100, 20.0).rows
    assert [r["date"] for r in rows] == ["2024-11-20"]


def test_facts_query_restricts_to_a_window(dated: neo4j.Driver, settings: Settings) -> None:
    """A fact counts in a window when one of its sentences is dated in it: the event's date
    when the text gives one (the arrest, in August), else the article's."""
    q = get_query("facts")

    def arrests(**window: str) -> list[str]:
        params = parse_params(q, {"target": "Lucien Varga", "type": "ARRESTED", **window})
        return [
            r["source"]
            for r in run_query(dated, settings.neo4j_database, q, params, 100, 20.0).rows
        ]

    assert arrests() == ["French police"]
    assert arrests(date_from="2024-08-01", date_to="2024-08-31") == ["French police"]
    # Reported in September, but the arrest happened in August: not in a September window.
    assert arrests(date_from="2024-09-01", date_to="2024-09-30") == []


def test_app_shows_the_timeline(
    dated: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(settings, monkeypatch, "app_pages/explore.py").run()
    at.text_input(key="explore_term").input("Lucien Varga").run()
    assert not at.exception, [e.value for e in at.exception]
    varga = _person(dated, settings.neo4j_database, "Lucien Varga")
    charts = at.get("plotly_chart")
    assert charts, "the profile draws the timeline"
    undated = at.toggle(key=f"timeline-{varga}_undated")
    assert undated.value is True  # undated facts are shown unless one chooses otherwise
    at.switch_page("app_pages/cases.py").run()
    assert not at.exception, [e.value for e in at.exception]
    captions = "\n".join(str(c.value) for c in at.caption)
    assert at.get("plotly_chart") or "No dated fact" in captions
    assert at.toggle(key="cases_window_undated").value is True


def test_retraction_recomputes_case_dates(dated: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    Store(dated, database=db).retract(_article(dated, db, "followup.md")["id"])
    rows = _rows(
        dated,
        db,
        "MATCH (c:Case)-[:TARGETS]->(:Person {name: 'Lucien Varga'}) "
        "RETURN c.first_date AS first, c.last_date AS last",
    )
    assert rows == [{"first": "2024-08-24", "last": "2024-08-24"}]
