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
