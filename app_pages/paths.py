"""Paths: how two entities or jurisdictions connect — cooperation paths and the shortest path."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import graphview
from app_pages.common import entity_label, guard, named_query, require_data, view
from app_pages.timeline import date_window
from graph import ontology, views

MODES = {
    "Cooperation paths (agencies and jurisdictions)": "cooperation_paths",
    "Shortest path (any facts)": "shortest_path",
}
COOPERATING_KINDS = ("Agency", "Jurisdiction")
COOPERATION_TYPES = ("COOPERATES_WITH", "MEMBER_OF", "BELONGS_TO")

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


def _restrictions(mode: str) -> dict[str, Any]:
    """The constraints a user put on the paths (none by default): relationship types,
    jurisdictions allowed on the way, a date window; as the named queries' parameters."""
    every = (
        COOPERATION_TYPES if MODES[mode] == "cooperation_paths" else ontology.GRAPH_RELATIONSHIPS
    )
    with st.expander("Restrict the paths", expanded=False):
        types = st.multiselect(
            "Only these relationship types", every, key=f"paths_types_{MODES[mode]}",
            placeholder="any",
        )  # fmt: skip
        places = {_ref(e): e for e in view("entity_index") if e["kind"] == "Jurisdiction"}
        via = st.multiselect(
            "Only through these jurisdictions",
            sorted(places, key=lambda r: places[r]["name"]),
            format_func=lambda r: entity_label(places[r]),
            key="paths_via",
            placeholder="anywhere",
            help="A country allows its states and regions. The two ends are always allowed; "
            "an entity in between must belong to, be based in or sit in these only (or have "
            "no known place).",
        )
        st.caption("A hop counts when one of its sentences is dated in the window (the "
                   "event's date when the text gives one, else the article's).")  # fmt: skip
        date_from, date_to, undated = date_window("paths_window")
    return {
        "types": list(types) or None, "via": list(via) or None,
        "date_from": date_from, "date_to": date_to, "include_undated": undated,
    }  # fmt: skip


def _show(result: dict[str, Any], restricted: bool) -> None:
    if not result["rows"]:
        hint = "loosen the restrictions, or try" if restricted else "try"
        st.info(f"No path between these two in the graph: {hint} the other mode or other entities.")
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
    limits = _restrictions(mode)
    if source is None or target is None:
        st.info("Choose both ends to draw the paths between them.")
        st.stop()
    if source["id"] == target["id"]:
        st.warning("Choose two different entities.")
        st.stop()
    restricted = any(limits[k] for k in ("types", "via", "date_from", "date_to"))
    params = {"from": _ref(source), "to": _ref(target), **limits}
    _show(named_query(MODES[mode], params), restricted)
