"""Offline map images with matplotlib (Agg): no tiles, no coastlines, no network.

Reach maps use an azimuthal equidistant view centred on the launch site (a polar plot of bearing
and distance), in which great circles from the launch site are straight radial lines and a range
ring is a circle.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.projections.polar import PolarAxes

from brinkmanship.effects.places import Place
from brinkmanship.errors import UserError
from brinkmanship.intel.reach import CityReach


def _save(fig: plt.Figure, path: str | Path) -> Path:
    out = Path(path)
    try:
        fig.savefig(out, dpi=110, bbox_inches="tight")
    except OSError as error:
        raise UserError(f"--map: cannot write {out} ({error.strerror})") from None
    finally:
        plt.close(fig)
    return out


def reach_map(site: Place, rows: list[CityReach], range_km: float, path: str | Path) -> Path:
    """Draw the range ring, great-circle paths and cities around the launch site."""
    fig = plt.figure(figsize=(7, 7))
    ax = fig.add_subplot(projection="polar")
    assert isinstance(ax, PolarAxes)
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    theta = np.linspace(0, 2 * np.pi, 361)
    ax.plot(theta, np.full_like(theta, range_km), color="tab:red", lw=1.5, label=f"{range_km:,.0f} km")
    for row in rows:
        t = np.radians(row.bearing_deg)
        color = "tab:red" if row.in_reach else "tab:gray"
        ax.plot([t, t], [0, row.distance_km], color=color, lw=0.6, alpha=0.6)
        ax.plot([t], [row.distance_km], "o", color=color, ms=4)
        ax.annotate(row.name, (t, row.distance_km), fontsize=7)
    ax.set_rmax(max(range_km, max((r.distance_km for r in rows), default=range_km)) * 1.05)
    ax.set_title(f"Reach from {site.name} (azimuthal equidistant, WGS-84 distances)", fontsize=9)
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def rings_map(
    centres: list[tuple[str, float, float]], rings: list[dict[str, float | None]], path: str | Path
) -> Path:
    """Damage rings around each ground zero on a plain longitude/latitude plot."""
    fig, ax = plt.subplots(figsize=(7, 7))
    colors = {
        "fireball": "gold",
        "psi_20": "darkred",
        "psi_5": "red",
        "psi_1": "orange",
        "burn_3rd": "purple",
        "rem_500": "green",
    }
    theta = np.linspace(0, 2 * np.pi, 181)
    for (name, lat, lon), ring in zip(centres, rings, strict=True):
        ax.plot(lon, lat, "k+")
        ax.annotate(name, (lon, lat), fontsize=7)
        for key, radius in ring.items():
            if radius is None:
                continue
            dlat = radius / 111.195 * np.sin(theta)
            dlon = radius / (111.195 * np.cos(np.radians(lat))) * np.cos(theta)
            ax.plot(lon + dlon, lat + dlat, color=colors.get(key, "k"), lw=1, label=key)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=8)
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_aspect(1.0 / np.cos(np.radians(np.mean([c[1] for c in centres]))))
    ax.set_title("Damage rings (ground ranges)", fontsize=9)
    return _save(fig, path)
