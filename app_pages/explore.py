"""Explore: find an entity by name or alias and walk its neighbourhood, fact by fact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app_pages import graphview
from app_pages.common import entity_label, guard, require_data, view
from graph import ontology, views

TERM, PICK, EXPANDED, SELECTED, EDGE = (
    "explore_term",
    "explore_pick",
    "explore_expanded",
    "explore_selected",
    "explore_edge",
)

st.title("Explore")


def _use_term(term: str) -> None:
    st.session_state[TERM] = term


def _filters() -> dict[str, Any]:
    with st.sidebar:
        st.subheader("Graph filters")
        depth = st.slider("Depth (hops)", 1, 3, 2, key="explore_depth")
        kinds = st.multiselect("Kinds", ontology.NODE_KINDS, default=ontology.NODE_KINDS)
        types = st.multiselect(
            "Relationship types", ontology.GRAPH_RELATIONSHIPS, default=ontology.GRAPH_RELATIONSHIPS
        )
        dates = view("article_dates")
        date_from = date_to = None
        if dates.get("first") and st.toggle("Only facts reported between…", key="explore_dated"):
            first, last = (
                dt.date.fromisoformat(str(d)[:10]) for d in (dates["first"], dates["last"])
            )
            picked = st.date_input("Article dates", (first, last), first, last)
            if isinstance(picked, tuple) and len(picked) == 2:
                date_from, date_to = (d.isoformat() for d in picked)
        confidence = st.slider(
            "Minimum fact confidence",
            0.0,
            1.0,
            0.0,
            0.05,
            key="explore_confidence",
            help="The fact classifier's score of each extracted fact; facts it did not score "
            "(case links, facts from older extractions) are always shown.",
        )
    return {
        "depth": depth,
        "kinds": kinds or list(ontology.NODE_KINDS),
        "types": types or list(ontology.GRAPH_RELATIONSHIPS),
        "date_from": date_from,
        "date_to": date_to,
        "min_confidence": confidence or None,
    }


def _pick_entity() -> dict[str, Any] | None:
    if "entity" in st.query_params and TERM not in st.session_state:
        st.session_state[TERM] = st.query_params["entity"]
    term = st.text_input(
        "Search an entity by name or alias", key=TERM, placeholder="e.g. Telegram, Durov, FR"
    )
    if not term.strip():
        st.caption("Or start from one of the most connected entities:")
        cols = st.columns(5)
        for i, row in enumerate(view("most_connected", limit=10)):
            cols[i % 5].button(
                row["name"],
                key=f"explore_suggest_{row['id']}",
                on_click=_use_term,
                args=(row["name"],),
            )
        return None
    matches = view("search_entities", term.strip(), limit=20)
    if not matches:
        st.warning(f"No entity looks like {term!r}. Try a shorter name or an alias.")
        return None
    by_id = {m["id"]: m for m in matches}
    pick = st.selectbox(
        f"{len(matches)} match(es)",
        list(by_id),
        format_func=lambda i: entity_label(by_id[i]),
        key=PICK,
    )
    return by_id[pick]


def _subgraph(seed: dict[str, Any], flt: dict[str, Any]) -> dict[str, Any]:
    if st.session_state.get("explore_seed") != seed["id"]:
        st.session_state["explore_seed"] = seed["id"]
        st.session_state[EXPANDED] = []
        st.session_state[SELECTED] = {"group": "node", "id": seed["id"]}
    parts = [view("neighbourhood", [seed["id"]], **flt)]
    expanded = st.session_state.get(EXPANDED, [])
    if expanded:
        parts.append(view("neighbourhood", expanded, **{**flt, "depth": 1}))
    return views.merge_subgraphs(*parts)


def _on_click(click: dict[str, Any] | None, seed_id: str) -> None:
    if click is None:
        return
    st.session_state[SELECTED] = click
    if click["group"] == "edge":
        st.session_state[EDGE] = click["id"]
    elif click["id"] != seed_id and click["id"] not in st.session_state[EXPANDED]:
        st.session_state[EXPANDED] = [*st.session_state[EXPANDED], click["id"]]  # expand on click
        st.rerun()


def _side_panel(sub: dict[str, Any]) -> None:
    names = {n["id"]: n["name"] for n in sub["nodes"]}
    edges = {e["id"]: e for e in sub["edges"]}
    selected = st.session_state.get(SELECTED) or {}
    if st.session_state.get(EDGE) not in edges:
        st.session_state.pop(EDGE, None)
    st.markdown("#### Evidence")
    edge_id = st.selectbox(
        "Relationship (or click an edge)",
        list(edges),
        format_func=lambda i: views.edge_label(edges[i], names),
        index=None,
        placeholder="Choose a relationship to read its sentences",
        key=EDGE,
    )
    if edge_id:
        graphview.show_evidence(edges[edge_id]["key"] or edge_id)
    st.divider()
    node_id = selected.get("id") if selected.get("group") == "node" else None
    if node_id in names:
        graphview.show_profile(node_id)


with guard():
    require_data()
    flt = _filters()
    seed = _pick_entity()
    if seed is not None:
        sub = _subgraph(seed, flt)
        left, right = st.columns([3, 2])
        with left:
            click = graphview.draw(sub, key="explore_graph")
            _on_click(click, seed["id"])
            graphview.legend()
            st.caption(
                f"{len(sub['nodes'])} entities, {len(sub['edges'])} facts. Click a node to "
                "expand it and see its profile; click an edge to read the sentences behind it."
            )
            if st.session_state.get(EXPANDED) and st.button("Collapse expansions"):
                st.session_state[EXPANDED] = []
                st.rerun()
        with right:
            _side_panel(sub)
