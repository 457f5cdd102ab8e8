"""Time in the app: a date window with an explicit "include undated" choice, and the timeline of
an entity's or a case's facts by event date (plotly).

A fact is placed at the date its sentence gives for the event; without one, at the date of the
article that reported it (drawn hollow); with neither it is undated and listed under the chart
when the window includes undated items, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from app_pages.common import view

_KEEP_UNDATED = "Include undated"


def date_window(key: str) -> tuple[str | None, str | None, bool]:
    """A date range over the articles' dates (off by default) and the "include undated"
    toggle; returns (date_from, date_to, include_undated)."""
    dates = view("article_dates")
    date_from = date_to = None
    left, right = st.columns([3, 1])
    if dates.get("first") and left.toggle("Only dates between…", key=f"{key}_dated"):
        first, last = (dt.date.fromisoformat(str(d)[:10]) for d in (dates["first"], dates["last"]))
        picked = left.date_input("Dates", (first, last), key=f"{key}_range")
        if isinstance(picked, tuple) and len(picked) == 2:
            date_from, date_to = (d.isoformat() for d in picked)
    undated = right.toggle(
        _KEEP_UNDATED,
        value=True,
        key=f"{key}_undated",
        help="Keep what has no known date (no event date and an undated article).",
    )
    return date_from, date_to, undated


def _when(date: str) -> str:
    """A plottable day for a date of any precision: "2023" -> mid-year, "2023-03" -> the 15th."""
    return {4: f"{date}-07-01", 7: f"{date}-15"}.get(len(date), date)


def figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Dated rows as points: x the date, y the fact type; filled when the sentence gives the
    event date, hollow when only the article's date is known."""
    fig = go.Figure()
    for dated_by, name, symbol in (
        ("event", "event date (the text says when)", "circle"),
        ("report", "reported date (the article's date)", "circle-open"),
    ):
        part = [r for r in rows if r["dated_by"] == dated_by]
        if not part:
            continue
        fig.add_trace(
            go.Scatter(
                x=[_when(r["date"]) for r in part],
                y=[r["type"] for r in part],
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 11},
                text=[f"{r['source']} {r['type']} {r['target']} ({r['date']})" for r in part],
                customdata=[(r["sentence"] or "")[:200] for r in part],
                hovertemplate="%{text}<br>%{customdata}<extra></extra>",
            )
        )
    fig.update_layout(
        height=320, margin={"l": 0, "r": 0, "t": 10, "b": 0}, legend={"orientation": "h"}
    )
    return fig


ON_DEMAND = 2000  # facts above which a timeline is drawn only when asked (a hub's)
TIMELINE_ROWS = 500  # pieces of evidence drawn at most: a case between hubs has thousands


def show_timeline(node_id: str, key: str, facts: int = 0) -> None:
    """The timeline of the facts of entity or case `node_id`, with its date window; for an
    entity with more than ON_DEMAND `facts` (a hub) only when asked for."""
    st.markdown("**Timeline**")
    if facts > ON_DEMAND and not st.toggle(
        f"Draw the timeline of its {facts:,} facts", key=f"{key}_on_demand"
    ):
        return
    date_from, date_to, undated = date_window(key)
    rows = view("fact_timeline", node_id, date_from, date_to, undated, limit=TIMELINE_ROWS + 1)
    if len(rows) > TIMELINE_ROWS:
        rows = rows[:TIMELINE_ROWS]
        st.caption(
            f"More than {TIMELINE_ROWS} facts: the first {TIMELINE_ROWS} by date are shown "
            "(dated before undated). Narrow the dates to see the others."
        )
    dated = [r for r in rows if r["date"]]
    if dated:
        st.plotly_chart(figure(dated), key=f"{key}_chart")
    else:
        st.caption("No dated fact in this window.")
    undated_rows = [r for r in rows if not r["date"]]
    if undated_rows:
        st.caption(f"{len(undated_rows)} undated (no event date, article without a date):")
        st.dataframe(
            [
                {"fact": f"{r['source']} {r['type']} {r['target']}", "sentence": r["sentence"]}
                for r in undated_rows
            ],
            hide_index=True,
            key=f"{key}_undated_rows",
        )
