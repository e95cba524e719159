"""Build the offline basemap shipped with brinkmanship (coastlines and land borders, 1:110m).

Input: a TopoJSON of countries derived from Natural Earth 1:110m Admin-0 countries (public domain;
e.g. the ``countries-110m.json`` of the world-atlas package, Natural Earth 5.1.2). An arc that
bounds one country is a coastline, an arc shared by two is a land border. Seams along the
antimeridian and the bottom edge of Antarctica are dropped. Output: a compact JSON of polylines
(longitude, latitude rounded to 0.01 degree).

    python scripts/build_basemap.py countries-110m.json src/brinkmanship/intel/data/basemap_110m.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def _arc_refs(geometry: dict) -> list[int]:
    rings = geometry["arcs"] if geometry["type"] == "Polygon" else [r for p in geometry["arcs"] for r in p]
    return [i if i >= 0 else ~i for ring in rings for i in ring]


def _seam(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """A segment along the antimeridian or Antarctica's artificial southern edge."""
    on_meridian = abs(abs(a[0]) - 180.0) < 0.01 and abs(abs(b[0]) - 180.0) < 0.01
    return on_meridian or (a[1] < -84.0 and b[1] < -84.0)


def build(topology: dict) -> dict:
    """Coastline and border polylines from a countries TopoJSON."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 2), round(y * sy + ty, 2)))
        arcs.append(points)
    uses = Counter(i for g in topology["objects"]["countries"]["geometries"] for i in set(_arc_refs(g)))
    out: dict[str, list] = {"coastlines": [], "borders": []}
    for index, points in enumerate(arcs):
        kind = "borders" if uses[index] >= 2 else "coastlines"
        line: list[tuple[float, float]] = []
        for a, b in zip(points, points[1:], strict=False):
            if _seam(a, b):
                if len(line) > 1:
                    out[kind].append(line)
                line = []
                continue
            if not line:
                line = [a]
            line.append(b)
        if len(line) > 1:
            out[kind].append(line)
    return {
        "source": "Natural Earth 1:110m Admin-0 countries (public domain), version 5.1.2, via a "
        "world-atlas TopoJSON; arcs bounding one country are coastlines, shared arcs land borders",
        **out,
    }


def main(argv: list[str]) -> int:
    """Read the TopoJSON at argv[1] and write the basemap JSON to argv[2]."""
    topology = json.loads(Path(argv[1]).read_text("utf-8"))
    Path(argv[2]).write_text(json.dumps(build(topology), separators=(",", ":")), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
