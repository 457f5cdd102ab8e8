"""Big graphs stay readable on Explore: hubs collapsed into one node with a count, a cap on
what is drawn with the best-supported kept and "Show more", parallel facts bundled into one
line, short captions, and undated facts kept or not, as asked.

`graph.views.neighbourhood` is tested on an invented graph written through the store (a
country with forty agencies around it); the page on what casegraph's pipeline makes of the two
fixture articles (tests/fixtures/app).
"""

from __future__ import annotations

import neo4j
import pytest

from app_pages.graphview import NAME_CHARS, short_name, to_elements
from graph import views
from graph.settings import Settings
from graph.store import Store
from ingest.records import Article, Entity, Extraction, Mention, Relation, entity_id
from tests.conftest import delete_all
from tests.pipeline_graph import DOJ, SEED, app_test, ingest


def _entity(name: str, kind: str = "Agency", iso: str | None = None) -> Entity:
    return Entity(entity_id(kind, name), name, kind, (), iso, (Mention(0, len(name), name),))


SEED_AGENCY = _entity("Harbour Police")
COUNTRY = _entity("Ruritania", "Jurisdiction", "RU")
PARTNERS = [_entity(f"Partner Unit {i}") for i in range(3)]
MEMBERS = [_entity(f"Ruritanian Office {i:02d}") for i in range(40)]


def _article(key: str, date: str | None, facts: list[tuple[str, Entity, Entity]]) -> Extraction:
    relations = tuple(
        Relation(t, s.id, o.id, f"{s.name} and {o.name}.", 40 * i, 40 * i + 30, "test")
        for i, (t, s, o) in enumerate(facts)
    )
    entities = {e.id: e for _, s, o in facts for e in (s, o)}
    return Extraction(
        Article(f"art-{key}", key, f"{key}.txt", key, date), tuple(entities.values()), relations, ()
    )


def _graph() -> list[Extraction]:
    coop = "COOPERATES_WITH"
    return [
        _article("country", "2024-01-10", [("BELONGS_TO", SEED_AGENCY, COUNTRY)]
                 + [("BELONGS_TO", m, COUNTRY) for m in MEMBERS]),
        # Partner 0 is named in three articles, the others in one: it is the best-supported.
        *[_article(f"p0-{i}", f"2024-02-0{i + 1}", [(coop, SEED_AGENCY, PARTNERS[0])])
          for i in range(3)],
        _article("partners", None, [(coop, SEED_AGENCY, p) for p in PARTNERS[1:]]),
        # Three facts between the seed and partner 0 in one more article: one drawn line.
        _article("many", "2024-03-01", [("MEMBER_OF", SEED_AGENCY, PARTNERS[0]),
                                        ("MEMBER_OF", PARTNERS[0], SEED_AGENCY)]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def country(driver: neo4j.Driver, neo4j_server: Settings) -> Settings:
    delete_all(driver, neo4j_server.neo4j_database)
    Store(driver, neo4j_server.neo4j_database).write(_graph())
    return neo4j_server


def _names(sub: dict) -> set[str]:
    return {n["name"] for n in sub["nodes"]}


@pytest.mark.neo4j
def test_a_hub_is_drawn_collapsed_and_expands_on_demand(
    country: Settings, driver: neo4j.Driver
) -> None:
    db = country.neo4j_database
    # The 99th percentile of 46 entities' fact counts is the busiest one's: the country's.
    assert views.hub_degree(driver, db) == 41
    walked = views.neighbourhood(driver, db, [SEED_AGENCY.id], depth=2)
    assert {m.name for m in MEMBERS} <= _names(walked)  # without hubs: through the country
    sub = views.neighbourhood(driver, db, [SEED_AGENCY.id], depth=2, hub_degree=25)
    assert _names(sub) == {SEED_AGENCY.name, COUNTRY.name, *(p.name for p in PARTNERS)}
    assert sub["hubs"] == [COUNTRY.id] and not sub["truncated"]
    (hub,) = [n for n in sub["nodes"] if n["id"] == COUNTRY.id]
    assert hub["degree"] == 41
    drawn = to_elements(sub)
    (hub_node,) = [n["data"] for n in drawn["nodes"] if n["data"]["id"] == COUNTRY.id]
    assert hub_node["hub"] and hub_node["display"] == "Ruritania · 41 facts"
    # Expanding the hub (a click) walks through it; merged, it is no longer collapsed.
    opened = views.neighbourhood(driver, db, [COUNTRY.id], depth=1, hub_degree=25)
    merged = views.merge_subgraphs(sub, opened)
    assert merged["hubs"] == [] and {m.name for m in MEMBERS} <= _names(merged)


@pytest.mark.neo4j
def test_the_cap_keeps_the_best_supported_and_says_so(
    country: Settings, driver: neo4j.Driver
) -> None:
    db = country.neo4j_database
    sub = views.neighbourhood(driver, db, [SEED_AGENCY.id], depth=1, limit=2)
    assert sub["truncated"] and len(sub["nodes"]) == 2
    assert _names(sub) == {SEED_AGENCY.name, PARTNERS[0].name}
    assert not views.neighbourhood(driver, db, [SEED_AGENCY.id], depth=1, limit=10)["truncated"]


@pytest.mark.neo4j
def test_undated_facts_are_kept_or_not_as_asked(country: Settings, driver: neo4j.Driver) -> None:
    db = country.neo4j_database
    window = {"date_from": "2024-02-01", "date_to": "2024-02-28"}
    kept = views.neighbourhood(driver, db, [SEED_AGENCY.id], **window)
    assert _names(kept) == {SEED_AGENCY.name, *(p.name for p in PARTNERS)}
    dated = views.neighbourhood(driver, db, [SEED_AGENCY.id], **window, include_undated=False)
    assert _names(dated) == {SEED_AGENCY.name, PARTNERS[0].name}


def test_parallel_facts_are_one_line_with_a_count() -> None:
    edges = [
        {"id": "f1", "type": "COOPERATES_WITH", "source": "a", "target": "b", "sources": 3,
         "evidence_count": 4},
        {"id": "f2", "type": "INVESTIGATES", "source": "a", "target": "b", "sources": 1,
         "evidence_count": 1},
        {"id": "f3", "type": "MEMBER_OF", "source": "b", "target": "a", "sources": 1,
         "evidence_count": 2},
        {"id": "f4", "type": "BELONGS_TO", "source": "a", "target": "c", "sources": 1,
         "evidence_count": 1},
    ]  # fmt: skip
    lines = {tuple(sorted((e["source"], e["target"]))): e for e in views.bundle_edges(edges)}
    assert set(lines) == {("a", "b"), ("a", "c")}
    ab = lines[("a", "b")]
    assert ab["id"] == "f1" and ab["caption"] == "COOPERATES_WITH +2" and ab["evidence"] == 7
    assert ab["members"][0] == "f1" and set(ab["members"]) == {"f1", "f2", "f3"}
    assert lines[("a", "c")]["caption"] == "BELONGS_TO"


def test_long_names_are_cut_on_the_drawing() -> None:
    long = "Committee for the Protection of Very Long Names and Other Things"
    assert len(short_name(long)) == NAME_CHARS and short_name(long).endswith("…")
    assert short_name("Telegram") == "Telegram"
    sub = {"nodes": [{"id": "x", "name": long, "kind": "Organization"}], "edges": []}
    (node,) = to_elements(sub)["nodes"]
    assert node["data"]["name"] == long and node["data"]["display"] == short_name(long)


@pytest.mark.neo4j
def test_facts_are_capped_with_the_seeds_facts_first(
    country: Settings, driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hubs among the drawn entities can share thousands of facts: at most EDGES_PER_NODE per
    entity are drawn, the seed's own facts first, and the cap is said."""
    db = country.neo4j_database
    everyone = [SEED_AGENCY.id, COUNTRY.id, *(e.id for e in PARTNERS + MEMBERS)]
    assert len(views.edges_among(driver, db, everyone)) == 46
    five = views.edges_among(driver, db, everyone, seeds=[SEED_AGENCY.id], max_edges=5)
    assert len(five) == 5 and all(SEED_AGENCY.id in (e["source"], e["target"]) for e in five)
    # Partner 0's three articles make it the best-supported of the seed's facts.
    assert PARTNERS[0].id in (five[0]["source"], five[0]["target"])
    monkeypatch.setattr(views, "EDGES_PER_NODE", 1)
    sub = views.neighbourhood(driver, db, [SEED_AGENCY.id], depth=2, limit=45)
    assert sub["truncated"] and len(sub["edges"]) == 45
    seeds = [e for e in sub["edges"] if SEED_AGENCY.id in (e["source"], e["target"])]
    assert len(seeds) == 6  # every fact of the seed is kept
    monkeypatch.setattr(views, "EDGES_PER_NODE", 3)
    assert not views.neighbourhood(driver, db, [SEED_AGENCY.id], depth=2, limit=45)["truncated"]


@pytest.mark.neo4j
def test_a_profile_lists_the_best_facts_and_latest_articles_with_counts(
    country: Settings, driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = country.neo4j_database
    monkeypatch.setattr(views, "PROFILE_FACTS", 2)
    monkeypatch.setattr(views, "PROFILE_ARTICLES", 1)
    profile = views.node_profile(driver, db, SEED_AGENCY.id)
    assert profile is not None
    assert profile["fact_count"] == 6 and len(profile["facts"]) == 2
    # The fact with the most evidence first: cooperation with partner 0 (three articles).
    assert profile["facts"][0]["other"] == PARTNERS[0].name
    assert profile["facts"][0]["evidence_count"] == 3
    assert profile["article_count"] == 6
    assert [a["date"] for a in profile["articles"]] == ["2024-03-01"]  # the latest
    assert views.node_profile(driver, db, "no-such-id") is None


@pytest.mark.neo4j
def test_explore_collapses_a_hub_and_expands_it(
    driver: neo4j.Driver, neo4j_server: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the pipeline's graph of the fixture articles: Explore opens at depth 1; with the hub
    threshold lowered, the busiest neighbour of Telegram is collapsed, and its button expands
    it."""
    db = neo4j_server.neo4j_database
    delete_all(driver, db)
    assert ingest(driver, db, SEED, DOJ).new == 2
    at = app_test(neo4j_server, monkeypatch, "app_pages/explore.py")
    at.run()
    assert at.slider(key="explore_depth").value == 1
    at.text_input(key="explore_term").input("Telegram").run()
    assert not at.exception
    (telegram,) = [r for r in views.search_entities(driver, db, "Telegram") if r["kind"] == "Platform"]  # fmt: skip
    around = views.neighbourhood(driver, db, [telegram["id"]], depth=1)
    busiest = max(
        (n for n in around["nodes"] if n["id"] != telegram["id"]), key=lambda n: n["degree"]
    )
    at.number_input(key="explore_hub_degree").set_value(max(5, busiest["degree"] - 1)).run()
    at.slider(key="explore_depth").set_value(2).run()
    assert not at.exception
    assert any("hub(s) collapsed" in c.value for c in at.caption)
    expand = [b for b in at.button if b.key == f"explore_hub_{busiest['id']}"]
    assert expand, [b.label for b in at.button]
    expand[0].click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == f"explore_hub_{busiest['id']}"]
