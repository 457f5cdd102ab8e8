"""Curation in a real headless Chromium: a person rejects a fact on the Read page of the app and
the fact is gone from the graph. The graph is built by the real pipeline from the seed article
(tests/fixtures/app), so the document view has the article's text and the classifier's facts."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.settings import Settings
from graph.users import add_user
from tests.conftest import delete_all
from tests.pipeline_graph import SEED, ingest, running_app
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _wait_healthy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
]

FACT = "Telegram REFUSES_DATA_TO South Korean police"
OTHER_FACT = "Woo Jong-soo LEADS National Office of Investigation"


@pytest.fixture(scope="module")
def seed_app(neo4j_server: Settings, driver: neo4j.Driver) -> Iterator[tuple[str, str]]:
    """The app (as `casegraph app` runs it) over the ingested seed article; (url, article id)."""
    db = neo4j_server.neo4j_database
    delete_all(driver, db)
    with driver.session(database=db) as s:
        s.run("MATCH (c:Curation) DELETE c").consume()
    ingest(driver, db, SEED)
    records, _, _ = driver.execute_query("MATCH (a:Article) RETURN a.id AS id", database_=db)
    try:
        with running_app(neo4j_server, _wait_healthy) as url:
            yield url, str(records[0]["id"])
    finally:
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
        # Explicit waits for what the page must show (not network idleness, which a loaded
        # machine can keep from coming); generous, because CI shares two cores.
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{url}/read?article={article}")
            page.get_by_text(FACT).first.wait_for()
            page.get_by_text(FACT).first.click()
            reject = page.get_by_role("button", name="Reject this fact")
            reject.wait_for()
            reject.click()
            deadline = time.monotonic() + 90
            while "South Korean police" in _refusals(driver, db) and time.monotonic() < deadline:
                time.sleep(0.5)
            page.get_by_text("rejected").first.wait_for()
        finally:
            browser.close()
    assert "South Korean police" not in _refusals(driver, db)


@pytest.fixture(scope="module")
def team_app(
    seed_app: tuple[str, str], neo4j_server: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    """The same graph served with sign-in: a reader and an editor; (url, article, audit log)."""
    folder = tmp_path_factory.mktemp("team")
    users = folder / "users.json"
    add_user(users, "rita", "reader", "reader-pass-1")
    add_user(users, "eddie", "editor", "editor-pass-1")
    log = folder / "audit.log"
    env = {"CASEGRAPH_APP_USERS": str(users), "CASEGRAPH_APP_AUDIT_LOG": str(log)}
    with running_app(neo4j_server, _wait_healthy, env) as url:
        yield url, seed_app[1], log


def _confirmed_by(driver: neo4j.Driver, settings: Settings) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (c:Curation {action: 'confirm'}) RETURN c.who AS who",
        database_=settings.neo4j_database,
    )
    return [r["who"] for r in records]


def _sign_in(page: Any, name: str, password: str) -> None:
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_gives_each_role_its_pages_and_logs_writes(
    team_app: tuple[str, str, Path], driver: neo4j.Driver, neo4j_server: Settings
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    url, article, log = team_app
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{url}/read?article={article}")
            _sign_in(page, "rita", "not-her-password")
            page.get_by_text("wrong name or password").wait_for()
            assert page.get_by_text(FACT).count() == 0  # nothing shown before signing in
            _sign_in(page, "rita", "reader-pass-1")
            page.get_by_text(FACT).first.wait_for()
            page.get_by_text(FACT).first.click()
            page.get_by_text("Corrections need the editor role").wait_for()
            assert page.get_by_role("button", name="Reject this fact").count() == 0
            nav = page.get_by_test_id("stSidebarNav")
            assert nav.get_by_text("Review").count() == 0 and nav.get_by_text("Ingest").count() == 0
            page.get_by_role("button", name="Sign out").click()
            _sign_in(page, "eddie", "editor-pass-1")
            page.get_by_test_id("stSidebarNav").get_by_text("Review").wait_for()
            page.get_by_text(OTHER_FACT).first.click()  # FACT may be rejected by the test above
            page.get_by_role("button", name="Confirm this fact").click()
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not (
                _confirmed_by(driver, neo4j_server) and "confirm" in log.read_text()
            ):
                time.sleep(0.5)  # the app writes the correction, then its line in the log
        finally:
            browser.close()
    assert _confirmed_by(driver, neo4j_server) == ["eddie"]
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert [(x["who"], x["action"]) for x in lines] == [
        ("rita", "sign in"), ("rita", "sign out"), ("eddie", "sign in"), ("eddie", "confirm"),
    ]  # fmt: skip
