"""The boundaries the app's map draws, shipped with casegraph (no map server, no CDN).

graph/data/boundaries.geojson holds every country (feature id: ISO 3166-1 alpha-2) and the US
states, DC and territories (ISO 3166-2, "US-TX"); graph/data/BOUNDARIES.md names its sources
(Natural Earth and the US Census Bureau, both public domain) and how it was made
(graph/boundaries_source.py). Subdivisions of other countries have no shape here: they are
drawn as their country.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).parent / "data" / "boundaries.geojson"


@cache
def world() -> dict[str, Any]:
    """The whole FeatureCollection (read once per process)."""
    data: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return data


@cache
def feature_ids() -> frozenset[str]:
    return frozenset(str(f["id"]) for f in world()["features"])


def feature_id(iso: object) -> str | None:
    """The id of the shape that draws a jurisdiction with ISO code `iso` (alpha-2, alpha-3 or
    ISO 3166-2), or None when it has no code or no shape (the EU, a typo, an unknown code). A
    subdivision without a shape of its own is drawn as its country."""
    if not isinstance(iso, str) or not iso.strip():
        return None
    code = iso.strip().upper()
    if code in feature_ids():
        return code
    country = code.split("-", 1)[0]
    if len(country) == 3:
        import pycountry

        found = pycountry.countries.get(alpha_3=country)
        country = found.alpha_2 if found is not None else country
    return country if country in feature_ids() else None


def features(ids: set[str]) -> dict[str, Any]:
    """Every country, plus the subdivisions in `ids`, drawn after (on top of) the countries."""
    out = [f for f in world()["features"] if "-" not in f["id"] or f["id"] in ids]
    return {"type": "FeatureCollection", "features": out}
