"""Cases: filter the proceedings, open one to see who leads it, whom it targets, and its links."""

from __future__ import annotations

import json
import zlib
from typing import Any
from urllib.parse import quote

import streamlit as st

from app_pages import graphview
from app_pages.common import guard, require_data, view
from app_pages.timeline import date_window, show_timeline
from graph.views import CASES_PAGE, case_labels

st.title("Cases")


def _filters() -> dict[str, Any]:
    options = view("case_filter_options")
    cols = st.columns(4)
    labels = ("Jurisdiction", "Status", "Offence", "Platform")
    keys = ("jurisdictions", "statuses", "offenses", "platforms")
    params = ("jurisdiction", "status", "offense", "platform")
    chosen = {}
    for col, label, key, param in zip(cols, labels, keys, params, strict=True):
        chosen[param] = col.selectbox(
            label, options[key], index=None, placeholder="any", key=f"cases_{param}"
        )
    return chosen


def _case_view(case_id: str) -> None:
    detail = view("case_detail", case_id)
    if detail is None:
        st.info("This case is no longer in the graph.")
        return
    case = detail["case"]
    st.subheader(case.get("title") or case.get("name"))
    st.caption(
        " · ".join(
            str(x)
            for x in (case.get("case_kind"), case.get("status"), case.get("jurisdiction"))
            if x
        )
        + _dates(case)
    )
    roles = detail["roles"]
    cols = st.columns(4)
    for col, (role, title) in zip(
        cols,
        (
            ("LED_BY", "Led by"),
            ("TARGETS", "Targets"),
            ("ALLEGES", "Offences"),
            ("IN_JURISDICTION", "Where"),
        ),
        strict=True,
    ):
        col.markdown(f"**{title}**")
        for r in (x for x in roles if x["role"] == role):
            col.markdown(f"- [{r['name']}](/explore?entity={quote(r['name'])})")
    st.markdown("**Sources**")
    for a in detail["sources"]:
        title = a.get("title") or a["id"]
        date = f" ({a['date']})" if a.get("date") else ""
        st.markdown(f"- [{title}]({a['url']}){date}" if a.get("url") else f"- {title}{date}")
    st.markdown("**Linked cases**")
    if not detail["linked"]:
        st.caption("No other case shares a party, an offence or a fact with this one.")
    for other in detail["linked"]:
        st.markdown(
            f"- **{other['title']}** ({other.get('status') or '?'}) — via {'; '.join(other['via'])}"
        )
    show_timeline(case_id, key=f"case-timeline-{case_id}")
    with st.expander("Why: the sentences behind each role"):
        for r in roles:
            if r.get("key"):
                graphview.show_evidence(r["key"])


def _dates(case: dict[str, Any]) -> str:
    first, last = case.get("first_date"), case.get("last_date")
    if not first:
        return " · undated"
    return f" · {first}" if first == last else f" · {first} – {last}"


SORTS = {"title": "Title", "latest": "Latest dates first", "sources": "Most sources first"}


def _listing() -> dict[str, Any]:
    """The filtered, sorted page of cases the user asked for (CASES_PAGE at a time)."""
    chosen = _filters()
    left, right = st.columns([3, 1])
    chosen["title"] = left.text_input(
        "Title contains", key="cases_title", placeholder="e.g. Durov, France, ransomware"
    )
    chosen["sort"] = right.selectbox(
        "Sort", list(SORTS), format_func=SORTS.__getitem__, key="cases_sort"
    )
    chosen["date_from"], chosen["date_to"], chosen["include_undated"] = date_window("cases_window")
    # A new choice starts again at page 1: the page widget is keyed by the choice.
    key = f"cases_page_{zlib.crc32(json.dumps(chosen, sort_keys=True).encode())}"
    number = max(1, int(st.session_state.get(key, 1)))
    listing: dict[str, Any] = view(
        "cases", **chosen, skip=(number - 1) * CASES_PAGE, limit=CASES_PAGE
    )
    total = listing["total"]
    pages = max(1, -(-total // CASES_PAGE))
    if number > pages:  # the graph shrank since (a retraction): show its last page
        number = st.session_state[key] = pages
        listing = view("cases", **chosen, skip=(number - 1) * CASES_PAGE, limit=CASES_PAGE)
    if total > CASES_PAGE:
        st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    if total:
        first = (number - 1) * CASES_PAGE + 1
        st.caption(f"Cases {first:,}–{first + len(listing['rows']) - 1:,} of {total:,}")
    return listing


with guard():
    require_data()
    rows = _listing()["rows"]
    if not rows:
        st.info("No case matches these filters.")
        st.stop()
    event = st.dataframe(
        rows,
        hide_index=True,
        column_order=(
            "title",
            "kind",
            "status",
            "jurisdiction",
            "led_by",
            "targets",
            "offenses",
            "sources",
            "first_date",
            "last_date",
        ),
        on_select="rerun",
        selection_mode="single-row",
        key="cases_table",
    )
    picked = event.selection.rows if event is not None else []  # type: ignore[union-attr]
    labels = case_labels(rows)
    by_title = dict(zip(labels, (r["id"] for r in rows), strict=True))
    default = labels[picked[0]] if picked else None
    title = st.selectbox(
        "Open a case",
        list(by_title),
        index=list(by_title).index(default) if default else 0,
    )
    st.divider()
    _case_view(by_title[title])
