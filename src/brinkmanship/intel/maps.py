"""Offline map images with matplotlib (Agg): shipped coastlines and borders, no tiles, no network.

The basemap is ``data/basemap_110m.json``: coastlines and land borders from Natural Earth 1:110m
Admin-0 countries (public domain), built by ``scripts/build_basemap.py``. Nothing is downloaded.

Reach maps use an azimuthal equidistant view centred on the launch site, in which great circles
from the launch site are straight radial lines and a range ring is a circle. Ring maps use a local
longitude/latitude view. Labels are placed so that they do not overlap (:func:`place_labels`):
each tries a ring of positions around its point and takes the first free one; a label that finds
none is left out and its point stays drawn.
"""

from __future__ import annotations

import contextlib
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from brinkmanship.effects.places import Place
from brinkmanship.errors import UserError
from brinkmanship.intel.reach import CityReach
from brinkmanship.wording import literal_text

EARTH_RADIUS_KM = 6371.0088
COAST_STYLE: dict[str, Any] = {"color": "#6b8fb3", "lw": 0.6}
BORDER_STYLE: dict[str, Any] = {"color": "#9a9a9a", "lw": 0.4, "ls": "--"}


@lru_cache(maxsize=1)
def basemap() -> dict[str, list[np.ndarray]]:
    """Coastline and border polylines, each an (n, 2) array of longitude, latitude (degrees)."""
    text = resources.files("brinkmanship.intel").joinpath("data/basemap_110m.json").read_text("utf-8")
    data = json.loads(text)
    return {k: [np.asarray(line, dtype=float) for line in data[k]] for k in ("coastlines", "borders")}


def _save(fig: Figure, path: str | Path, replace: bool = True) -> Path:
    """Write the map whole or not at all: drawn into a hidden file beside it and renamed into place, so a
    full disk or Ctrl-C while saving leaves no half-written PNG (and an earlier map as it was). Without
    ``replace`` (no ``--force``) a file of that name that appeared while the map was drawn is kept: the
    map is linked into place, which fails where a file already is, rather than renamed over it."""
    out = Path(path)
    real = Path(os.path.realpath(out))  # through a symbolic link: the rename replaces its target, not it
    partial = real.with_name(f".{real.name}.{os.getpid()}.partial")
    try:
        literal_text(fig).savefig(partial, dpi=110, bbox_inches="tight", format="png")
        if replace:
            os.replace(partial, real)
        else:
            try:
                os.link(partial, real)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: check, then rename (a narrow window)
                if real.exists():
                    raise FileExistsError(str(real)) from None
                os.replace(partial, real)
    except FileExistsError:
        raise UserError(
            f"--map {out}: a file of that name appeared while the map was drawn; kept, and the map not "
            "written (choose another name, or add --force to replace it)"
        ) from None
    except OSError as error:
        raise UserError(f"--map: cannot write {out} ({error.strerror})") from None
    finally:
        plt.close(fig)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return out


def azimuthal_equidistant(lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """x (east), y (north) in km of points in the azimuthal equidistant view centred on (lat0, lon0)."""
    p0, p = np.radians(lat0), np.radians(lat)
    dl = np.radians(lon - lon0)
    cos_c = np.clip(np.sin(p0) * np.sin(p) + np.cos(p0) * np.cos(p) * np.cos(dl), -1.0, 1.0)
    c = np.arccos(cos_c)
    az = np.arctan2(np.sin(dl) * np.cos(p), np.cos(p0) * np.sin(p) - np.sin(p0) * np.cos(p) * np.cos(dl))
    r = c * EARTH_RADIUS_KM
    return np.column_stack([r * np.sin(az), r * np.cos(az)])


def _draw_basemap_projected(ax: Axes, lat0: float, lon0: float, limit_km: float) -> None:
    """Coastlines and borders in the azimuthal view, broken where the projection tears."""
    for kind, style in (("coastlines", COAST_STYLE), ("borders", BORDER_STYLE)):
        for line in basemap()[kind]:
            xy = azimuthal_equidistant(lat0, lon0, line[:, 1], line[:, 0])
            step = np.hypot(*np.diff(xy, axis=0).T)
            for part in np.split(xy, np.nonzero(step > 1500.0)[0] + 1):
                if len(part) > 1 and np.min(np.hypot(*part.T)) <= limit_km:
                    ax.plot(part[:, 0], part[:, 1], zorder=1, **style)


def _draw_basemap_lonlat(ax: Axes, west: float, east: float, south: float, north: float) -> None:
    """Coastlines and borders clipped to a longitude/latitude box."""
    for kind, style in (("coastlines", COAST_STYLE), ("borders", BORDER_STYLE)):
        for line in basemap()[kind]:
            lon, lat = line[:, 0], line[:, 1]
            if lon.max() < west or lon.min() > east or lat.max() < south or lat.min() > north:
                continue
            ax.plot(lon, lat, zorder=1, **style)


OFFSETS_PT = [
    (4, 4, "left", "bottom"),
    (4, -4, "left", "top"),
    (-4, 4, "right", "bottom"),
    (-4, -4, "right", "top"),
    (0, 7, "center", "bottom"),
    (0, -7, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
    (10, 12, "left", "bottom"),
    (10, -12, "left", "top"),
    (-10, 12, "right", "bottom"),
    (-10, -12, "right", "top"),
]
"""Candidate label positions around a point (offset in points, alignment), tried in order."""

_FAR = [(np.cos(a), np.sin(a)) for a in np.radians(np.arange(0.0, 360.0, 30.0))]
FAR_OFFSETS_PT = [
    (round(d * c), round(d * s), "left" if c > 0.2 else "right" if c < -0.2 else "center", "center")
    for d in (22.0, 34.0, 48.0)
    for c, s in _FAR
]
"""Farther positions, tried after :data:`OFFSETS_PT`, with a leader line back to the point."""


def place_labels(ax: Axes, items: list[tuple[str, float, float]], fontsize: float = 7) -> list[Text]:
    """Annotate points so that no two labels overlap, nor cover another item's point.

    Items earlier in the list are placed first (give the important ones first). A label that has
    no free position among :data:`OFFSETS_PT` is not drawn. Returns the labels placed.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    points = ax.transData.transform(np.array([[x, y] for _, x, y in items])) if items else np.empty((0, 2))
    dots = [Bbox.from_bounds(px - 2.5, py - 2.5, 5.0, 5.0) for px, py in points]
    taken: list[Bbox] = []
    placed: list[Text] = []
    for i, (name, x, y) in enumerate(items):
        others = dots[:i] + dots[i + 1 :]
        for k, (dx, dy, ha, va) in enumerate([*OFFSETS_PT, *FAR_OFFSETS_PT]):
            leader = {"arrowstyle": "-", "lw": 0.4, "color": "0.4"} if k >= len(OFFSETS_PT) else None
            text = ax.annotate(
                name,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                zorder=5,
                parse_math=False,  # measured here, before wording.literal_text runs at saving
                arrowprops=leader,
            )
            text.update_positions(renderer)
            box = Text.get_window_extent(text, renderer).expanded(1.05, 1.1)  # the text, not its leader
            if not any(box.overlaps(other) for other in [*taken, *others]):
                taken.append(box)
                placed.append(text)
                break
            text.remove()
    return placed


def reach_figure(site: Place, rows: list[CityReach], range_km: float) -> tuple[Figure, list[Text]]:
    """The reach map as a figure, with the labels placed on it."""
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    limit = min(max(range_km, max((r.distance_km for r in rows), default=range_km)) * 1.08, 20_100.0)
    _draw_basemap_projected(ax, site.lat, site.lon, limit)
    theta = np.linspace(0, 2 * np.pi, 361)
    shown = min(range_km, np.pi * EARTH_RADIUS_KM)
    ax.plot(
        shown * np.sin(theta), shown * np.cos(theta), color="tab:red", lw=1.5, label=f"{range_km:,.0f} km"
    )
    for ring in np.arange(2500.0, limit, 2500.0):
        ax.plot(ring * np.sin(theta), ring * np.cos(theta), color="0.85", lw=0.5, zorder=0)
    ax.plot([0], [0], "k^", ms=6)
    items = [(site.name, 0.0, 0.0)]
    ordered = sorted(rows, key=lambda r: (not r.in_reach, r.distance_km))
    for row in ordered:
        t = np.radians(row.bearing_deg)
        x, y = row.distance_km * np.sin(t), row.distance_km * np.cos(t)
        color = "tab:red" if row.in_reach else "tab:gray"
        ax.plot([0, x], [0, y], color=color, lw=0.6, alpha=0.5, zorder=2)
        ax.plot([x], [y], "o", color=color, ms=4, zorder=3)
        items.append((row.name, float(x), float(y)))
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(
        f"Reach from {site.name}: azimuthal equidistant, rings every 2,500 km, WGS-84 distances\n"
        "coastlines and borders: Natural Earth 1:110m",
        fontsize=9,
    )
    ax.legend(loc="lower left", fontsize=8)
    labels = place_labels(ax, items)
    return fig, labels


def reach_map(
    site: Place, rows: list[CityReach], range_km: float, path: str | Path, replace: bool = True
) -> Path:
    """Draw the range ring, great-circle paths and cities around the launch site on a basemap (``replace``:
    see :func:`_save`)."""
    fig, _ = reach_figure(site, rows, range_km)
    return _save(fig, path, replace)


RING_COLORS = {
    "fireball": "gold",
    "psi_20": "darkred",
    "psi_5": "red",
    "psi_1": "orange",
    "burn_3rd": "purple",
    "rem_500": "green",
}


def _context_places(west: float, east: float, south: float, north: float, count: int) -> list[Place]:
    """The most populous GeoNames places inside a longitude/latitude box, largest first."""
    from brinkmanship.effects.places import geonames_places

    inside = [p for p in geonames_places() if west <= p.lon <= east and south <= p.lat <= north]
    return inside[:count]


def _rings_panel(
    ax: Axes,
    centres: list[tuple[str, float, float]],
    rings: list[dict[str, float | None]],
    box: tuple[float, float, float, float],
    context: int,
) -> list[Text]:
    """One panel: basemap, nearby places, ground zeros and their rings inside ``box``."""
    west, east, south, north = box
    _draw_basemap_lonlat(ax, west, east, south, north)
    theta = np.linspace(0, 2 * np.pi, 181)
    for (_, lat, lon), ring in zip(centres, rings, strict=True):
        ax.plot(lon, lat, "k+", zorder=4)
        for key, radius in ring.items():
            if radius is None:
                continue
            dlat = radius / 111.195 * np.sin(theta)
            dlon = radius / (111.195 * np.cos(np.radians(lat))) * np.cos(theta)
            ax.plot(lon + dlon, lat + dlat, color=RING_COLORS.get(key, "k"), lw=1, label=key, zorder=3)
    zero_keys = {name.casefold() for name, _, _ in centres}
    nearby = [
        p
        for p in _context_places(west, east, south, north, context)
        if p.name.casefold() not in zero_keys
        and min(abs(p.lat - lat) + abs(p.lon - lon) for _, lat, lon in centres) > 0.01
    ]
    for place in nearby:
        ax.plot(place.lon, place.lat, "o", color="0.45", ms=2.5, zorder=2)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1.0 / np.cos(np.radians((south + north) / 2)))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    items = [(name, lon, lat) for name, lat, lon in centres]
    items += [(p.name, p.lon, p.lat) for p in nearby]
    return place_labels(ax, items, fontsize=7)


def rings_figure(
    centres: list[tuple[str, float, float]], rings: list[dict[str, float | None]]
) -> tuple[Figure, list[Text]]:
    """The damage-ring map: a close-up of the rings and a regional view, with labels."""
    fig, (near, region) = plt.subplots(1, 2, figsize=(13, 6.5))
    lats = [c[1] for c in centres]
    lons = [c[2] for c in centres]
    reach = max((r for ring in rings for r in ring.values() if r is not None), default=1.0)
    mid_lat = float(np.mean(lats))
    pad_lat = reach * 1.15 / 111.195
    pad_lon = pad_lat / max(np.cos(np.radians(mid_lat)), 0.1)
    close = (min(lons) - pad_lon, max(lons) + pad_lon, min(lats) - pad_lat, max(lats) + pad_lat)
    labels = _rings_panel(near, centres, rings, close, context=12)
    handles, names = near.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    near.legend(unique.values(), unique.keys(), fontsize=8, loc="upper right")
    near.set_title("Damage rings (ground ranges)", fontsize=9)
    span = max(2.5, (close[3] - close[2]) * 3)
    wide = (
        (close[0] + close[1]) / 2 - span / max(np.cos(np.radians(mid_lat)), 0.1),
        (close[0] + close[1]) / 2 + span / max(np.cos(np.radians(mid_lat)), 0.1),
        mid_lat - span,
        mid_lat + span,
    )
    labels += _rings_panel(region, centres, rings, wide, context=15)
    region.plot(
        [close[0], close[1], close[1], close[0], close[0]],
        [close[2], close[2], close[3], close[3], close[2]],
        color="k",
        lw=0.6,
        zorder=4,
    )
    region.set_title("Region: coastlines and borders from Natural Earth 1:110m", fontsize=9)
    return fig, labels


def rings_map(
    centres: list[tuple[str, float, float]],
    rings: list[dict[str, float | None]],
    path: str | Path,
    replace: bool = True,
) -> Path:
    """Damage rings around each ground zero on a longitude/latitude plot with the basemap (``replace``: see
    :func:`_save`)."""
    fig, _ = rings_figure(centres, rings)
    return _save(fig, path, replace)
