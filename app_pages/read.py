"""Read: full-text search over the articles, and one article as casegraph read it.

The search takes Lucene's syntax (words, "phrases", AND / OR / NOT, fuzzy terms, wildcards)
and lists articles with the passage that matched. Opening one shows its text with every mention
marked in its kind's colour, its facts (pick one: its sentence is highlighted in the text and
scrolled to) and its cases. `?article=ID` opens an article directly.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import streamlit as st

from app_pages.common import correct_fact, database, driver, guard, md
from app_pages.graphview import KIND_STYLE
from graph import ontology

ARTICLE = "read_article"
HITS = "read_hits"


def _marked(text: str, marks: list[tuple[int, int]] | list[list[int]]) -> str:
    def safe(piece: str) -> str:  # neither HTML nor Markdown from the article's text
        return md(html.escape(piece, quote=False))

    parts, at = [], 0
    for start, end in marks:
        parts += [safe(text[at:start]), f"<mark>{safe(text[start:end])}</mark>"]
        at = end
    return "".join(parts) + safe(text[at:])


def _search_form() -> None:
    with st.form("read_search"):
        query = st.text_input(
            "Search the articles",
            placeholder='e.g. "account information", extradit*, Telegram AND Durov, telegarm~',
        )
        left, middle, right = st.columns(3)
        entity = left.text_input("Mentioning the entity", placeholder="optional")
        kinds = ["any", *ontology.NODE_KINDS]
        kind = middle.selectbox("Mentioning an entity of kind", kinds)
        dates = right.date_input("Dated between", value=[], help="optional")
        if st.form_submit_button("Search", type="primary"):
            from graph.documents import search

            date_from = dates[0].isoformat() if len(dates) > 0 else None
            date_to = dates[1].isoformat() if len(dates) > 1 else None
            hits = search(
                driver(), database(), query, 50, entity.strip() or None,
                None if kind == "any" else kind, date_from, date_to,
            )  # fmt: skip
            st.session_state[HITS] = [h.__dict__ for h in hits]


def _results() -> None:
    hits: list[dict[str, Any]] = st.session_state.get(HITS, [])
    if HITS in st.session_state and not hits:
        st.info("No article matches.")
    for hit in hits:
        with st.container(border=True):
            title = hit["title"] or hit["path"] or hit["id"]
            st.markdown(f"**{md(title)}** · {hit['date'] or 'no date'}")
            st.markdown(_marked(hit["snippet"], hit["highlights"]), unsafe_allow_html=True)
            for ev in hit["evidence"][:3]:
                fact = f"{ev.get('source', '?')} {ev['type']} {ev.get('target', '?')}"
                st.caption(f"fact: {md(fact)}")
            if st.button("Open", key=f"open-{hit['id']}"):
                st.session_state[ARTICLE] = hit["id"]
                st.query_params["article"] = hit["id"]
                st.rerun()


def _document_html(doc: Any, chosen: dict[str, Any] | None) -> str:
    """The article's text with its mentions underlined in their kind's colour and the chosen
    fact's sentence highlighted; a script scrolls the frame to that sentence. The text is cut at
    every mention and sentence boundary, each piece escaped and wrapped on its own."""
    text = doc.text
    evidence = (chosen["start"], chosen["end"]) if chosen is not None else (-1, -1)
    cuts = {0, len(text), *(x for m in doc.mentions for x in (m["start"], m["end"]))}
    cuts |= {x for x in evidence if 0 <= x <= len(text)}
    bounds = sorted(cuts)
    mentions = iter(doc.mentions)
    mention = next(mentions, None)
    out, scrolled = [], False
    for a, b in itertools.pairwise(bounds):
        while mention is not None and mention["end"] <= a:
            mention = next(mentions, None)
        piece = html.escape(text[a:b])
        if mention is not None and mention["start"] <= a and b <= mention["end"]:
            colour = KIND_STYLE.get(mention["kind"], ("#999999", "", ""))[0]
            label = html.escape(f"{mention['name']} ({mention['kind']})", quote=True)
            piece = f'<span style="border-bottom:3px solid {colour}" title="{label}">{piece}</span>'
        if evidence[0] <= a and b <= evidence[1]:
            anchor = "" if scrolled else ' id="chosen"'
            scrolled = True
            piece = f'<span class="ev"{anchor}>{piece}</span>'
        out.append(piece)
    return (
        "<html><head><style>"
        "body{font-family:sans-serif;font-size:16px;line-height:1.6;white-space:pre-wrap;"
        "margin:0 8px}.ev{background:#fff3a0}"
        "</style></head><body>" + "".join(out) + "<script>"
        "var c=document.getElementById('chosen');if(c){c.scrollIntoView({block:'center'});}"
        "</script></body></html>"
    )


def _document(article_id: str) -> None:
    from graph.documents import byline, document

    doc = document(driver(), database(), article_id)
    st.subheader(md(doc.title or doc.path or doc.id))
    source = doc.url or doc.path or ""
    st.caption(f"{doc.date or 'no date'} · {md(source)} · id {doc.id}")
    st.caption(md(byline(doc)))
    if not doc.text:
        st.warning("This article was stored before casegraph kept article texts: ingest it again.")
        return
    st.markdown(
        " ".join(
            f'<span style="border-bottom:3px solid {colour}">{kind}</span>'
            for kind, (colour, _icon, _shape) in KIND_STYLE.items()
            if kind != "Case"
        ),
        unsafe_allow_html=True,
    )
    text_col, facts_col = st.columns([3, 2])
    chosen = None
    with facts_col:
        st.markdown(f"**Facts ({len(doc.facts)})**")
        if doc.facts:
            labels = [
                f"{f['source']} {f['type']} {f['target']}"
                + ("" if f["confidence"] is None else f" · {f['confidence']:.2f}")
                + (" · rejected" if f["rejected"] else " · confirmed" if f["confirmed"] else "")
                for f in doc.facts
            ]
            pick = st.radio(
                "Pick a fact to see its sentence", range(len(labels)),
                format_func=lambda i: labels[i], index=None, key=f"fact-{doc.id}",
            )  # fmt: skip
            if pick is not None:
                chosen = doc.facts[pick]
                st.info(md(chosen["sentence"]))
                if chosen.get("page"):
                    st.caption(f"page {chosen['page']}")
                correct_fact(chosen)
        st.markdown(f"**Cases ({len(doc.cases)})**")
        for c in doc.cases:
            st.caption(
                f"{md(c['title'] or c['id'])} ({c['case_kind'] or 'case'}, "
                f"{c['status'] or 'unknown'}, {c['jurisdiction'] or 'no jurisdiction'})"
            )
    with text_col:
        st.iframe(_document_html(doc, chosen), height=620)


with guard():
    st.title("Read")
    driver()  # fail early, with what to do, when Neo4j is not reachable
    if "article" in st.query_params and ARTICLE not in st.session_state:
        st.session_state[ARTICLE] = st.query_params["article"]
    article = st.session_state.get(ARTICLE)
    if article:
        if st.button("← Back to the search"):
            del st.session_state[ARTICLE]
            st.query_params.pop("article", None)
            st.rerun()
        _document(article)
    else:
        _search_form()
        _results()
