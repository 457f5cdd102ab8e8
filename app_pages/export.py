"""Export: GraphML / JSON / CSV of the whole graph or of the view open on the Explore page."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from app_pages.common import database, driver, guard, require_data, view

FORMATS = {
    "GraphML (Gephi, yEd)": ("graphml", "casegraph.graphml", "application/graphml+xml"),
    "JSON (nodes and links)": ("json", "casegraph.json", "application/json"),
    "CSV (nodes and relationships, zipped)": ("csv", "casegraph-csv.zip", "application/zip"),
}

st.title("Export")


def _explore_view() -> tuple[list[str], int] | None:
    """Names of the entities centred on the Explore page (seed and expansions), and the depth."""
    ids = [st.session_state.get("explore_seed"), *st.session_state.get("explore_expanded", [])]
    ids = [i for i in ids if i]
    if not ids:
        return None
    names = {e["id"]: e["name"] for e in view("entity_index")}
    return [names[i] for i in ids if i in names], int(st.session_state.get("explore_depth", 2))


def _export_bytes(fmt: str, names: list[str] | None, depth: int) -> bytes:
    from graph.export import export_graph

    with tempfile.TemporaryDirectory(prefix="casegraph-export-") as tmp:
        out = Path(tmp) / ("export" if fmt == "csv" else f"export.{fmt}")
        export_graph(driver(), database(), fmt, out, names=names, depth=depth, query=None)
        if out.is_file():
            return out.read_bytes()
        buf = io.BytesIO()  # CSV exports are a folder of files: zip them
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(tmp).rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(tmp))
        return buf.getvalue()


with guard():
    require_data()
    current = _explore_view()
    scopes = ["The whole graph"]
    if current:
        scopes.append(f"The Explore view: {', '.join(current[0])} (depth {current[1]})")
    else:
        st.caption("Open an entity on the Explore page to export just its neighbourhood.")
    scope = st.radio("What to export", scopes, key="export_scope")
    label = st.radio("Format", list(FORMATS), key="export_format")
    fmt, file_name, mime = FORMATS[label]
    if st.button("Prepare the file", type="primary", key="export_prepare"):
        names, depth = current if current and scope != scopes[0] else (None, 1)
        st.session_state["export_file"] = (file_name, mime, _export_bytes(fmt, names, depth))
    if "export_file" in st.session_state:
        file_name, mime, data = st.session_state["export_file"]
        st.download_button(f"Download {file_name} ({len(data):,} bytes)", data, file_name, mime)
