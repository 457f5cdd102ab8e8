"""Named queries: header parsing and parameter validation (pure), and every query on a real graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.errors import QueryError
from graph.queries import (
    QueryResult,
    bind_params,
    get_query,
    list_queries,
    parse_params,
    parse_query_text,
    run_query,
    split_assignments,
)
from graph.settings import Settings
from tests.seed_graph import SECOND_ARTICLE, SEED_ARTICLE

EXPECTED = {
    "entity_profile",
    "neighbors",
    "shortest_path",
    "cooperation_paths",
    "linked_cases",
    "cases_by_jurisdiction",
    "platforms_under_investigation",
    "facts",
    "timeline",
    "co_mentions",
    "top_entities",
}

HEADER = """// name: demo
// What it answers,
// on two lines.
// param: name string required — an entity
// param: depth int default=2 range=1..3 — hops
// param: kinds list[string] optional choices=@node_kinds — kinds
// param: flag bool default=false — a switch
// param: score float optional — a threshold
// returns: a, b
MATCH (n)-[*1..{{depth}}]-(m) RETURN n AS a, m AS b
"""


# ---- pure: loading and parameters -----------------------------------------------------------


def test_every_named_query_is_declared_with_columns_and_help() -> None:
    queries = list_queries()
    assert {q.name for q in queries} >= EXPECTED
    for q in queries:
        assert q.description and q.columns, q.name
        assert all(p.help for p in q.params), q.name
        assert q.cypher.lstrip()[:2] != "//", q.name


def test_header_is_parsed_into_params_and_columns() -> None:
    q = parse_query_text(HEADER, "demo")
    assert q.description == "What it answers, on two lines."
    assert q.columns == ("a", "b")
    assert [p.name for p in q.params] == ["name", "depth", "kinds", "flag", "score"]
    depth = q.param("depth")
    assert depth is not None and (depth.default, depth.minimum, depth.maximum) == (2, 1, 3)
    assert q.param("name").required  # type: ignore[union-attr]
    assert "Platform" in q.param("kinds").choices  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text, message",
    [
        (HEADER.replace("// name: demo", "// name: other"), "name: demo"),
        (HEADER.replace("// returns: a, b\n", ""), "returns"),
        (HEADER.replace("int default=2", "integer default=2"), "bad param line"),
        (HEADER.replace("range=1..3 ", ""), "int param with a range"),
        (HEADER.replace("@node_kinds", "@colours"), "unknown choice set"),
    ],
)
def test_malformed_headers_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query_text(text, "demo")


def test_bound_is_formatted_only_from_a_validated_int() -> None:
    q = parse_query_text(HEADER, "demo")
    assert "*1..3]" in q.render(parse_params(q, {"name": "x", "depth": "3"}))
    assert "*1..2]" in q.render(parse_params(q, {"name": "x"}))
    with pytest.raises(QueryError, match="between 1 and 3"):
        parse_params(q, {"name": "x", "depth": "9"})
    with pytest.raises(QueryError, match="whole number"):
        parse_params(q, {"name": "x", "depth": "2]-(m) DETACH DELETE m //"})


def test_params_are_typed_and_validated() -> None:
    q = parse_query_text(HEADER, "demo")
    got = parse_params(
        q, {"name": " Telegram ", "kinds": "platform, case", "flag": "yes", "score": "0.5"}
    )
    assert got == {
        "name": "Telegram",
        "depth": 2,
        "kinds": ["Platform", "Case"],
        "flag": True,
        "score": 0.5,
    }
    # Typed values (from the app) are accepted as well as strings.
    assert parse_params(q, {"name": "x", "depth": 3, "kinds": ["person"]})["kinds"] == ["Person"]


@pytest.mark.parametrize(
    "raw, message",
    [
        ({}, "needs --param name"),
        ({"name": "x", "colour": "red"}, "no parameter 'colour'"),
        ({"name": "x", "depth": "two"}, "depth must be a whole number"),
        ({"name": "x", "flag": "maybe"}, "flag must be true or false"),
        ({"name": "x", "score": "high"}, "score must be a number"),
        ({"name": "x", "kinds": "Planet"}, "not one of"),
    ],
)
def test_bad_params_are_one_line_listing_the_valid_ones(raw: dict[str, str], message: str) -> None:
    q = parse_query_text(HEADER, "demo")
    with pytest.raises(QueryError, match=message) as info:
        parse_params(q, raw)
    text = str(info.value)
    assert "\n" not in text
    assert "valid:" in text and "depth (int, default 2, 1..3)" in text


def test_unknown_query_lists_the_valid_names() -> None:
    with pytest.raises(QueryError) as info:
        get_query("nope")
    assert "\n" not in str(info.value)
    assert all(name in str(info.value) for name in EXPECTED)


def test_alias_scans_run_only_when_the_exact_lookup_found_nothing() -> None:
    # The label scan over aliases must hang below an UNWIND that is empty when the indexed
    # lookup matched, or the planner runs it on every call (docs/BENCHMARKS.md).
    for q in list_queries():
        scans = q.cypher.count("a.aliases")
        guards = q.cypher.count("UNWIND CASE WHEN size(exact) = 0")
        assert scans == guards, q.name
        assert "WITH exact WHERE" not in q.cypher, q.name


def test_listed_relationship_types_are_the_ontology_ones() -> None:
    # Queries name the fact and case-link types instead of `!MENTIONS&!REPORTED_IN` so that a
    # hub's expansion skips its article mentions; a list must not miss a type.
    import re

    from graph import ontology

    every = "|".join(ontology.GRAPH_RELATIONSHIPS)
    facts = "|".join(ontology.FACT_TYPES)
    for name in ("entity_profile", "neighbors", "linked_cases"):
        lists = re.findall(r"\[\w*:([A-Z_|]{40,})", get_query(name).cypher)
        assert lists, name
        assert all(found in (every, facts) for found in lists), name


def test_fan_out_caps_are_validated_parameters() -> None:
    assert get_query("neighbors").param("limit").maximum == 1000
    assert get_query("linked_cases").param("cases").maximum == 200
    with pytest.raises(QueryError, match="between 1 and 200"):
        parse_params(get_query("linked_cases"), {"name": "x", "cases": "5000"})


def test_split_assignments() -> None:
    assert split_assignments(["from=KR", "to=a=b"]) == {"from": "KR", "to": "a=b"}
    with pytest.raises(QueryError, match="key=value"):
        split_assignments(["oops"])


def test_string_params_also_travel_normalized() -> None:
    q = get_query("entity_profile")
    assert bind_params(q, {"name": "South Korea’s"})["name_norm"] == "south korea"


def test_a_query_directory_can_be_given(tmp_path: Path) -> None:
    (tmp_path / "demo.cypher").write_text(HEADER, encoding="utf-8")
    assert [q.name for q in list_queries(tmp_path)] == ["demo"]
    with pytest.raises(QueryError, match="does not exist"):
        list_queries(tmp_path / "missing")


# ---- every named query against a real Neo4j ---------------------------------------------------


def run(driver: Any, settings: Settings, query: str, cap: int = 100, /, **raw: Any) -> QueryResult:
    q = get_query(query)
    return run_query(driver, settings.neo4j_database, q, parse_params(q, raw), cap, 20.0)


@pytest.mark.neo4j
def test_entity_profile_by_name_alias_and_iso(seeded: Any, settings: Settings) -> None:
    rows = run(seeded, settings, "entity_profile", name="pavel durov").rows
    assert [r["name"] for r in rows] == ["Pavel Durov"]
    durov = rows[0]
    assert durov["kind"] == "Person" and "Durov" in durov["aliases"]
    assert durov["articles"] == 2
    facts = {(f["direction"], f["type"], f["other"]): f["evidence_count"] for f in durov["facts"]}
    assert facts[("in", "ARRESTED", "French law enforcement")] == 2  # two articles say it
    assert facts[("out", "FOUNDED", "Telegram")] == 1
    assert durov["degree"] == len(durov["facts"])
    assert run(seeded, settings, "entity_profile", name="DUROV").rows[0]["name"] == "Pavel Durov"
    kr = run(seeded, settings, "entity_profile", name="kr").rows[0]
    assert (kr["name"], kr["iso"]) == ("South Korea", "KR")
    police = run(seeded, settings, "entity_profile", name="South Korean police").rows[0]
    assert police["jurisdictions"] == ["South Korea"]
    assert run(seeded, settings, "entity_profile", name="Atlantis").rows == []


@pytest.mark.neo4j
def test_neighbors_depth_kinds_and_types(seeded: Any, settings: Settings) -> None:
    one = run(seeded, settings, "neighbors", name="Telegram")
    assert {r["neighbor"] for r in one.rows} >= {"Pavel Durov", "South Korean police"}
    assert {r["hops"] for r in one.rows} == {1}
    two = run(seeded, settings, "neighbors", name="Telegram", depth="2", kinds="Agency")
    by_name = {r["neighbor"]: r for r in two.rows}
    assert by_name["French law enforcement"]["hops"] == 2
    assert {r["kind"] for r in two.rows} == {"Agency"}
    assert by_name["French law enforcement"]["path"].startswith("Telegram ")
    assert by_name["French law enforcement"]["path"].endswith(" French law enforcement")
    only = run(seeded, settings, "neighbors", name="Telegram", depth="3", types="FOUNDED")
    assert [r["neighbor"] for r in only.rows] == ["Pavel Durov"]
    # Paths come back as graph parts for the app to draw.
    assert {n["name"] for n in two.nodes} >= {"Telegram", "French law enforcement"}
    assert two.relationships and {"type", "source", "target"} <= set(two.relationships[0])


@pytest.mark.neo4j
def test_shortest_path_between_two_people(seeded: Any, settings: Settings) -> None:
    rows = run(seeded, settings, "shortest_path", **{"from": "Woo Jong-soo", "to": "Durov"}).rows
    assert rows and rows[0]["source"] == "Woo Jong-soo" and rows[0]["target"] == "Pavel Durov"
    assert rows[0]["hops"] == len(rows[0]["types"]) == min(r["hops"] for r in rows)
    assert rows[0]["path"].startswith("Woo Jong-soo -[LEADS]-> National Office of Investigation")
    facts_only = run(
        seeded, settings, "shortest_path", **{"from": "Telegram", "to": "France"}, types="FOUNDED"
    )
    assert facts_only.rows == []
    short = run(
        seeded, settings, "shortest_path", **{"from": "Woo Jong-soo", "to": "FR"}, max_hops="2"
    )
    assert short.rows == []


@pytest.mark.neo4j
def test_cooperation_paths_from_korea_to_france_with_evidence(
    seeded: Any, settings: Settings
) -> None:
    rows = run(seeded, settings, "cooperation_paths", **{"from": "KR", "to": "FR"}).rows
    best = rows[0]
    assert best["path"] == (
        "South Korea <-[BELONGS_TO]- South Korean police -[COOPERATES_WITH]-> "
        "French law enforcement -[BELONGS_TO]-> France"
    )
    coop = best["steps"][1]
    assert (coop["type"], coop["status"]) == ("COOPERATES_WITH", "sought")
    assert "collaborate closely with French law enforcement" in coop["evidence"][0]["sentence"]
    assert coop["evidence"][0]["title"].startswith("South Korean Police Investigate")
    assert best["evidence_count"] == sum(s["evidence_count"] for s in best["steps"])
    # By agency name, and bounded by max_hops.
    named = run(
        seeded, settings, "cooperation_paths", **{"from": "South Korean police", "to": "France"}
    )
    assert named.rows[0]["hops"] == 2
    assert (
        run(seeded, settings, "cooperation_paths", **{"from": "KR", "to": "FR"}, max_hops="2").rows
        == []
    )
    # Persons are not endpoints of cooperation.
    assert run(seeded, settings, "cooperation_paths", **{"from": "Durov", "to": "FR"}).rows == []


@pytest.mark.neo4j
def test_linked_cases_for_telegram_returns_both_cases(seeded: Any, settings: Settings) -> None:
    rows = run(seeded, settings, "linked_cases", name="Telegram").rows
    by_jurisdiction = {r["jurisdiction"]: r for r in rows}
    assert {"KR", "FR"} <= set(by_jurisdiction)
    assert by_jurisdiction["KR"]["involvement"] == ["TARGETS Telegram"]
    assert by_jurisdiction["FR"]["involvement"] == [
        "TARGETS Pavel Durov (Pavel Durov FOUNDED Telegram)"
    ]
    fr_links = {link["title"]: link["via"] for link in by_jurisdiction["FR"]["linked_cases"]}
    kr_title = by_jurisdiction["KR"]["title"]
    assert fr_links[kr_title] == ["Pavel Durov FOUNDED Telegram"]
    # The US case shares an offence with the French one and a target with the Korean one.
    us = by_jurisdiction["US-NY"]
    us_links = {link["title"]: link["via"] for link in us["linked_cases"]}
    assert us_links[kr_title] == ["both TARGETS Telegram"]
    assert "both ALLEGES drug-related offenses" in us_links[by_jurisdiction["FR"]["title"]]
    police = {
        r["jurisdiction"]: r
        for r in run(seeded, settings, "linked_cases", name="SOUTH KOREAN AUTHORITIES").rows
    }
    assert police["KR"]["involvement"][0] == "LED_BY South Korean police"
    assert police["US-NY"]["involvement"] == [
        "TARGETS Telegram (South Korean police INVESTIGATES Telegram)",
        "TARGETS Telegram (Telegram REFUSES_DATA_TO South Korean police)",
    ]
    assert set(police) == {"KR", "US-NY"}


@pytest.mark.neo4j
def test_cases_by_jurisdiction_includes_subdivisions(seeded: Any, settings: Settings) -> None:
    fr = run(seeded, settings, "cases_by_jurisdiction", iso="fr").rows
    assert [r["title"] for r in fr] == ["French case against Pavel Durov"]
    assert fr[0]["led_by"] == ["French law enforcement"]
    assert fr[0]["offenses"] == ["circulation of child abuse images", "drug-related offenses"]
    assert fr[0]["articles"] == 2 and fr[0]["status"] == "charged"
    assert run(seeded, settings, "cases_by_jurisdiction", iso="French").rows == fr
    us = run(seeded, settings, "cases_by_jurisdiction", iso="US").rows
    assert [r["jurisdiction"] for r in us] == ["US-NY"]
    assert run(seeded, settings, "cases_by_jurisdiction", iso="DE").rows == []


@pytest.mark.neo4j
def test_platforms_under_investigation_by_jurisdiction(seeded: Any, settings: Settings) -> None:
    everywhere = run(seeded, settings, "platforms_under_investigation").rows
    assert [r["platform"] for r in everywhere] == ["Telegram"]
    assert set(everywhere[0]["jurisdictions"]) == {"KR", "US-NY"}
    kr = run(seeded, settings, "platforms_under_investigation", iso="KR").rows[0]
    assert set(kr["investigated_by"]) == {"South Korean police", "National Office of Investigation"}
    assert kr["offenses"] == ["deepfake sex crimes"]
    # One INVESTIGATES fact and one TARGETS case link, one article each.
    assert kr["evidence_count"] == 2
    assert run(seeded, settings, "platforms_under_investigation", iso="US").rows[0]["cases"] == [
        "New York inquiry into Telegram drug sales"
    ]
    assert run(seeded, settings, "platforms_under_investigation", iso="FR").rows == []


@pytest.mark.neo4j
def test_facts_filtered_with_evidence_and_articles(seeded: Any, settings: Settings) -> None:
    arrested = run(seeded, settings, "facts", source="French law enforcement", type="arrested").rows
    assert len(arrested) == 1
    fact = arrested[0]
    assert (fact["target"], fact["evidence_count"]) == ("Pavel Durov", 2)
    assert {e["article_id"] for e in fact["evidence"]} == {SEED_ARTICLE, SECOND_ARTICLE}
    assert [e["date"] for e in fact["evidence"]] == ["2024-08-28", "2024-09-30"]
    assert all(e["url"] and e["title"] and e["sentence"] for e in fact["evidence"])
    to_telegram = run(seeded, settings, "facts", target="Telegram").rows
    assert {(r["source"], r["type"]) for r in to_telegram} >= {
        ("Pavel Durov", "FOUNDED"),
        ("South Korean police", "INVESTIGATES"),
    }
    # COOPERATES_WITH is symmetric: found from either end.
    coop = run(seeded, settings, "facts", source="French authorities", type="COOPERATES_WITH").rows
    assert [(r["target"], r["status"]) for r in coop] == [("South Korean police", "sought")]
    everything = run(seeded, settings, "facts", limit="3").rows
    assert len(everything) == 3
    assert everything[0]["evidence_count"] >= everything[-1]["evidence_count"]


@pytest.mark.neo4j
def test_facts_filtered_by_the_classifier_confidence(seeded: Any, settings: Settings) -> None:
    every = run(seeded, settings, "facts", limit="1000").rows
    sure = run(seeded, settings, "facts", min_confidence="0.5", limit="1000").rows
    assert "BELONGS_TO" in {r["type"] for r in every}
    assert "BELONGS_TO" not in {r["type"] for r in sure}
    assert {r["confidence"] for r in every if r["type"] == "BELONGS_TO"} == {0.4}
    # Case links are not scored by the classifier: the filter keeps them.
    assert all(r["confidence"] is None or r["confidence"] >= 0.5 for r in sure)
    assert any(r["confidence"] is None for r in sure) and len(sure) < len(every)
    with pytest.raises(QueryError, match="min_confidence"):
        run(seeded, settings, "facts", min_confidence="2")


@pytest.mark.neo4j
def test_timeline_orders_articles_by_date(seeded: Any, settings: Settings) -> None:
    rows = run(seeded, settings, "timeline", name="Durov").rows
    assert [r["article_id"] for r in rows] == [SECOND_ARTICLE, SEED_ARTICLE]
    assert set(rows[0]["facts"]) == {
        "French law enforcement ARRESTED Pavel Durov",
        "French case against Pavel Durov TARGETS Pavel Durov",
    }
    assert "Pavel Durov FOUNDED Telegram" in rows[1]["facts"]
    assert rows[0]["cases"] == ["French case against Pavel Durov"]


@pytest.mark.neo4j
def test_co_mentions_counts_shared_articles(seeded: Any, settings: Settings) -> None:
    rows = run(seeded, settings, "co_mentions", name="Pavel Durov", limit="50").rows
    by_other = {r["other"]: r for r in rows}
    assert by_other["French law enforcement"]["articles"] == 2
    assert by_other["French law enforcement"]["facts"] == ["ARRESTED"]
    assert by_other["Woo Jong-soo"]["articles"] == 1 and by_other["Woo Jong-soo"]["facts"] == []
    assert [r["articles"] for r in rows] == sorted((r["articles"] for r in rows), reverse=True)
    assert len(run(seeded, settings, "co_mentions", name="Pavel Durov", limit="2").rows) == 2


@pytest.mark.neo4j
def test_top_entities_by_kind(seeded: Any, settings: Settings) -> None:
    agencies = run(seeded, settings, "top_entities", kind="agency", limit="2").rows
    assert len(agencies) == 2 and {r["kind"] for r in agencies} == {"Agency"}
    assert agencies[0]["name"] == "French law enforcement" and agencies[0]["articles"] == 2
    cases = run(seeded, settings, "top_entities", kind="Case").rows
    assert len(cases) == 3 and cases[0]["name"] == "French case against Pavel Durov"
    telegram = next(
        r
        for r in run(seeded, settings, "top_entities", limit="100").rows
        if r["name"] == "Telegram"
    )
    assert (telegram["facts"], telegram["cases"]) == (4, 2)


@pytest.mark.neo4j
def test_row_limit_truncates(seeded: Any, settings: Settings) -> None:
    result = run(seeded, settings, "top_entities", 2, limit="100")
    assert len(result.rows) == 2 and result.truncated
    assert not run(seeded, settings, "top_entities", 100, limit="3").truncated


def test_reference_doc_is_up_to_date() -> None:
    from graph.queries import render_reference

    doc = Path(__file__).resolve().parent.parent / "docs" / "QUERIES.md"
    assert doc.read_text(encoding="utf-8") == render_reference(), (
        "run `python -m graph.queries > docs/QUERIES.md`"
    )


@pytest.mark.neo4j
def test_the_explore_graph_hides_facts_below_a_minimum_confidence(
    seeded: Any, settings: Settings
) -> None:
    from graph import views
    from ingest.records import entity_id

    korea = entity_id("Jurisdiction", "South Korea")
    every = views.neighbourhood(seeded, settings.neo4j_database, [korea])
    assert {e["type"] for e in every["edges"]} >= {"BELONGS_TO"}
    assert {e["confidence"] for e in every["edges"] if e["type"] == "BELONGS_TO"} == {0.4}
    sure = views.neighbourhood(seeded, settings.neo4j_database, [korea], min_confidence=0.5)
    assert "BELONGS_TO" not in {e["type"] for e in sure["edges"]}
    # Case links carry no confidence: the filter keeps them.
    assert {e["type"] for e in sure["edges"]} >= {"IN_JURISDICTION"}
