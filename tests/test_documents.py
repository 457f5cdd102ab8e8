"""Reading and searching what `casegraph ingest` stored: article texts with their mentions,
facts and cases (`casegraph show`, the app's Read page) and the full-text search
(`casegraph search`). The graph is built by the real pipeline from tests/fixtures/app."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from typing import Any

import neo4j
import pytest

from graph.documents import document, query_terms, search, snippet_of
from graph.errors import InputError
from graph.settings import Settings
from tests.conftest import delete_all
from tests.pipeline_graph import DOJ, SEED, app_test, ingest, seed_id

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def ingested(driver: neo4j.Driver, neo4j_server: Settings) -> neo4j.Driver:
    """The two fixture articles, ingested by the real pipeline."""
    delete_all(driver, neo4j_server.neo4j_database)
    assert ingest(driver, neo4j_server.neo4j_database, SEED, DOJ).new == 2
    return driver


def test_a_phrase_finds_the_seed_with_the_sentence_marked(
    ingested: neo4j.Driver, settings: Settings
) -> None:
    hits = search(ingested, settings.neo4j_database, '"account information"')
    assert [h.id for h in hits] == [seed_id(ingested, settings.neo4j_database)]
    (start, end), *_ = hits[0].highlights
    assert hits[0].snippet[start:end].lower() == "account information"
    assert any("account information" in ev["sentence"] for ev in hits[0].evidence)


def test_boolean_fuzzy_and_filters(ingested: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    seed = seed_id(ingested, db)
    assert seed in [h.id for h in search(ingested, db, "telegarm~")]  # a typo
    assert seed in [h.id for h in search(ingested, db, "Telegram AND Durov")]
    assert seed not in [h.id for h in search(ingested, db, "Telegram AND NOT Durov")]
    everything = {h.id for h in search(ingested, db, "Interpol OR Telegram")}
    assert len(everything) == 2
    only_telegram = search(ingested, db, "Interpol OR Telegram", entity="Telegram")
    assert [h.id for h in only_telegram] == [seed]
    assert search(ingested, db, "Telegram", date_from="2999-01-01") == []


@pytest.mark.parametrize(
    ("query", "why"),
    [("", "empty search"), ('"unclosed', "Lucene syntax"), ("x" * 501, "at most 500")],
)
def test_bad_searches_are_one_clear_line(
    ingested: neo4j.Driver, settings: Settings, query: str, why: str
) -> None:
    with pytest.raises(InputError, match=why):
        search(ingested, settings.neo4j_database, query)


def test_the_document_has_its_text_mentions_facts_and_cases(
    ingested: neo4j.Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    seed = seed_id(ingested, db)
    doc = document(ingested, db, seed[:8])  # a unique beginning of the id is enough
    assert doc.id == seed and "Telegram" in doc.text
    marked = {(doc.text[m["start"] : m["end"]], m["kind"]) for m in doc.mentions}
    assert ("Telegram", "Platform") in marked
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(doc.mentions))
    refuses = [f for f in doc.facts if f["type"] == "REFUSES_DATA_TO"]
    assert refuses and all(doc.text[f["start"] : f["end"]] == f["sentence"] for f in doc.facts)
    assert {c["jurisdiction"] for c in doc.cases} >= {"KR", "FR"}
    with pytest.raises(InputError, match="no article"):
        document(ingested, db, "ffffffffff")
    with pytest.raises(InputError, match="not an article id"):
        document(ingested, db, "../etc")


def test_search_and_show_on_the_command_line(
    ingested: neo4j.Driver, settings: Settings, neo4j_env: dict[str, str]
) -> None:
    env = {**os.environ, **neo4j_env}
    run = [sys.executable, "-m", "graph.cli"]
    found = subprocess.run(
        [*run, "search", '"account information"', "--json"], env=env, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    (hit,) = json.loads(found.stdout)
    shown = subprocess.run(
        [*run, "show", hit["id"]], env=env, capture_output=True, text=True, timeout=120,
        check=True,
    )  # fmt: skip
    assert "«Telegram | Platform»" in shown.stdout and "REFUSES_DATA_TO" in shown.stdout
    bad = subprocess.run(
        [*run, "search", '"unclosed'], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr


def test_query_terms_and_snippets() -> None:
    assert query_terms('"account information" AND telegarm~ OR title:extradit* NOT x^2') == [
        "account information", "telegarm", "extradit", "x", "2",
    ]  # fmt: skip
    text = "Intro. " * 40 + "Telegram does not share account\ninformation with police."
    snippet, marks = snippet_of(text, ["account information"])
    assert snippet.startswith("…") and [snippet[a:b] for a, b in marks] == ["account information"]


def test_the_read_page_searches_opens_and_highlights_a_fact(
    ingested: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(settings, monkeypatch, "app_pages/read.py").run()
    assert not at.exception
    at.text_input[0].input('"account information"')
    at.button[0].click().run()  # the form's Search button
    assert not at.exception and not at.error
    assert "<mark>account information</mark>" in "".join(m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception
    facts = at.radio[0]
    pick = next(k for k, label in enumerate(facts.options) if "REFUSES_DATA_TO" in label)
    facts.set_value(pick).run()
    assert not at.exception
    frame: Any = at.get("iframe")[0]
    assert 'id="chosen"' in frame.proto.srcdoc and "account information" in frame.proto.srcdoc
