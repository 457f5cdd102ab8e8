"""Query: the named queries with generated forms, and the read-only Cypher console."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import streamlit as st

from app_pages import graphview
from app_pages.common import driver, guard, named_query, require_data, settings
from graph import views
from graph.queries import NamedQuery, Param, list_queries

st.title("Query")
RESULT = "query_result"


def _widget(q: NamedQuery, p: Param) -> Any:
    key = f"q_{q.name}_{p.name}"
    label = f"{p.name}{' *' if p.required else ''}"
    if p.type == "bool":
        return st.checkbox(label, value=bool(p.default), help=p.help, key=key)
    if p.type in ("int", "float"):
        num = int if p.type == "int" else float
        return st.number_input(
            label,
            min_value=None if p.minimum is None else num(p.minimum),
            max_value=None if p.maximum is None else num(p.maximum),
            value=None if p.default is None else num(p.default),
            step=1 if p.type == "int" else 0.1,
            help=p.help,
            key=key,
        )
    if p.type == "list[string]":
        if p.choices:
            return st.multiselect(label, p.choices, default=p.default or [], help=p.help, key=key)
        return st.text_input(
            label, value=",".join(p.default or []), help=f"{p.help} (comma-separated)", key=key
        )
    return st.text_input(label, value=p.default or "", help=p.help, key=key)


def _named() -> None:
    queries = {q.name: q for q in list_queries()}
    name = st.selectbox("Named query", list(queries), key="query_name")
    q = queries[name]
    st.caption(q.description)
    with st.form(f"form_{name}"):
        raw = {p.name: _widget(q, p) for p in q.params}
        if st.form_submit_button("Run query", type="primary"):
            st.session_state[RESULT] = (f"query {name}", named_query(name, raw))


def _console() -> None:
    st.caption("Read-only: write clauses and administrative procedures are refused.")
    with st.form("cypher_console"):
        text = st.text_area(
            "Cypher",
            "MATCH (p:Platform)<-[r]-(x) RETURN p, r, x LIMIT 25",
            height=120,
            key="cypher_text",
        )
        if st.form_submit_button("Run Cypher", type="primary"):
            from graph.readonly import run_read_only

            cfg = settings()
            result = run_read_only(
                driver(),
                cfg.neo4j_database,
                text,
                {},
                cfg.row_limit,
                cfg.query_timeout,
                cfg.result_mb * 2**20,
            )
            st.session_state[RESULT] = ("cypher", result.__dict__)


def _to_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                v if isinstance(v, str) else json.dumps(v, default=str)
                for v in (row.get(c) for c in columns)
            ]
        )
    return buf.getvalue()


def _results() -> None:
    if RESULT not in st.session_state:
        return
    title, result = st.session_state[RESULT]
    st.subheader(f"Result of {title}")
    note = f" ({result.get('truncated_note') or 'truncated'})" if result["truncated"] else ""
    st.caption(f"{len(result['rows'])} rows{note}")
    st.dataframe(result["rows"], hide_index=True)
    left, right = st.columns(2)
    left.download_button(
        "Download CSV", _to_csv(result["columns"], result["rows"]), "result.csv", "text/csv"
    )
    right.download_button(
        "Download JSON",
        json.dumps(result["rows"], indent=2, default=str, ensure_ascii=False),
        "result.json",
        "application/json",
    )
    sub = views.result_subgraph(result["nodes"], result["relationships"])
    if sub["nodes"]:
        st.markdown("**As a graph**")
        graphview.draw(sub, key="query_graph", height=420)


with guard():
    require_data()
    named_tab, console_tab = st.tabs(["Named queries", "Cypher console"])
    with named_tab:
        _named()
    with console_tab:
        _console()
    _results()
