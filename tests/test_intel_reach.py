"""WGS-84 distances and reach tables."""

import pytest

from brinkmanship.errors import UserError
from brinkmanship.intel import cities_in_reach
from brinkmanship.intel.geodesy import spherical_distance_km, wgs84_distance_km


def dms(d: int, m: int, s: float) -> float:
    sign = -1 if d < 0 else 1
    return sign * (abs(d) + m / 60 + s / 3600)


def test_vincenty_published_test_line() -> None:
    # Vincenty (1975): Flinders Peak to Buninyong, 54,972.271 m.
    d = wgs84_distance_km(
        dms(-37, 57, 3.72030), dms(144, 25, 29.52440), dms(-37, 39, 10.15610), dms(143, 55, 35.38390)
    )
    assert d * 1000 == pytest.approx(54972.271, abs=0.01)


def test_ellipsoid_and_sphere_agree_to_half_percent() -> None:
    args = (39.0392, 125.7625, 38.8977, -77.0365)
    assert wgs84_distance_km(*args) == pytest.approx(spherical_distance_km(*args), rel=0.005)


def test_reach_from_pyongyang() -> None:
    site, rows = cities_in_reach(10_400.0, "Pyongyang")
    reach = {r.name: r for r in rows}
    assert site.name == "Pyongyang"
    assert reach["Seoul–Incheon"].distance_km == pytest.approx(195, abs=10)
    assert reach["Los Angeles"].in_reach and not reach["Washington"].in_reach
    assert [r.distance_km for r in rows] == sorted(r.distance_km for r in rows)


def test_reach_errors() -> None:
    with pytest.raises(UserError, match="--range-km"):
        cities_in_reach(-5.0, "Pyongyang")
    with pytest.raises(UserError, match="--from"):
        cities_in_reach(1000.0, "Pyongyangg City")


def test_shipped_basemap_has_coastlines_and_borders() -> None:
    import numpy as np

    from brinkmanship.intel.maps import basemap

    data = basemap()
    assert len(data["coastlines"]) > 100 and len(data["borders"]) > 100
    points = np.vstack(data["coastlines"])
    assert np.all(np.abs(points[:, 0]) <= 180) and np.all(np.abs(points[:, 1]) <= 90)
    # The Korean peninsula is on the map: a coastline vertex within 60 km of Busan's shore.
    near_busan = np.hypot((points[:, 0] - 129.04) * np.cos(np.radians(35.1)), points[:, 1] - 35.1) * 111.2
    assert near_busan.min() < 60.0
    # The land border between the two Koreas is there too.
    borders = np.vstack(data["borders"])
    assert np.any((np.abs(borders[:, 1] - 38.0) < 0.6) & (np.abs(borders[:, 0] - 127.0) < 1.5))


def _overlaps(labels: list) -> list[tuple[str, str]]:
    from matplotlib.text import Text

    renderer = labels[0].figure.canvas.get_renderer()
    boxes = []
    for label in labels:
        label.update_positions(renderer)
        boxes.append((label.get_text(), Text.get_window_extent(label, renderer)))
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1 :] if ba.overlaps(bb)]


def test_reach_map_labels_do_not_overlap() -> None:
    import matplotlib.pyplot as plt

    from brinkmanship.intel.maps import reach_figure

    site, rows = cities_in_reach(10_400.0, "Pyongyang")
    fig, labels = reach_figure(site, rows, 10_400.0)
    names = {label.get_text() for label in labels}
    # Issue 13: Washington, New York and Boston used to pile on top of each other.
    assert {"Washington", "New York", "Boston", "Pyongyang"} <= names
    assert len(names) >= 0.9 * (len(rows) + 1)
    assert _overlaps(labels) == []
    # Coastlines and borders are drawn under the cities.
    assert len(fig.axes[0].lines) > 200
    plt.close(fig)


def test_rings_map_has_basemap_and_context() -> None:
    import matplotlib.pyplot as plt

    from brinkmanship.effects import Detonation
    from brinkmanship.intel.maps import rings_figure

    det = Detonation(250.0, "air", "Seoul")
    lat, lon = det.location()
    fig, labels = rings_figure([("Seoul", lat, lon)], [det.rings().as_dict()])
    texts = [label.get_text() for label in labels]
    assert "Seoul" in texts and "Pyongyang" in texts  # the regional panel places the city
    for ax in fig.axes:
        assert _overlaps([label for label in labels if label.axes is ax]) == []
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) > 10
    plt.close(fig)
