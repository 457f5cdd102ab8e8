"""Analytics: brokers (betweenness), the most connected entities and communities, of the
neighbourhood of an entity or of the whole graph, each entity one click away from Explore.

Computed with networkx on the projection of graph/analytics.py (entities and the facts and
case links between them), cached for a few minutes per scope and filter. On a large scope the
betweenness is estimated from a sample of nodes, and the page says so.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.common import database, driver, guard, require_data, settings
from graph import analytics, ontology

TOP = 25  # rows per table
SAMPLE = 300  # betweenness sources above this many nodes (fewer on a big graph: sample_size)
TTL = 300
SCOPES = ("Around an entity", "Whole graph")

st.title("Analytics")
st.caption(
    "Who brokers between groups (betweenness: on how many shortest paths an entity sits), who "
    "has the most facts, and which entities form communities. Pick a row to open it in Explore."
)


@st.cache_data(ttl=TTL, show_spinner="Reading the graph…", max_entries=8)
def _results(
    uri: str, db: str, names: tuple[str, ...], depth: int, kinds: tuple[str, ...],
    types: tuple[str, ...], min_evidence: int,
) -> dict[str, Any]:  # fmt: skip
    g = analytics.load_projection(driver(), db, list(names) or None, depth)
    g = analytics.restrict(g, kinds, types, min_evidence)
    sample = analytics.sample_size(g.number_of_edges(), SAMPLE)
    rows = analytics.centrality(g, sample=sample)
    return {
        "nodes": g.number_of_nodes(),
        "facts": g.number_of_edges(),
        "sampled": sample if g.number_of_nodes() > sample else 0,
        "brokers": [r for r in rows if r["betweenness"] > 0][:TOP],
        "connected": sorted(rows, key=lambda r: (-r["degree"], r["name"]))[:TOP],
        "communities": analytics.community_rows(g),
    }


def _scope() -> tuple[tuple[str, ...], int]:
    scope = st.radio("Scope", SCOPES, horizontal=True, key="analytics_scope")
    if scope == SCOPES[1]:
        return (), 0
    left, right = st.columns([3, 1])
    name = left.text_input(
        "Entity (name, alias or ISO code)", key="analytics_entity", placeholder="e.g. Telegram"
    )
    depth = right.slider("Depth (hops)", 1, 2, 2, key="analytics_depth")
    if not name.strip():
        st.info("Name an entity to analyse its neighbourhood, or choose the whole graph.")
        st.stop()
    return (name.strip(),), depth


def _filters() -> tuple[tuple[str, ...], tuple[str, ...], int]:
    with st.sidebar:
        st.subheader("Analytics filters")
        kinds = st.multiselect(
            "Kinds", ontology.NODE_KINDS, default=ontology.NODE_KINDS, key="analytics_kinds"
        )
        types = st.multiselect(
            "Relationship types", ontology.GRAPH_RELATIONSHIPS,
            default=ontology.GRAPH_RELATIONSHIPS, key="analytics_types",
        )  # fmt: skip
        least = st.number_input(
            "Facts stated at least this many times", 1, 100, 1, key="analytics_min_evidence"
        )
    return (
        tuple(kinds or ontology.NODE_KINDS),
        tuple(types or ontology.GRAPH_RELATIONSHIPS),
        int(least),
    )


def open_in_explore(name: str) -> None:
    """Show `name` on the Explore page (its search box filled, its first match picked)."""
    for key in ("explore_term", "explore_pick"):
        st.session_state.pop(key, None)
    st.switch_page("app_pages/explore.py", query_params={"entity": name})


def _table(rows: list[dict[str, Any]], columns: list[str], key: str) -> None:
    shown = [{c: r[c] for c in columns} for r in rows]
    event = st.dataframe(
        shown, hide_index=True, on_select="rerun", selection_mode="single-row", key=key
    )
    picked = event.selection.rows if event is not None else []  # type: ignore[attr-defined]
    if picked:
        open_in_explore(str(rows[picked[0]]["name"]))


def _open_any(result: dict[str, Any]) -> None:
    names = sorted(
        {r["name"] for r in result["brokers"] + result["connected"]}
        | {m for c in result["communities"] for m in c["members"]}
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.selectbox(
        "Open in Explore", names, index=None, placeholder="an entity from the tables",
        key="analytics_open",
    )  # fmt: skip
    if right.button("Show in Explore", key="analytics_open_button", disabled=name is None) and name:
        open_in_explore(name)


with guard():
    require_data()
    names, depth = _scope()
    kinds, types, least = _filters()
    cfg = settings()
    result = _results(cfg.uri, database(), names, depth, kinds, types, least)
    where = f"around {names[0]} ({depth} hop{'s' if depth > 1 else ''})" if names else "whole graph"
    note = (
        f" Betweenness estimated from {result['sampled']} sampled entities (fixed seed)."
        if result["sampled"]
        else ""
    )
    st.caption(f"{where}: {result['nodes']} entities, {result['facts']} facts.{note}")
    brokers, connected, groups = st.tabs(["Brokers", "Most connected", "Communities"])
    with brokers:
        if result["brokers"]:
            _table(result["brokers"], ["name", "kind", "betweenness", "degree"], "analytics_b")
        else:
            st.info("No entity lies between others here: every path is direct.")
    with connected:
        _table(result["connected"], ["name", "kind", "degree"], "analytics_c")
    with groups:
        if result["communities"]:
            rows = [{**c, "members": ", ".join(c["members"])} for c in result["communities"]]
            st.dataframe(
                [{k: r[k] for k in ("community", "size", "kinds", "members")} for r in rows],
                hide_index=True,
            )
        else:
            st.info("No community of more than one entity in this scope.")
    _open_any(result)
