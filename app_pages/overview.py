"""Overview: what the graph holds — counts, latest articles, most connected entities, a map."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from app_pages.common import guard, require_data, view
from graph import views

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
    places = pd.DataFrame(view("jurisdictions"))
    if places.empty:
        st.caption("No jurisdictions found yet.")
    else:
        places["iso3"] = places["iso"].map(views.to_alpha3)
        mapped = places.dropna(subset=["iso3"])
        if not mapped.empty:
            fig = px.choropleth(
                mapped,
                locations="iso3",
                color="articles",
                hover_name="name",
                hover_data={"cases": True, "iso": True, "iso3": False},
                color_continuous_scale="Reds",
            )
            fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=380)
            st.plotly_chart(fig)
        st.dataframe(places, hide_index=True, column_order=("name", "iso", "articles", "cases"))
    st.page_link(
        "app_pages/explore.py", label="Explore an entity's network", icon=":material/search:"
    )
