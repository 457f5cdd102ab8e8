"""The map's shipped boundaries (graph/data/boundaries.geojson) and how jurisdictions find their
shape; the Overview's figure built from them. No database."""

from __future__ import annotations

import math

import pycountry

from app_pages import worldmap
from graph import boundaries
from graph.boundaries_source import area, simplify


def test_every_country_news_names_and_every_us_state_has_a_shape() -> None:
    ids = boundaries.feature_ids()
    for code in ("KR", "FR", "NO", "US", "GB", "DE", "CN", "RU", "UA", "SG", "HK", "MT", "TW"):
        assert code in ids, code
    states = {s.code for s in pycountry.subdivisions.get(country_code="US") if "-" in s.code}
    states = {c for c in states if pycountry.subdivisions.get(code=c).type in ("State", "District")}
    assert len(states) == 51 and states <= ids
    assert len([i for i in ids if "-" not in i]) > 230  # countries and territories


def test_outer_rings_are_clockwise_as_plotly_draws_them() -> None:
    for feature in boundaries.world()["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            shell = [tuple(p) for p in polygon[0]]
            assert shell[0] == shell[-1] and area(shell) < 0, feature["id"]


def test_a_jurisdiction_finds_its_shape_or_none() -> None:
    assert boundaries.feature_id("US-TX") == "US-TX"
    assert boundaries.feature_id(" fr ") == "FR"
    assert boundaries.feature_id("FRA") == "FR"  # alpha-3
    assert boundaries.feature_id("CA-ON") == "CA"  # a subdivision without a shape: its country
    for odd in ("EU", "ZZ-99", "", None, 42):
        assert boundaries.feature_id(odd) is None, odd


def test_simplify_drops_points_on_a_straight_edge() -> None:
    square = [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0), (1.0, 0.0), (0.0, 0.0)]
    assert simplify(square, 0.01) == [(0.0, 0.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0), (0.0, 0.0)]


def test_the_figure_colours_articles_and_draws_only_the_states_named() -> None:
    places = [
        {"name": "France", "iso": "FR", "articles": 3, "cases": 1},
        {"name": "Texas", "iso": "US-TX", "articles": 2, "cases": 0},
        {"name": "Ontario", "iso": "CA-ON", "articles": 1, "cases": None},
        {"name": "Canada", "iso": "CA", "articles": 1, "cases": 2},
        {"name": "European Union", "iso": "EU", "articles": 9, "cases": 9},
        {"name": None, "iso": None, "articles": None, "cases": None},
    ]
    fig = worldmap.figure(places)
    assert fig is not None
    (trace,) = fig.data
    z = {i: round(math.expm1(v)) for i, v in zip(trace.locations, trace.z, strict=True)}
    assert z["FR"] == 3 and z["US-TX"] == 2 and z["CA"] == 2 and z["DE"] == 0  # log scale
    assert "US-CA" not in z  # a state nobody named is drawn as part of the US
    assert list(trace.locations).index("US-TX") > list(trace.locations).index("US")  # on top
    assert worldmap.figure([places[-1], places[-2]]) is None  # nothing with a shape
    assert fig.layout.geo.visible is False  # no base layer that needs plotly's topojson
