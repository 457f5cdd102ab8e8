"""Overview: what the graph holds — counts, latest articles, most connected entities, a map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import worldmap
from app_pages.common import guard, require_data, view

st.title("casegraph")
st.caption(
    "Cases, agencies, platforms, people and jurisdictions found in news articles — every fact "
    "traced to the sentence that states it."
)

with guard():
    counts = require_data()
    kinds = counts["nodes"]
    headline = {
        "Article": "Articles",
        "Case": "Cases",
        "Agency": "Agencies",
        "Platform": "Platforms",
        "Person": "People",
    }
    for col, (kind, title) in zip(st.columns(len(headline)), headline.items(), strict=True):
        col.metric(title, kinds.get(kind, 0))

    left, right = st.columns(2)
    with left:
        st.subheader("Entities by kind")
        st.bar_chart(pd.Series(kinds, name="nodes").sort_values(ascending=False), horizontal=True)
    with right:
        st.subheader("Relationships by type")
        rels = counts["relationships"]
        if rels:
            st.bar_chart(pd.Series(rels, name="relationships").sort_values(), horizontal=True)
        else:
            st.caption("No relationships yet.")

    left, right = st.columns(2)
    with left:
        st.subheader("Latest articles")
        st.dataframe(
            view("latest_articles", limit=10),
            hide_index=True,
            column_order=("date", "title", "entities", "url"),
            column_config={"url": st.column_config.LinkColumn("link")},
        )
    with right:
        st.subheader("Most connected")
        st.dataframe(
            view("most_connected", limit=10),
            hide_index=True,
            column_order=("name", "kind", "degree"),
        )

    st.subheader("Jurisdictions involved")
    rows = view("jurisdictions")
    if not rows:
        st.caption("No jurisdictions found yet.")
    else:
        fig = worldmap.figure(rows)
        if fig is not None:
            st.plotly_chart(fig, config=worldmap.PLOTLY_CONFIG)
        places = pd.DataFrame(rows, columns=["name", "iso", "articles", "cases"])
        places["iso"] = places["iso"].map(lambda code: "" if code is None else str(code))
        st.dataframe(places, hide_index=True)
    st.page_link(
        "app_pages/explore.py", label="Explore an entity's network", icon=":material/search:"
    )
