"""Missile range from lofted tests against David Wright's (UCS) 2017 analyses."""

import pytest

from brinkmanship.errors import UserError
from brinkmanship.intel import estimate_range, range_towards_km
from brinkmanship.intel.missile import ballistic_max_range_km, coast

# (apogee km, ground range km, flight time min) -> Wright, allthingsnuclear.org (2017)
WRIGHT = [
    ((2802.0, 933.0, 37.0), 6700.0),  # Hwasong-14, 4 Jul 2017
    ((3725.0, 998.0, 47.2), 10400.0),  # Hwasong-14, 28 Jul 2017
    ((4475.0, 950.0, 53.0), 13000.0),  # Hwasong-15, 29 Nov 2017
]


@pytest.fixture(scope="module")
def estimates() -> list:
    return [estimate_range(*obs) for obs, _ in WRIGHT]


@pytest.mark.parametrize("i", range(3))
def test_range_within_10_percent_of_wright(estimates: list, i: int) -> None:
    est = estimates[i]
    assert est.central == pytest.approx(WRIGHT[i][1], rel=0.10)
    assert est.low <= est.central <= est.high
    # The simple ballistic reading misses the gravity losses of the lofted boost.
    assert est.ballistic_km < 0.9 * est.central


def test_fitted_flight_reproduces_observations(estimates: list) -> None:
    from brinkmanship.intel.missile import fly

    flight = fly(estimates[1].boost)
    assert flight.apogee_km == pytest.approx(3725.0, rel=0.02)
    assert flight.range_km == pytest.approx(998.0, rel=0.02)
    assert flight.time_s / 60 == pytest.approx(47.2, rel=0.15)


def test_earth_rotation_helps_eastward_and_hurts_westward(estimates: list) -> None:
    flight = estimates[1].flight
    pyongyang = (39.0392, 125.7625)
    east = range_towards_km(flight, *pyongyang, 34.05, -118.24)  # Los Angeles, roughly east
    west = range_towards_km(flight, *pyongyang, 55.76, 37.62)  # Moscow, west
    assert east > estimates[1].central > west


def test_kepler_coast_vertical_limit() -> None:
    # A flight path close to vertical comes back almost where it left; apogee from energy.
    apogee, angle, _ = coast(6371.0, 5.0, 1.5697)
    v2_over_2 = 12.5
    expected = 1 / (1 / 6371.0 - v2_over_2 / 398600.4418) - 6371.0
    assert apogee == pytest.approx(expected, rel=1e-3)
    assert angle * 6371.0 < 20.0


def test_ballistic_formula_known_value() -> None:
    # Minimum-energy range grows with the loft it is read from.
    assert ballistic_max_range_km(2802, 933) < ballistic_max_range_km(4475, 950)


@pytest.mark.parametrize(
    "obs",
    [(100.0, 5000.0, 10.0), (3725.0, 998.0, 5.0), (-1.0, 998.0, 47.0)],
)
def test_impossible_missile_data(obs: tuple) -> None:
    with pytest.raises(UserError):
        estimate_range(*obs)
