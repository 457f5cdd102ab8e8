"""The Overview's map of jurisdictions, drawn offline from the boundaries casegraph ships.

Plotly's geo maps fetch a world topojson from a CDN even when every shape comes from the
figure's own GeoJSON; the chart's `topojsonURL` points at an empty topology inlined as a data
URL, so the browser asks no server for it (the shapes are graph/data/boundaries.geojson).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import plotly.graph_objects as go

from graph import boundaries

# plotly.js appends "/<name>.json"; after "#" that is a fragment, ignored by the data URL.
EMPTY_TOPOJSON = 'data:application/json,{"type":"Topology","objects":{},"arcs":[]}#'
PLOTLY_CONFIG = {"topojsonURL": EMPTY_TOPOJSON, "displaylogo": False}
# Shapes without articles in light grey, then reds for one article up to the most.
SCALE = [[0.0, "#eeeeee"], [1e-6, "#fdd0bd"], [0.4, "#fb8a6a"], [1.0, "#a50f15"]]


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def shaded(places: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Shape id -> {articles, cases, names} over the jurisdictions that have a shape."""
    out: dict[str, dict[str, Any]] = {}
    for place in places:
        fid = boundaries.feature_id(place.get("iso"))
        if fid is None:
            continue
        entry = out.setdefault(fid, {"articles": 0, "cases": 0, "names": []})
        entry["articles"] += _count(place.get("articles"))
        entry["cases"] += _count(place.get("cases"))
        entry["names"].append(str(place.get("name") or fid))
    return out


def figure(places: Iterable[Mapping[str, Any]]) -> go.Figure | None:
    """A choropleth of articles per jurisdiction over the whole world, or None when no
    jurisdiction has a shape (no ISO code, or a union such as the EU)."""
    data = shaded(places)
    if not data:
        return None
    geojson = boundaries.features(set(data))
    ids = [f["id"] for f in geojson["features"]]
    names = {f["id"]: f["properties"].get("name", f["id"]) for f in geojson["features"]}
    counts = [data.get(i, {}).get("articles", 0) for i in ids]
    # A log scale: one country in most articles (the US in DOJ releases) would otherwise
    # leave every other one the same pale shade.
    z = [math.log1p(n) for n in counts]
    ticks = [n for n in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000) if n <= max(counts)]
    text = [
        f"{', '.join(data[i]['names'])}<br>{data[i]['articles']} articles, {data[i]['cases']} cases"
        if i in data
        else str(names[i])
        for i in ids
    ]
    trace = go.Choropleth(
        geojson=geojson, locations=ids, featureidkey="id", z=z, zmin=0,
        zmax=max(max(z), math.log1p(1)), colorscale=SCALE, text=text, hoverinfo="text",
        marker_line_width=0.4, marker_line_color="#ffffff",
        colorbar={"title": {"text": "articles"}, "thickness": 12,
                  "tickvals": [math.log1p(n) for n in ticks], "ticktext": [str(n) for n in ticks]},
    )  # fmt: skip
    fig = go.Figure(trace)
    fig.update_geos(visible=False, projection_type="natural earth", lataxis_range=[-58, 85])
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=380)
    return fig
