"""Pure logic of graph.views (no database): fuzzy search ranking, ISO codes, subgraph merging."""

from __future__ import annotations

from graph import views


def _entity(name: str, kind: str, aliases: list[str] | None = None, iso: str | None = None) -> dict:
    return {
        "id": f"{kind}:{name}",
        "name": name,
        "kind": kind,
        "aliases": aliases or [],
        "iso": iso,
    }


CANDIDATES = [
    _entity("Telegram", "Platform"),
    _entity("Telegraph Media Group", "Organization"),
    _entity("Pavel Durov", "Person", ["Durov"]),
    _entity("France", "Jurisdiction", ["French"], iso="FR"),
    _entity("South Korean police", "Agency", ["South Korean authorities"]),
]


def test_exact_name_ranks_first_and_typos_still_match() -> None:
    assert views.rank_matches("Telegram", CANDIDATES)[0].name == "Telegram"
    assert views.rank_matches("telegrm", CANDIDATES)[0].name == "Telegram"


def test_aliases_possessives_and_iso_codes_find_the_entity() -> None:
    assert views.rank_matches("Durov", CANDIDATES)[0].name == "Pavel Durov"
    assert views.rank_matches("Durov's", CANDIDATES)[0].matched == "Durov"
    assert views.rank_matches("FR", CANDIDATES)[0].name == "France"
    assert views.rank_matches("korean authorities", CANDIDATES)[0].kind == "Agency"


def test_unrelated_or_empty_terms_match_nothing() -> None:
    assert views.rank_matches("Europol", CANDIDATES) == []
    assert views.rank_matches("  ", CANDIDATES) == []


def test_alpha3_for_plotly_from_alpha2_subdivisions_and_unknowns() -> None:
    assert views.to_alpha3("KR") == "KOR"
    assert views.to_alpha3("fr") == "FRA"
    assert views.to_alpha3("US-CA") == "USA"
    assert views.to_alpha3("EU") is None
    assert views.to_alpha3(None) is None


def test_merge_subgraphs_keeps_each_node_and_edge_once() -> None:
    a = {"nodes": [{"id": "1"}, {"id": "2"}], "edges": [{"id": "e1"}]}
    b = {"nodes": [{"id": "2"}, {"id": "3"}], "edges": [{"id": "e1"}, {"id": "e2"}]}
    merged = views.merge_subgraphs(a, b)
    assert [n["id"] for n in merged["nodes"]] == ["1", "2", "3"]
    assert [e["id"] for e in merged["edges"]] == ["e1", "e2"]


def test_result_subgraph_drops_articles_and_dangling_relationships() -> None:
    nodes = [
        {
            "id": "t",
            "name": "Telegram",
            "kind": "Platform",
            "labels": ["Entity", "Platform"],
            "properties": {},
        },
        {
            "id": "p",
            "name": "Pavel Durov",
            "kind": "Person",
            "labels": ["Entity", "Person"],
            "properties": {},
        },
        {
            "id": "a",
            "name": "An article",
            "kind": "Article",
            "labels": ["Article"],
            "properties": {},
        },
    ]
    rels = [
        {"element_id": "r1", "type": "FOUNDED", "source": "p", "target": "t",
         "properties": {"key": "k1", "articles": ["a"]}},
        {"element_id": "r2", "type": "MENTIONS", "source": "a", "target": "t", "properties": {}},
    ]  # fmt: skip
    sub = views.result_subgraph(nodes, rels)
    assert {n["id"] for n in sub["nodes"]} == {"t", "p"}
    assert sub["edges"] == [
        {"id": "k1", "key": "k1", "type": "FOUNDED", "source": "p", "target": "t", "status": None,
         "evidence_count": 1, "articles": ["a"]}
    ]  # fmt: skip
    names = {"p": "Pavel Durov", "t": "Telegram"}
    assert views.edge_label(sub["edges"][0], names) == "Pavel Durov —FOUNDED→ Telegram"


def test_a_pasted_text_is_not_a_search_term() -> None:
    import pytest

    from graph.errors import InputError

    with pytest.raises(InputError, match="at most 200 characters"):
        views.rank_matches("Telegram " * 2000, CANDIDATES)
    # The longest allowed term still ranks, by the same scores as before the fast bounds.
    assert views.rank_matches("t" * 200, CANDIDATES) == []
    assert views.rank_matches("Telegraph Media", CANDIDATES)[0].name == "Telegraph Media Group"


def test_cases_with_one_title_can_each_be_opened() -> None:
    from graph.views import case_labels

    rows = [{"title": "US prosecution of John Doe"}, {"title": "Other"},
            {"title": "US prosecution of John Doe"}, {"title": "US prosecution of John Doe"}]  # fmt: skip
    assert case_labels(rows) == [
        "US prosecution of John Doe", "Other", "US prosecution of John Doe (2)",
        "US prosecution of John Doe (3)",
    ]  # fmt: skip
