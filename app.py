"""The casegraph Streamlit app: a router over the pages in app_pages/.

Run it with `casegraph app` or `streamlit run app.py`; it reads the same settings as the CLI
(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, casegraph.toml, or the local server's password), and
asks for a name and a password when CASEGRAPH_APP_USERS names a users file (app_pages/access.py).
"""

from __future__ import annotations

import streamlit as st

from app_pages.access import current_user, sign_out_button

# An emoji tab icon: Streamlit turns a ":material/...:" one into an icon fetched from a font CDN.
st.set_page_config(page_title="casegraph", page_icon="🕸️", layout="wide")

PAGES = {
    "Investigate": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("app_pages/explore.py", title="Explore", icon=":material/search:"),
        st.Page("app_pages/paths.py", title="Paths", icon=":material/route:"),
        st.Page("app_pages/analytics.py", title="Analytics", icon=":material/hub:"),
        st.Page("app_pages/cases.py", title="Cases", icon=":material/folder_open:"),
        st.Page("app_pages/read.py", title="Read", icon=":material/article:"),
        st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:"),
        st.Page("app_pages/query.py", title="Query", icon=":material/terminal:"),
    ],
    "Data": [
        st.Page("app_pages/ingest.py", title="Ingest", icon=":material/upload:"),
        st.Page("app_pages/export.py", title="Export", icon=":material/download:"),
    ],
}

# Signs the session in (when CASEGRAPH_APP_USERS is set) or stops at the sign-in form, keeping
# the page and parameters the link asked for.
user = current_user(PAGES)
sign_out_button(user)

# Pages a role may not use are not offered (graph/users.py: RIGHTS); the pages check too.
NEEDS = {"Review": "curate", "Ingest": "ingest"}
offered = {
    group: [p for p in pages if user.may(NEEDS.get(p.title, "read"))]
    for group, pages in PAGES.items()
}
st.navigation({group: pages for group, pages in offered.items() if pages}).run()
