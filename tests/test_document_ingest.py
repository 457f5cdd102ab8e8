"""`casegraph ingest` of a folder of PDF, Word, OpenDocument and e-mail files, as a user runs
it: facts from a PDF cite their page, each unreadable file is one line on stderr, files of other
types are counted and named in the summary. Files from tests/document_fixtures.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.settings import Settings
from tests import document_fixtures as fx
from tests.conftest import cli_env, delete_all
from tests.test_reliability import run_cli

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

PROBLEMS = {
    "scan.pdf": "no text layer: OCR it first, e.g. with ocrmypdf",
    "locked.pdf": "encrypted PDF (a password is needed)",
    "broken.pdf": "not a readable PDF",
}


@pytest.fixture(scope="module")
def env(neo4j_server: Settings) -> dict[str, str]:
    return cli_env(neo4j_server)


@pytest.fixture(scope="module")
def ingested(
    tmp_path_factory: pytest.TempPathFactory,
    driver: neo4j.Driver,
    neo4j_server: Settings,
    env: dict[str, str],
) -> tuple[Path, subprocess.CompletedProcess]:
    """The folder, ingested once into an empty database with --json."""
    folder = tmp_path_factory.mktemp("document-ingest")
    fx.write_folder(folder)
    delete_all(driver, neo4j_server.neo4j_database)
    return folder, run_cli("ingest", str(folder), "--json", env=env)


def _evidence(driver: neo4j.Driver, path: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (a:Article {path: $path}) MATCH (ev:Evidence {article_id: a.id}) "
        "RETURN ev.type AS type, ev.sentence AS sentence, ev.page AS page",
        path=path,
    )
    return [r.data() for r in records]


def test_each_unreadable_file_is_one_line_and_the_rest_goes_on(
    ingested: tuple[Path, subprocess.CompletedProcess],
) -> None:
    folder, proc = ingested
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2, proc.stderr  # some inputs failed, others were ingested
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == len(PROBLEMS), lines
    for name, message in PROBLEMS.items():
        assert any(f"casegraph: skipped {folder / name}: {message}" in line for line in lines)
    summary = json.loads(proc.stdout)
    # release.pdf, memo.docx, notes.odt, tip.eml and the PDF attached to it
    assert summary["articles"] == {"new": 5, "updated": 0, "skipped": 0, "failed": 3}
    assert sorted(Path(p).name for p in summary["unsupported"]) == ["photo.png", "table.xlsx"]


def test_facts_of_a_pdf_cite_their_page(
    ingested: tuple[Path, subprocess.CompletedProcess], driver: neo4j.Driver
) -> None:
    folder, _ = ingested
    evidence = _evidence(driver, str(folder / "release.pdf"))
    pages = {(e["type"], e["page"]) for e in evidence}
    assert ("ARRESTED", 1) in pages and ("CHARGED_WITH", 2) in pages
    for e in evidence:
        where = 1 if any(e["sentence"].strip() in line for line in fx.PAGE_ONE) else 2
        assert e["page"] == where, e
    # the attached PDF is its own one-page document; a Word file has no pages
    attached = _evidence(driver, f"{folder / 'tip.eml'}#attached.pdf")
    assert attached and {e["page"] for e in attached} == {1}
    word = _evidence(driver, str(folder / "memo.docx"))
    assert word and {e["page"] for e in word} == {None}


def test_the_documents_own_metadata_is_kept(
    ingested: tuple[Path, subprocess.CompletedProcess], driver: neo4j.Driver
) -> None:
    folder, _ = ingested
    records, _, _ = driver.execute_query(
        "MATCH (a:Article {path: $path}) RETURN a.title AS title, a.author AS author, "
        "a.date AS date, a.date_source AS date_source, a.pages AS pages",
        path=str(folder / "release.pdf"),
    )
    (a,) = [r.data() for r in records]
    assert (a["title"], a["author"]) == (fx.RELEASE_TITLE, fx.RELEASE_AUTHOR)
    assert (a["date"], a["date_source"], len(a["pages"])) == ("2024-03-04", "pdf metadata", 2)


def test_show_and_the_summary_line_say_page_and_skipped_files(
    ingested: tuple[Path, subprocess.CompletedProcess],
    driver: neo4j.Driver,
    env: dict[str, str],
) -> None:
    folder, _ = ingested
    records, _, _ = driver.execute_query(
        "MATCH (a:Article {path: $path}) RETURN a.id AS id", path=str(folder / "release.pdf")
    )
    shown = run_cli("show", records[0]["id"], env=env)
    assert shown.returncode == 0, shown.stderr
    charge = next(line for line in shown.stdout.splitlines() if "charged Jonas Brandt" in line)
    assert charge.rstrip().endswith("(page 2)")
    again = run_cli("ingest", str(folder), env=env)  # nothing new: spaCy is not even loaded
    assert again.returncode == 2
    assert "articles: 0 new, 0 updated, 5 unchanged, 3 failed" in again.stdout
    assert "skipped, unsupported type: 2 (photo.png, table.xlsx)" in again.stdout


def test_a_scan_alone_is_one_line_and_exit_status_1(
    tmp_path: Path, env: dict[str, str], ingested: object
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(fx.pdf_bytes(image_pages=1))
    proc = run_cli("ingest", str(scan), env=env)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"casegraph: skipped {scan}: no text layer: OCR it first, e.g. with ocrmypdf"
    )


def test_the_read_page_shows_the_page_of_a_facts_sentence(
    ingested: tuple[Path, subprocess.CompletedProcess],
    driver: neo4j.Driver,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.pipeline_graph import app_test

    folder, _ = ingested
    records, _, _ = driver.execute_query(
        "MATCH (a:Article {path: $path}) RETURN a.id AS id", path=str(folder / "release.pdf")
    )
    at = app_test(settings, monkeypatch, "app_pages/read.py")
    at.session_state["read_article"] = records[0]["id"]
    at.run()
    assert not at.exception
    facts = at.radio[0]
    pick = next(k for k, label in enumerate(facts.options) if "CHARGED_WITH" in label)
    facts.set_value(pick).run()
    assert not at.exception
    assert "page 2" in [c.value for c in at.caption]
