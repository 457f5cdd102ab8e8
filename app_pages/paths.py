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
MATCHES = 60  # matches asked of the search; the cooperation mode keeps agencies and places
SHOWN = 20  # matches offered for one end

st.title("Paths")
st.caption(
    "Name two entities: casegraph draws the chains of facts between them, each hop with the "
    "sentences that state it. Cooperation paths follow cooperation, membership and "
    "jurisdiction facts between agencies and countries."
)


def _endpoint(
    col: Any, label: str, key: str, kinds: tuple[str, ...] | None
) -> dict[str, Any] | None:
    """One end of the path: a name searched in the full-text index, then one of its matches
    (the best first), so that the page costs the same whatever the size of the graph."""
    term = col.text_input(label, key=f"{key}_term", placeholder="a name, an alias or an ISO code")
    if not term.strip():
        return None
    matches = view("search_entities", term.strip(), limit=MATCHES)
    if kinds is not None:
        matches = [m for m in matches if m["kind"] in kinds]
    if not matches:
        what = "agency or jurisdiction" if kinds else "entity"
        col.warning(f"No {what} looks like {term.strip()!r}. Try a shorter name or an alias.")
        return None
    by_id = {m["id"]: m for m in matches[:SHOWN]}
    pick = col.selectbox(
        f"{len(by_id)} match(es)", list(by_id), format_func=lambda i: entity_label(by_id[i]),
        key=key,
    )  # fmt: skip
    return by_id.get(pick) if pick else None


def _endpoints(mode: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    kinds = COOPERATING_KINDS if MODES[mode] == "cooperation_paths" else None
    left, right = st.columns(2)
    return (
        _endpoint(left, "From", "paths_from", kinds),
        _endpoint(right, "To", "paths_to", kinds),
    )


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
        places = {_ref(j): {**j, "kind": "Jurisdiction"} for j in view("jurisdictions")}
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
