"""Corrections by people (graph.curation) on a graph built by the real pipeline: a rejected fact
leaves queries, analytics and exports and stays out through retraction and re-ingest; a
confirmed one is marked; every correction is listed, undoable, exportable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from streamlit.testing.v1 import AppTest

from graph import curation
from graph.analytics import load_projection
from graph.documents import document
from graph.errors import InputError
from graph.export import export_graph
from graph.queries import get_query, parse_params, run_query
from graph.settings import Settings
from graph.store import Store
from tests.app_fixture import app_env
from tests.conftest import delete_all
from tests.extract_support import extractor
from tests.pipeline_graph import DOJ, SEED, app_test, ingest, seed_id

pytestmark = pytest.mark.neo4j

FACT = ("REFUSES_DATA_TO", "Telegram", "South Korean police")


@pytest.fixture
def graph(driver: neo4j.Driver, neo4j_server: Settings) -> Iterator[neo4j.Driver]:
    """The two fixture articles, freshly ingested, and no corrections (none left after)."""
    delete_all(driver, neo4j_server.neo4j_database)
    ingest(driver, neo4j_server.neo4j_database, SEED, DOJ)
    yield driver
    delete_all(driver, neo4j_server.neo4j_database)


def _targets(driver: neo4j.Driver, database: str) -> list[str]:
    named = get_query("facts")
    params = parse_params(named, {"source": "Telegram", "type": "REFUSES_DATA_TO"})
    rows = run_query(driver, database, named, params, row_limit=100, timeout=30).rows
    return sorted(r["target"] for r in rows)


def test_a_rejected_fact_leaves_queries_analytics_and_exports(
    graph: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    assert "South Korean police" in _targets(graph, db)
    record = curation.curate_fact(graph, db, "reject", *FACT, note="checked: not stated", who="ana")
    assert (record["who"], record["why"], record["after"]) == (
        "ana",
        "checked: not stated",
        "rejected",
    )
    assert "South Korean police" not in _targets(graph, db)
    projection = load_projection(graph, db)
    refusals = [e for e in projection.edges(data=True) if e[2]["type"] == "REFUSES_DATA_TO"]
    assert refusals  # Telegram still refuses data to the United States
    assert record["fact_key"] not in {e[2]["key"] for e in refusals}
    export_graph(graph, db, "json", tmp_path / "g.json")
    exported = json.loads((tmp_path / "g.json").read_text())
    links = exported["relationships"]
    assert any(e["type"] == "REFUSES_DATA_TO" for e in links)  # the other one is there
    assert not [e for e in links if e["key"] == record["fact_key"]]
    # The sentence is still there, shown as rejected.
    doc = document(graph, db, seed_id(graph, db))
    (shown,) = [f for f in doc.facts if f["key"] == record["fact_key"]]
    assert shown["rejected"]["who"] == "ana"


def test_a_rejection_survives_retraction_and_reingest_and_undo_restores(
    graph: neo4j.Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    record = curation.curate_fact(graph, db, "reject", *FACT)
    Store(graph, db).retract(seed_id(graph, db))
    ingest(graph, db, SEED)
    assert "South Korean police" not in _targets(graph, db)
    curation.undo(graph, db, record["id"])
    assert "South Korean police" in _targets(graph, db)
    (listed,) = curation.list_curations(graph, db)
    assert listed["undone_at"] and listed["id"] == record["id"]
    with pytest.raises(InputError, match="already undone"):
        curation.undo(graph, db, record["id"])


def test_a_confirmed_fact_is_marked_and_exported_so(
    graph: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    record = curation.curate_fact(graph, db, "confirm", *FACT)
    records, _, _ = graph.execute_query(
        "MATCH ()-[r:REFUSES_DATA_TO {key: $key}]->() RETURN r.confirmed AS c",
        key=record["fact_key"], database_=db,
    )  # fmt: skip
    assert [r["c"] for r in records] == [True]
    export_graph(graph, db, "json", tmp_path / "g.json")
    assert '"confirmed": true' in (tmp_path / "g.json").read_text()
    # Rejecting a confirmed fact ends the confirmation; re-ingest keeps both decisions.
    curation.curate_fact(graph, db, "reject", *FACT)
    ingest(graph, db, SEED)
    assert "South Korean police" not in _targets(graph, db)
    active = [r for r in curation.list_curations(graph, db) if not r.get("undone_at")]
    assert [r["action"] for r in active] == ["reject"]


def test_names_that_do_not_fit_are_one_clear_line(graph: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    with pytest.raises(InputError, match="no entity is named"):
        curation.curate_fact(graph, db, "reject", "ARRESTED", "Nobody Atall", "Telegram")
    with pytest.raises(InputError, match="unknown fact type"):
        curation.curate_fact(graph, db, "reject", "LIKES", "Telegram", "Durov")
    with pytest.raises(InputError, match="there is no FOUNDED fact"):
        curation.curate_fact(graph, db, "reject", "FOUNDED", "Telegram", "Pavel Durov")
    with pytest.raises(InputError, match="no correction"):
        curation.undo(graph, db, "feedbeef")


def test_corrections_travel_between_graphs(
    graph: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    office = "National Office of Investigation"
    curation.curate_fact(graph, db, "reject", *FACT, note="shared")
    curation.curate_entity(graph, db, "merge", "South Korean police", office, extractor())
    assert curation.export_curations(graph, db, tmp_path / "c.json") == 2
    delete_all(graph, db)
    ingest(graph, db, SEED)
    assert "South Korean police" in _targets(graph, db)
    assert _entity(graph, db, office) is not None
    assert curation.import_curations(graph, db, tmp_path / "c.json", extractor()) == 2
    assert "South Korean police" not in _targets(graph, db)
    assert _entity(graph, db, office) is None
    assert curation.import_curations(graph, db, tmp_path / "c.json", extractor()) == 0
    for bad, why in (
        ('[{"id": "x"}]', "unknown action"),
        ('[{"id": "x", "action": "merge"}]', "lacks one of"),
    ):
        (tmp_path / "bad.json").write_text('{"casegraph_curations": 1, "curations": ' + bad + "}")
        with pytest.raises(InputError, match=why):
            curation.import_curations(graph, db, tmp_path / "bad.json")


def test_the_curate_command(graph: neo4j.Driver, neo4j_env: dict[str, str]) -> None:
    env = {**os.environ, **neo4j_env}
    run = [sys.executable, "-m", "graph.cli", "curate"]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*run, *args], env=env, capture_output=True, text=True, timeout=120)

    done = cli("reject", "--type", FACT[0], "--source", FACT[1], "--target", FACT[2], "--note", "n")
    assert done.returncode == 0 and "rejected" in done.stdout
    (record,) = json.loads(cli("list", "--json").stdout)
    assert cli("undo", record["id"]).returncode == 0
    bad = cli("reject", "--type", "ARRESTED", "--source", "Nobody Atall", "--target", "Telegram")
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr


def test_the_read_page_rejects_a_fact(
    graph: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = settings.neo4j_database
    at = app_test(settings, monkeypatch, "app_pages/read.py")
    at.query_params["article"] = seed_id(graph, db)
    at.run()
    assert not at.exception
    facts: Any = at.radio[0]
    pick = next(
        k for k, label in enumerate(facts.options)
        if label.startswith("Telegram REFUSES_DATA_TO South Korean police")
    )  # fmt: skip
    facts.set_value(pick).run()
    next(b for b in at.button if b.label == "Reject this fact").click().run()
    assert not at.exception
    assert "South Korean police" not in _targets(graph, db)
    (record,) = curation.list_curations(graph, db)
    assert record["action"] == "reject"


def _evidence_panel(fact_key: str) -> None:
    from app_pages import graphview

    graphview.show_evidence(fact_key)


def test_the_explore_evidence_panel_rejects_and_confirms(
    graph: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = settings.neo4j_database
    ref = curation.find_fact(graph, db, *FACT)
    for key, value in app_env(settings).items():  # the panel reads the app's settings
        monkeypatch.setenv(key, value)
    panel = AppTest.from_function(_evidence_panel, args=(ref.key,), default_timeout=60).run()
    assert not panel.exception
    next(b for b in panel.button if b.label == "Confirm this fact").click().run()
    assert not panel.exception and "Confirmed by a person." in [c.value for c in panel.caption]
    next(b for b in panel.button if b.label == "Reject this fact").click().run()
    assert not panel.exception
    assert "South Korean police" not in _targets(graph, db)
    assert "no longer in the graph" in panel.info[0].value
    actions = [r["action"] for r in curation.list_curations(graph, db) if not r.get("undone_at")]
    assert actions == ["reject"]  # the rejection ended the confirmation


def test_the_review_page_lists_unsure_facts_and_the_log_undoes(
    graph: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = settings.neo4j_database
    at = app_test(settings, monkeypatch, "app_pages/review.py").run()
    assert not at.exception and not at.error
    shown = [m.value for m in at.markdown if "confidence" in m.value]
    assert shown, "the pipeline's graph has facts below 0.5 to check"
    at.text_input(key="review_note").input("wrong")
    at.button(key="review-reject-0").click().run()
    assert not at.exception
    (record,) = curation.list_curations(graph, db)
    assert (record["action"], record["why"]) == ("reject", "wrong")
    at.button(key=f"undo-{record['id']}").click().run()
    assert not at.exception
    assert curation.list_curations(graph, db)[0]["undone_at"]


def test_a_fact_added_by_hand_is_a_fact_no_retraction_removes(
    graph: neo4j.Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    args = ("COOPERATES_WITH", "South Korean police", "United States Coast Guard")
    with pytest.raises(InputError, match="needs --note"):
        curation.add_fact(graph, db, *args, note="", cite="")
    with pytest.raises(InputError, match="does not go from"):
        curation.add_fact(graph, db, "ARRESTED", "Telegram", "Pavel Durov", "n", "c")
    record = curation.add_fact(graph, db, *args, note="They met in May.", cite="https://x.test/r")
    named = get_query("facts")
    params = parse_params(named, {"source": args[1], "target": args[2]})

    def evidence() -> list[Any]:
        rows = run_query(graph, db, named, params, row_limit=10, timeout=30).rows
        return [e for r in rows for e in r["evidence"]]

    (ev,) = evidence()
    assert (ev["sentence"], ev["url"], ev["article_id"]) == (
        "They met in May.", "https://x.test/r", None,
    )  # fmt: skip
    Store(graph, db).retract(seed_id(graph, db))  # the article that named the police
    assert not evidence()  # its entity went with it: the fact waits, with its record
    ingest(graph, db, SEED)  # the entity is back, and so is the fact
    assert len(evidence()) == 1
    curation.undo(graph, db, record["id"])
    assert not evidence()


def test_a_jurisdiction_set_by_hand_replaces_the_extracted_ones_and_holds(
    graph: neo4j.Driver, settings: Settings, neo4j_env: dict[str, str]
) -> None:
    db = settings.neo4j_database
    named = get_query("facts")

    def places(name: str) -> list[str]:
        params = parse_params(named, {"source": name, "type": "BELONGS_TO"})
        return sorted(r["target"] for r in run_query(graph, db, named, params, 100, 30).rows)

    before = places("South Korean police")
    assert before and "France" not in before
    with pytest.raises(InputError, match="not a jurisdiction"):
        curation.set_jurisdiction(graph, db, "South Korean police", "Telegram")
    with pytest.raises(InputError, match="only an agency"):
        curation.set_jurisdiction(graph, db, "France", "South Korea")
    record = curation.set_jurisdiction(graph, db, "South Korean police", "France", note="why")
    assert record["before"] == ", ".join(before) and record["after"] == "France"
    assert places("South Korean police") == ["France"]
    # Re-extraction states the old place again: it stays out, the one set by hand stays in.
    Store(graph, db).retract(seed_id(graph, db))
    ingest(graph, db, SEED)
    assert places("South Korean police") == ["France"]
    # A second correction replaces the first; undoing it brings back what extraction found.
    env = {**os.environ, **neo4j_env}
    cli = [sys.executable, "-m", "graph.cli", "curate", "jurisdiction"]
    done = subprocess.run(
        [*cli, "South Korean police", "KR"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "BELONGS_TO South Korea (was: France" in done.stdout
    assert places("South Korean police") == ["South Korea"]
    second = next(r for r in curation.list_curations(graph, db) if r["id"] != record["id"])
    assert curation.list_curations(graph, db)[-1]["undone_by"] == "replaced"
    curation.undo(graph, db, second["id"])
    assert places("South Korean police") == before
    bad = subprocess.run(
        [*cli, "Nobody Atall", "KR"], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1


def _entity(driver: neo4j.Driver, database: str, name: str) -> dict[str, Any] | None:
    records, _, _ = driver.execute_query(
        "MATCH (e:Entity {name: $name}) RETURN e.id AS id, e.kind AS kind, e.aliases AS aliases, "
        "COUNT { (:Article)-[:MENTIONS]->(e) } AS articles",
        name=name, database_=database,
    )  # fmt: skip
    return records[0].data() if records else None


def test_a_merge_holds_for_stored_and_new_articles_and_undo_splits_them(
    graph: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    other = "National Office of Investigation"
    assert _entity(graph, db, other) is not None
    rejected = curation.curate_fact(graph, db, "reject", "LEADS", "Woo Jong-soo", other)
    record = curation.curate_entity(
        graph, db, "merge", "South Korean police", other, extractor(), note="one body"
    )
    assert record["what"] == f"merge {other} into South Korean police"
    assert _entity(graph, db, other) is None
    kept = _entity(graph, db, "South Korean police")
    assert kept is not None and other in kept["aliases"]
    # Stored again, and a new article naming the merged entity: both land on the kept one.
    Store(graph, db).retract(seed_id(graph, db))
    ingest(graph, db, SEED)
    (tmp_path / "new.txt").write_text(
        f"The {other} said on Friday that it had questioned two suspects in Seoul.",
        encoding="utf-8",
    )
    ingest(graph, db, tmp_path / "new.txt")
    assert _entity(graph, db, other) is None
    kept = _entity(graph, db, "South Korean police")
    assert kept is not None and kept["articles"] == 2

    def leads(target: str) -> list[Any]:
        records, _, _ = graph.execute_query(
            "MATCH (:Person {name: 'Woo Jong-soo'})-[r:LEADS]->(e:Entity {name: $t}) RETURN r",
            t=target, database_=db,
        )  # fmt: skip
        return records

    assert not leads("South Korean police")  # the rejection followed the merge
    curation.undo(graph, db, record["id"], extractor=extractor())
    restored = _entity(graph, db, other)
    assert restored is not None and restored["articles"] == 2
    assert not leads(other)  # and came back with the undo
    curation.undo(graph, db, rejected["id"])
    assert leads(other)


def test_a_kind_change_and_a_rename_apply_and_undo(graph: neo4j.Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    kind = curation.curate_entity(graph, db, "kind", "Telegram", "organization", extractor())
    changed = _entity(graph, db, "Telegram")
    assert changed is not None and changed["kind"] == "Organization"
    rename = curation.curate_entity(
        graph, db, "rename", "Pavel Durov", "Pavel V. Durov", extractor()
    )
    renamed = _entity(graph, db, "Pavel V. Durov")
    assert renamed is not None and "Pavel Durov" in renamed["aliases"]
    assert _entity(graph, db, "Pavel Durov") is None
    for record in (rename, kind):
        curation.undo(graph, db, record["id"], extractor=extractor())
    back = _entity(graph, db, "Telegram")
    assert back is not None and back["kind"] == "Platform"
    assert _entity(graph, db, "Pavel Durov") is not None
    with pytest.raises(InputError, match="unknown kind"):
        curation.curate_entity(graph, db, "kind", "Telegram", "Gang", extractor())
    with pytest.raises(InputError, match="one entity already"):
        curation.curate_entity(graph, db, "merge", "Telegram", "telegram", extractor())


def test_an_alias_split_off_takes_the_facts_of_its_sentences(
    graph: neo4j.Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    with pytest.raises(InputError, match="is not an alias of"):
        curation.curate_entity(graph, db, "split", "South Korean police", "Interpol", extractor())
    record = curation.curate_entity(
        graph, db, "split", "South Korean police", "south korean authorities", extractor()
    )
    split = _entity(graph, db, "South Korean authorities")
    kept = _entity(graph, db, "South Korean police")
    assert split is not None and kept is not None
    assert "South Korean authorities" not in kept["aliases"]
    records, _, _ = graph.execute_query(
        "MATCH (:Agency {name: 'South Korean authorities'})-[r:COOPERATES_WITH]-"
        "(:Agency {name: 'French law enforcement'}) RETURN count(r) AS n",
        database_=db,
    )
    assert records[0]["n"] == 1  # the cooperation sentence names the authorities only
    curation.undo(graph, db, record["id"], extractor=extractor())
    assert _entity(graph, db, "South Korean authorities") is None
