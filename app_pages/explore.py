"""Explore: find an entity by name or alias and walk its neighbourhood, fact by fact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app_pages import graphview
from app_pages.common import entity_label, guard, require_data, view
from app_pages.graphview import short_name
from graph import ontology, views

TERM, PICK, EXPANDED, SELECTED, EDGE = (
    "explore_term",
    "explore_pick",
    "explore_expanded",
    "explore_selected",
    "explore_edge",
)

LIMIT = "explore_limit"
FIRST_LIMIT, MORE, MOST = 150, 150, 1000  # entities drawn at first, per "Show more", at most

st.title("Explore")


def _use_term(term: str) -> None:
    st.session_state[TERM] = term


def _filters() -> dict[str, Any]:
    with st.sidebar:
        st.subheader("Graph filters")
        depth = st.slider("Depth (hops)", 1, 3, 1, key="explore_depth")
        hub = st.number_input(
            "Collapse hubs: entities with more facts than",
            min_value=5,
            value=int(view("hub_degree")),
            step=5,
            key="explore_hub_degree",
            help="A hub (a country, a big agency) is drawn as one node with its number of "
            "facts instead of everything around it; click it to expand it. The default is "
            "the 99th percentile of the graph's entities.",
        )
        kinds = st.multiselect("Kinds", ontology.NODE_KINDS, default=ontology.NODE_KINDS)
        types = st.multiselect(
            "Relationship types", ontology.GRAPH_RELATIONSHIPS, default=ontology.GRAPH_RELATIONSHIPS
        )
        dates = view("article_dates")
        date_from = date_to = None
        undated = True
        if dates.get("first") and st.toggle("Only facts reported between…", key="explore_dated"):
            first, last = (
                dt.date.fromisoformat(str(d)[:10]) for d in (dates["first"], dates["last"])
            )
            picked = st.date_input("Article dates", (first, last), first, last)
            if isinstance(picked, tuple) and len(picked) == 2:
                date_from, date_to = (d.isoformat() for d in picked)
            undated = st.toggle(
                "Include undated",
                value=True,
                key="explore_undated",
                help="Keep the facts whose articles have no date (shown, not silently dropped).",
            )
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
        "hub_degree": int(hub),
        "include_undated": undated,
        "limit": int(st.session_state.get(LIMIT, FIRST_LIMIT)),
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
        st.session_state[LIMIT] = FIRST_LIMIT
        flt = {**flt, "limit": FIRST_LIMIT}
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


def _caption(sub: dict[str, Any]) -> None:
    lines = len(views.bundle_edges(sub["edges"]))
    bundled = f" in {lines} lines" if lines < len(sub["edges"]) else ""
    hubs = len(sub.get("hubs", ()))
    collapsed = f"; {hubs} hub(s) collapsed (dashed ring)" if hubs else ""
    st.caption(
        f"Showing {len(sub['nodes'])} entities and {len(sub['edges'])} facts{bundled}"
        f"{collapsed}. Click a node to expand it and see its profile; click an edge to read "
        "the sentences behind it. A dashed line is a fact the classifier was unsure of; a "
        "thick one was confirmed by a person."
    )


def _expand(node_id: str) -> None:
    st.session_state[EXPANDED] = [*st.session_state.get(EXPANDED, []), node_id]


def _more_and_hubs(sub: dict[str, Any]) -> None:
    limit = int(st.session_state.get(LIMIT, FIRST_LIMIT))
    if sub.get("truncated") and limit < MOST:
        st.caption(
            f"More is around: at most {limit} entities and {views.EDGES_PER_NODE * limit} "
            "facts are drawn, the best-supported first."
        )
        if st.button(f"Show {MORE} more", key="explore_more"):
            st.session_state[LIMIT] = min(MOST, limit + MORE)
            st.rerun()
    names = {n["id"]: n for n in sub["nodes"]}
    hubs = [names[h] for h in sub.get("hubs", ()) if h in names]
    if hubs:
        cols = st.columns(min(len(hubs), 4))
        for i, hub in enumerate(hubs[:8]):
            cols[i % len(cols)].button(
                f"Expand {short_name(hub['name'])} ({hub.get('degree') or 0} facts)",
                key=f"explore_hub_{hub['id']}",
                on_click=_expand,
                args=(hub["id"],),
            )
    if st.session_state.get(EXPANDED) and st.button("Collapse expansions"):
        st.session_state[EXPANDED] = []
        st.rerun()


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
            _caption(sub)
            _more_and_hubs(sub)
        with right:
            _side_panel(sub)
