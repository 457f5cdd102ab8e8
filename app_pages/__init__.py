"""The pages of the casegraph Streamlit app (app.py routes to them; each page stays thin)."""
