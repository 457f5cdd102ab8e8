"""The interactive graph (st-link-analysis) and the panels beside it: node profile, edge evidence.

Node colour, icon and shape follow the entity kind; edges are labelled by relationship type.
A click on a node or an edge comes back as the component's value; `selection()` keeps the
last one in session state so that the side panel survives reruns.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from st_link_analysis import EdgeStyle, Event, NodeStyle, st_link_analysis

from app_pages.common import correct_fact, view
from app_pages.timeline import show_timeline
from graph import ontology, views

KIND_STYLE: dict[str, tuple[str, str, str]] = {
    # kind: (colour, Material icon shipped with st-link-analysis, cytoscape shape)
    "Person": ("#4C78A8", "person", "ellipse"),
    "Agency": ("#E45756", "account_balance", "round-rectangle"),
    "Platform": ("#F58518", "chat", "round-hexagon"),
    "Organization": ("#72B7B2", "business", "round-rectangle"),
    "Jurisdiction": ("#54A24B", "flag", "round-octagon"),
    "Offense": ("#B279A2", "lock", "round-triangle"),
    "Case": ("#9D755D", "folder", "round-diamond"),
}
EVENTS = [
    Event("node_click", "click tap", "node"),
    Event("edge_click", "click tap", "edge"),
]


class _Rule:
    """A raw cytoscape style rule, for what NodeStyle/EdgeStyle cannot say (shapes, fonts)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


NAME_CHARS = 28  # longer names are cut on the drawing (the profile and tooltips have them whole)
LOW_CONFIDENCE = 0.5  # facts the classifier scored below this are drawn dashed


def _node_styles() -> list[Any]:
    styles: list[Any] = []
    for kind, (colour, icon, shape) in KIND_STYLE.items():
        styles.append(NodeStyle(kind, colour, caption="display", icon=icon))
        styles.append(_Rule(f"node[label='{kind}']", {"shape": shape}))
    # Captions legible at the default zoom, on a white halo over edges, and kept when a larger
    # graph is zoomed out to fit; a collapsed hub has a thick dashed ring.
    styles.append(
        _Rule("node", {"font-size": 15, "font-weight": 600, "text-outline-color": "#ffffff",
                       "text-outline-width": 3, "min-zoomed-font-size": 0})
    )  # fmt: skip
    styles.append(
        _Rule("node[?hub]", {"border-width": 5, "border-style": "dashed", "border-color": "#333"})
    )
    return styles


def _edge_styles() -> list[Any]:
    # labeled=None: the default False makes st-link-analysis 0.4 emit a deprecation warning.
    styles: list[Any] = [
        EdgeStyle(t, caption="caption", directed=t not in ontology.SYMMETRIC_FACTS, labeled=None)  # type: ignore[arg-type]
        for t in ontology.GRAPH_RELATIONSHIPS
    ]
    # Line style by what is known of a fact: dashed when the classifier was unsure, thick
    # when a person confirmed it, thicker with more facts bundled in one line.
    styles += [
        _Rule("edge", {"font-size": 12, "text-outline-color": "#ffffff", "text-outline-width": 2,
                       "min-zoomed-font-size": 0}),
        _Rule("edge[bundled > 1]", {"width": 4}),
        _Rule(f"edge[confidence < {LOW_CONFIDENCE}]", {"line-style": "dashed"}),
        _Rule("edge[?confirmed]", {"width": 6, "line-style": "solid"}),
    ]  # fmt: skip
    return styles


def short_name(name: str) -> str:
    """`name` cut to NAME_CHARS characters (an ellipsis says so)."""
    name = " ".join(str(name).split())
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def to_elements(sub: dict[str, Any], highlight: set[str] | None = None) -> dict[str, Any]:
    """Cytoscape elements from a views subgraph: `label` carries the kind or type for styling,
    `display` a node's caption (its name cut short; a collapsed hub with its number of facts),
    and the facts between two entities are one edge (views.bundle_edges)."""
    hubs = set(sub.get("hubs", ()))
    nodes = []
    for n in sub["nodes"]:
        display = short_name(n["name"])
        if n["id"] in hubs:
            display += f" · {n.get('degree') or 0} facts"
        data = {k: v for k, v in n.items() if v is not None}
        nodes.append({"data": {**data, "label": n["kind"], "display": display,
                               **({"hub": True} if n["id"] in hubs else {})}})  # fmt: skip
    edges = [
        {
            "data": {
                "id": e["id"],
                "label": e["type"],
                "caption": e["caption"],
                "source": e["source"],
                "target": e["target"],
                "evidence": e["evidence"],
                "bundled": len(e["members"]),
                **({"status": e["status"]} if e.get("status") else {}),
                **({"confidence": e["confidence"]} if e.get("confidence") is not None else {}),
                **({"confirmed": True} if e.get("confirmed") else {}),
            }
        }
        for e in views.bundle_edges(sub["edges"])
    ]
    return {"nodes": nodes, "edges": edges}


def draw(sub: dict[str, Any], key: str, height: int = 520) -> dict[str, Any] | None:
    """Draw the subgraph; return a new click event ({"group", "id"}) or None."""
    if not sub["nodes"]:
        st.info("Nothing to draw with these filters.")
        return None
    event = st_link_analysis(
        to_elements(sub),
        layout="cose",
        node_styles=_node_styles(),
        edge_styles=_edge_styles(),
        height=height,
        key=key,
        events=EVENTS,
    )
    return _new_click(event, key)


def _new_click(event: Any, key: str) -> dict[str, Any] | None:
    # The component returns its last event on every rerun; act on each timestamp once.
    if not isinstance(event, dict) or event.get("action") not in ("node_click", "edge_click"):
        return None
    stamp_key = f"{key}__last_event"
    if st.session_state.get(stamp_key) == event.get("timestamp"):
        return None
    st.session_state[stamp_key] = event.get("timestamp")
    data = event.get("data") or {}
    group = "node" if event["action"] == "node_click" else "edge"
    return {"group": group, "id": data.get("target_id")}


def legend() -> None:
    """One line naming the colour of each kind."""
    st.caption(
        "  ".join(f"<span style='color:{c}'>●</span> {k}" for k, (c, _, _) in KIND_STYLE.items()),
        unsafe_allow_html=True,
    )


def show_evidence(fact_key: str) -> None:
    """The fact and every sentence behind it, with the article's title, date and link."""
    fact = view("evidence", fact_key)
    if fact is None:
        st.info(
            "This relationship is no longer in the graph (retracted, or rejected: the Review "
            "page lists corrections and undoes them)."
        )
        return
    status = f" ({fact['status']})" if fact.get("status") else ""
    st.markdown(f"**{fact['source']}** — `{fact['type']}`{status} → **{fact['target']}**")
    if not fact["evidence"]:
        st.caption("No evidence sentence is stored for this relationship.")
    for ev in fact["evidence"]:
        with st.container(border=True):
            st.markdown(f"> {ev['sentence']}")
            title = ev.get("title") or ev.get("path") or ev["article_id"]
            link = f"[{title}]({ev['url']})" if ev.get("url") else title
            found_by = f"rule `{ev.get('rule') or '?'}`"
            if ev.get("confidence") is not None:
                found_by += f" · confidence {ev['confidence']:.2f}"
            page = f" · page {ev['page']}" if ev.get("page") else ""
            st.caption(f"{link}{page} · {ev.get('date') or 'undated'} · {found_by}")
    if fact["type"] in ontology.FACT_PATTERNS:
        if fact.get("confirmed"):
            st.caption("Confirmed by a person.")
        correct_fact(fact)


def show_profile(node_id: str) -> dict[str, Any] | None:
    """Name, kind, aliases, facts and articles of an entity; returns the profile."""
    profile = view("node_profile", node_id)
    if profile is None:
        st.info("This entity is no longer in the graph.")
        return None
    props = profile["props"]
    st.markdown(f"### {props.get('name')}")
    st.caption(" · ".join(str(x) for x in _profile_tags(props) if x))
    if props.get("aliases"):
        st.markdown("**Also called:** " + ", ".join(props["aliases"]))
    if profile["facts"]:
        st.markdown("**Facts**")
        _more(profile["fact_count"], len(profile["facts"]), "facts", "with the most evidence")
        st.dataframe(
            [
                {
                    "fact": f["type"] if f["direction"] == "out" else f"← {f['type']}",
                    "with": f["other"],
                    "kind": f["other_kind"],
                    "evidence": f["evidence_count"],
                }
                for f in profile["facts"]
            ],
            hide_index=True,
        )
    show_timeline(props["id"], key=f"timeline-{props['id']}", facts=profile["fact_count"])
    if profile["articles"]:
        st.markdown("**Articles**")
        _more(profile["article_count"], len(profile["articles"]), "articles", "latest")
        for a in profile["articles"]:
            title = a.get("title") or a["id"]
            st.markdown(f"- [{title}]({a['url']})" if a.get("url") else f"- {title}")
    if props.get("kind") in ontology.ENTITY_KINDS:
        _corrections(props)
    return profile


def _more(total: int, shown: int, what: str, which: str) -> None:
    if total > shown:
        st.caption(f"{total:,} {what}: the {shown} {which} are listed.")


def _corrections(props: dict[str, Any]) -> None:
    """Merge another entity into this one, change its kind, rename it, split an alias off it,
    set its jurisdiction (graph.curation)."""
    from app_pages.access import audit, user
    from app_pages.common import clear_caches, database, driver, extractor
    from graph.curation import PLACING_FACT, curate_entity, set_jurisdiction

    who = user()
    if not who.may("curate"):
        return
    with st.expander("Correct this entity"):
        key = props["id"]
        note = st.text_input("Why", key=f"fix-note-{key}")
        other = st.text_input("Merge into it the entity named", key=f"fix-merge-{key}")
        kinds = [k for k in ontology.ENTITY_KINDS if k != props["kind"]]
        kind = st.selectbox("…or change its kind to", kinds, index=None, key=f"fix-kind-{key}")
        name = st.text_input("…or rename it", key=f"fix-name-{key}")
        place = None
        if props["kind"] in PLACING_FACT:
            place = st.text_input(
                "…or set its jurisdiction to (name or ISO code)", key=f"fix-place-{key}"
            )
        aliases = [
            a for a in props.get("aliases") or [] if a.casefold() != props["name"].casefold()
        ]
        alias = st.selectbox(
            "…or split off the alias (it names another entity)", aliases, index=None,
            key=f"fix-split-{key}",
        )  # fmt: skip
        if st.button("Apply", key=f"fix-apply-{key}"):
            done = []
            fixes = (("merge", other), ("kind", kind), ("rename", name), ("split", alias))
            for action, value in fixes:
                if value and str(value).strip():
                    record = curate_entity(
                        driver(), database(), action, props["name"], str(value), extractor(),
                        note, who=who.name,
                    )  # fmt: skip
                    audit(who, action, {"correction": record["id"], "what": record["what"]})
                    done.append(record["what"])
            if place and place.strip():
                record = set_jurisdiction(
                    driver(), database(), props["name"], place, note, who=who.name
                )
                audit(who, "jurisdiction", {"correction": record["id"], "to": record["target"]})
                done.append(f"{record['source']} {record['type']} {record['target']}")
            clear_caches()
            st.success("; ".join(done) or "Nothing to apply: fill in one of the fields.")


def _profile_tags(props: dict[str, Any]) -> list[Any]:
    return [props.get("kind"), props.get("iso"), props.get("case_kind"), props.get("status")]
