"""Issue 14's "done when", the first part end to end on the command line: one folder holding a
PDF, a .docx, an HTML page, a Markdown file with a Date header and a .txt with a dateline, given
to `casegraph ingest` as a user would; all five articles are dated, each with where its date
came from, and the facts found in the PDF cite their page. (The other parts have their own
tests: tests/test_syndication.py, tests/test_versions.py, tests/test_dates_graph.py.)

The PDF and the .docx are built by tests/document_fixtures.py; the three texts are the invented
articles of tests/fixtures/dates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.settings import Settings
from tests import document_fixtures as fx
from tests.conftest import cli_env, delete_all
from tests.test_reliability import run_cli

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

DATED_TEXTS = Path(__file__).parent / "fixtures" / "dates"


def _articles(driver: neo4j.Driver, db: str) -> dict[str, dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (a:Article) RETURN a.path AS path, a.date AS date, a.date_source AS source",
        database_=db,
    )
    return {Path(r["path"]).name: r.data() for r in records}


def test_five_formats_are_dated_and_the_pdf_cites_its_pages(
    tmp_path: Path, driver: neo4j.Driver, neo4j_server: Settings
) -> None:
    db = neo4j_server.neo4j_database
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "release.pdf").write_bytes(fx.release_pdf())
    (folder / "memo.docx").write_bytes(fx.docx_bytes())
    for name in ("raid.html", "followup.md", "wire.txt"):
        shutil.copy(DATED_TEXTS / name, folder / name)
    delete_all(driver, db)

    done = run_cli("ingest", str(folder), "--json", env=cli_env(neo4j_server))

    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["articles"]["new"] == 5, summary
    articles = _articles(driver, db)
    assert set(articles) == {"release.pdf", "memo.docx", "raid.html", "followup.md", "wire.txt"}
    undated = {name: a for name, a in articles.items() if not (a["date"] and a["source"])}
    assert not undated, f"articles without a date or without its source: {undated}"
    # Each date from the place the format keeps it.
    assert articles["raid.html"]["source"] == "html metadata"
    assert articles["followup.md"]["source"] == "date header"
    assert articles["wire.txt"]["source"] == "dateline"
    assert articles["release.pdf"]["date"] == "2024-03-04"  # fx.RELEASE_CREATED
    assert articles["memo.docx"]["date"] == "2024-05-03"

    records, _, _ = driver.execute_query(
        "MATCH (a:Article) WHERE a.path ENDS WITH 'release.pdf' "
        "MATCH (ev:Evidence {article_id: a.id}) RETURN ev.page AS page, ev.sentence AS sentence",
        database_=db,
    )
    assert records, "no fact was found in the PDF"
    # A fact on each page, and each sentence on the page its evidence names.
    assert {r["page"] for r in records} == {1, 2}, [r.data() for r in records]
    for r in records:
        assert r["sentence"].strip() in " ".join(fx.PAGE_ONE if r["page"] == 1 else fx.PAGE_TWO), (
            r.data()
        )
