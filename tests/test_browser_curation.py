"""Curation in a real headless Chromium: a person rejects a fact on the Read page of the app and
the fact is gone from the graph. The graph is built by the real pipeline from the seed article
(tests/fixtures/app), so the document view has the article's text and the classifier's facts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import neo4j
import pytest

from graph.ingestion import run_ingest
from graph.settings import Settings
from graph.store import Store
from ingest.sources import CorpusFields
from tests import app_fixture
from tests.conftest import delete_all, free_ports
from tests.extract_support import extractor
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, _settle, _wait_healthy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
]

SEED = app_fixture.FIXTURES / "seed-telegram-korea.txt"
FACT = "Telegram REFUSES_DATA_TO South Korean police"


@pytest.fixture(scope="module")
def seed_app(neo4j_server: Settings, driver: neo4j.Driver) -> Iterator[tuple[str, str]]:
    """The app (as `casegraph app` runs it) over the ingested seed article; (url, article id)."""
    db = neo4j_server.neo4j_database
    delete_all(driver, db)
    with driver.session(database=db) as s:
        s.run("MATCH (c:Curation) DELETE c").consume()
    store = Store(driver, database=db, batch_size=10)
    run_ingest(
        [str(SEED)], store=store, extractor_factory=extractor, fields=CorpusFields(),
        batch_size=10,
    )  # fmt: skip
    records, _, _ = driver.execute_query("MATCH (a:Article) RETURN a.id AS id", database_=db)
    (port,) = free_ports(1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(app_fixture.app_env(neo4j_server))
    cmd = [
        sys.executable, "-m", "graph.app_server", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url, str(records[0]["id"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        delete_all(driver, db)  # corrections included: the next module starts clean


def _refusals(driver: neo4j.Driver, database: str) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (:Platform {name: 'Telegram'})-[:REFUSES_DATA_TO]->(e) RETURN e.name AS n",
        database_=database,
    )
    return sorted(r["n"] for r in records)


def test_a_fact_rejected_in_the_app_is_gone_from_the_graph(
    seed_app: tuple[str, str], driver: neo4j.Driver, neo4j_server: Settings
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    url, article = seed_app
    db = neo4j_server.neo4j_database
    assert "South Korean police" in _refusals(driver, db)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{url}/read?article={article}")
            page.get_by_text("Pick a fact to see its sentence").wait_for()
            _settle(page)
            page.get_by_text(FACT).first.click()
            _settle(page)
            page.get_by_role("button", name="Reject this fact").click()
            _settle(page)
            page.get_by_text(f"{FACT}").first.wait_for()
            page.get_by_text("rejected").first.wait_for()
        finally:
            browser.close()
    assert "South Korean police" not in _refusals(driver, db)
