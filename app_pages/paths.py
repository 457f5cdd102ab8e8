"""Paths: how two entities or jurisdictions connect — cooperation paths and the shortest path."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import graphview
from app_pages.common import entity_label, guard, named_query, require_data, view
from graph import views

MODES = {
    "Cooperation paths (agencies and jurisdictions)": "cooperation_paths",
    "Shortest path (any facts)": "shortest_path",
}
COOPERATING_KINDS = ("Agency", "Jurisdiction")

st.title("Paths")
st.caption(
    "Pick two entities: casegraph draws the chains of facts between them, each hop with the "
    "sentences that state it. Cooperation paths follow cooperation, membership and "
    "jurisdiction facts between agencies and countries."
)


def _endpoints(mode: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    index = view("entity_index")
    if MODES[mode] == "cooperation_paths":
        index = [e for e in index if e["kind"] in COOPERATING_KINDS]
    by_id = {e["id"]: e for e in sorted(index, key=lambda e: (e["kind"], e["name"]))}
    left, right = st.columns(2)
    picks = []
    for col, label, key in ((left, "From", "paths_from"), (right, "To", "paths_to")):
        picks.append(
            col.selectbox(
                label,
                list(by_id),
                index=None,
                format_func=lambda i: entity_label(by_id[i]),
                placeholder="type to search…",
                key=key,
            )
        )
    return by_id.get(picks[0]) if picks[0] else None, by_id.get(picks[1]) if picks[1] else None


def _ref(entity: dict[str, Any]) -> str:
    # An ISO code names a jurisdiction without ambiguity; other entities go by name.
    return str(entity.get("iso") or entity["name"])


def _show(result: dict[str, Any]) -> None:
    if not result["rows"]:
        st.info("No path between these two in the graph. Try the other mode or other entities.")
        return
    sub = views.result_subgraph(result["nodes"], result["relationships"])
    left, right = st.columns([3, 2])
    with left:
        click = graphview.draw(sub, key="paths_graph", height=460)
        graphview.legend()
        st.dataframe(result["rows"], hide_index=True)
    with right:
        st.markdown("#### Each hop and its evidence")
        names = {n["id"]: n["name"] for n in sub["nodes"]}
        chosen = click["id"] if click and click["group"] == "edge" else None
        for edge in sub["edges"]:
            opened = edge["id"] == chosen or len(sub["edges"]) <= 6  # a short path: show it all
            with st.expander(views.edge_label(edge, names), expanded=opened):
                if edge.get("key"):
                    graphview.show_evidence(edge["key"])


with guard():
    require_data()
    mode = st.radio("What to trace", list(MODES), horizontal=True, key="paths_mode")
    source, target = _endpoints(mode)
    if source is None or target is None:
        st.info("Choose both ends to draw the paths between them.")
        st.stop()
    if source["id"] == target["id"]:
        st.warning("Choose two different entities.")
        st.stop()
    _show(named_query(MODES[mode], {"from": _ref(source), "to": _ref(target)}))
